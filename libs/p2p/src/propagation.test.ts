import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatePropagation } from './propagation.js';
import { generateTopology } from './topology.js';
import { runGuideScenario, GUIDE_MESH_100 } from './scenario.js';
import type { P2PGraph } from './graph.js';

const mix = { ble: 0.4, htx: 0.3, quic: 0.3 };
const g = generateTopology({ nodes: 2000, degree: 6, transportMix: mix, seed: 11 });

test('simulator invariants over failure rates, fanouts and link loss', () => {
  for (const failureRate of [0, 0.2, 0.5])
    for (const fanout of [undefined, 2])
      for (const linkLoss of [false, true]) {
        const r = simulatePropagation(g, { source: 'peer-7', ttl: 12, failureRate, seed: 3, fanout, linkLoss });
        assert.equal(r.liveNodes + r.failedNodes, r.nodes);
        assert.equal(r.failedNodes, Math.round(failureRate * (r.nodes - 1)));
        assert.ok(r.informedNodes <= r.reachableNodes && r.reachableNodes <= r.liveNodes);
        assert.equal(r.duplicates + r.useful + r.lost, r.transmissions);
        assert.equal(r.useful, r.informedNodes - 1);
        if (!linkLoss) assert.equal(r.lost, 0);
        assert.ok(r.hops.max <= 12);
        assert.equal(r.reachability, r.informedNodes / r.liveNodes);
        const t = r.timeToLive;
        if (t.p50 !== null && t.p95 !== null) assert.ok(t.p50 <= t.p95);
        if (failureRate === 0 && !fanout && !linkLoss) assert.equal(r.informedNodes, r.nodes);
      }
});

test('failed nodes are never informed and never forward', () => {
  // Star: the hub is the only way between leaves; failing everything but the source on a
  // chain shows nothing passes through a dead peer.
  const lt = { transport: 'quic', latencyMs: 1, throughputMbps: 1000, setupMs: 0, successRate: 1, batteryImpact: 0 } as const;
  const chain: P2PGraph = {
    peers: ['a', 'b', 'c'].map((id) => ({ id, mobile: false })),
    links: [{ a: 'a', b: 'b', transports: [lt] }, { a: 'b', b: 'c', transports: [lt] }],
  };
  // failureRate 0.5 of 2 others ⇒ 1 failed; whichever it is, it is not informed.
  for (let seed = 0; seed < 20; seed++) {
    const r = simulatePropagation(chain, { source: 'a', ttl: 5, failureRate: 0.5, seed });
    assert.equal(r.failedNodes, 1);
    assert.ok(r.informedNodes <= 2);
    assert.equal(r.informedNodes, r.reachableNodes);
  }
  // Exact timing on the chain: latency 1 ms + 1024 B / 125,000 B/ms per hop.
  const r = simulatePropagation(chain, { source: 'a', ttl: 5, failureRate: 0, seed: 1 });
  const hop = 1 + 1024 / 125_000;
  assert.ok(Math.abs((r.timeToLive.p100 ?? 0) - 2 * hop) < 1e-9);
  assert.equal(r.transmissions, 2);
  assert.equal(r.bandwidthEfficiency, 1);
  // ttl 1: only b.
  assert.equal(simulatePropagation(chain, { source: 'a', ttl: 1, failureRate: 0, seed: 1 }).informedNodes, 2);
});

test('same seed ⇒ identical result', () => {
  const o = { source: 'peer-0', ttl: 10, failureRate: 0.2, seed: 99, fanout: 3, linkLoss: true };
  assert.deepEqual(simulatePropagation(g, o), simulatePropagation(g, o));
  assert.notDeepEqual(simulatePropagation(g, o), simulatePropagation(g, { ...o, seed: 100 }));
});

test('validation: RangeErrors naming the field', () => {
  const field = (f: string) => (e: unknown) => e instanceof RangeError && e.message.startsWith(f);
  const ok = { source: 'peer-0', ttl: 5, failureRate: 0, seed: 1 };
  assert.throws(() => simulatePropagation(g, { ...ok, ttl: 17 }), field('ttl'));
  assert.throws(() => simulatePropagation(g, { ...ok, source: 'x' }), field('source'));
  assert.throws(() => simulatePropagation(g, { ...ok, failureRate: 1 }), field('failureRate'));
  assert.throws(() => simulatePropagation(g, { ...ok, fanout: 0 }), field('fanout'));
});

test('10,000-node simulation well inside the bound (sanity)', () => {
  const big = generateTopology({ nodes: 10_000, degree: 6, transportMix: mix, seed: 2 });
  const t0 = performance.now();
  const r = simulatePropagation(big, { source: 'peer-0', ttl: 16, failureRate: 0.1, seed: 1 });
  assert.ok(performance.now() - t0 < 5000);
  assert.ok(r.reachability > 0.9);
});

test('guide scenario: modelled rows have numbers, unmodelled rows are null', () => {
  const rep = runGuideScenario({ seeds: 3 });
  assert.equal(rep.rows.length, 5);
  for (const row of rep.rows) {
    if (row.modelled) assert.ok(typeof row.model === 'number' && Number.isFinite(row.model));
    else assert.equal(row.model, null);
  }
  assert.equal(rep.rows.find((r) => r.metric === 'network discovery')?.guide, GUIDE_MESH_100.networkDiscoveryMs);
});
