import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HEARTBEAT_POLICY, nodeStatus } from './node-status.js';

const T = Date.UTC(2026, 0, 15, 12);
const policy = { intervalMs: 10_000, missedBeforeOffline: 3 };

test('a node with a fresh heartbeat is ONLINE and schedulable', () => {
  assert.deepEqual(nodeStatus({ lastHeartbeatAt: T - 4_000, cordoned: false }, T, policy), {
    status: 'ONLINE',
    schedulable: true,
    missedHeartbeats: 0,
    offlineAt: T + 26_000,
  });
});

test('missed heartbeats below the threshold keep it ONLINE; reaching it makes it OFFLINE', () => {
  const late = nodeStatus({ lastHeartbeatAt: T - 29_999, cordoned: false }, T, policy);
  assert.deepEqual([late.status, late.missedHeartbeats], ['ONLINE', 2]);
  const gone = nodeStatus({ lastHeartbeatAt: T - 30_000, cordoned: false }, T, policy);
  assert.deepEqual([gone.status, gone.schedulable, gone.missedHeartbeats], ['OFFLINE', false, 3]);
});

test('cordoned or self-reported draining nodes are DRAINING while alive, OFFLINE once silent', () => {
  assert.equal(nodeStatus({ lastHeartbeatAt: T, cordoned: true }, T, policy).status, 'DRAINING');
  assert.equal(nodeStatus({ lastHeartbeatAt: T, cordoned: false, draining: true }, T, policy).status, 'DRAINING');
  assert.equal(nodeStatus({ lastHeartbeatAt: T, cordoned: true }, T, policy).schedulable, false);
  assert.equal(nodeStatus({ lastHeartbeatAt: T - 60_000, cordoned: true }, T, policy).status, 'OFFLINE');
});

test('a node never heard from is OFFLINE; a heartbeat from the future counts as fresh', () => {
  assert.deepEqual(nodeStatus({ lastHeartbeatAt: null, cordoned: false }, T), { status: 'OFFLINE', schedulable: false, missedHeartbeats: 0, offlineAt: null });
  assert.equal(nodeStatus({ lastHeartbeatAt: T + 5_000, cordoned: false }, T, policy).status, 'ONLINE');
});

test('the default policy is 10 s heartbeats, offline after 30 s; bad policies throw', () => {
  assert.deepEqual(DEFAULT_HEARTBEAT_POLICY, { intervalMs: 10_000, missedBeforeOffline: 3 });
  assert.throws(() => nodeStatus({ lastHeartbeatAt: T, cordoned: false }, T, { intervalMs: 0, missedBeforeOffline: 3 }), RangeError);
  assert.throws(() => nodeStatus({ lastHeartbeatAt: T, cordoned: false }, T, { intervalMs: 1, missedBeforeOffline: 0 }), RangeError);
});
