import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyWindow } from '@aivillage/metrics';
import { aggregateReports, type InstanceReport } from './system-metrics.js';

function report(id: string, latencies: number[], extra: Partial<InstanceReport> = {}): InstanceReport {
  const w = new LatencyWindow();
  for (const l of latencies) w.record(l);
  const { counts, total } = w.drain();
  return {
    instanceId: id, at: Date.now(), windowMs: 1000, requests: total, latencyBuckets: counts,
    cpuPercent: 10, rssBytes: 100, heapUsedBytes: 50, eventLoopLagP99Ms: 1, activeConnections: 3, ...extra,
  };
}

test('aggregating instances sums load and merges latency percentiles', () => {
  const a = report('a', Array(95).fill(2), { eventLoopLagP99Ms: 4 });
  const b = report('b', Array(5).fill(300), { windowMs: 500 });
  const s = aggregateReports([a, b], [{ queue: 'maintenance', waiting: 1, active: 0, delayed: 0 }], new Date(0));
  assert.equal(s.instances, 2);
  assert.equal(s.cpuPercent, 20);
  assert.equal(s.rssBytes, 200);
  assert.equal(s.activeConnections, 6);
  assert.equal(s.eventLoopLagP99Ms, 4);
  assert.equal(s.requestsPerSecond, 95 + 10); // b served 5 requests in half a second
  assert.ok(s.p95LatencyMs! >= 2 && s.p95LatencyMs! < 2.3, `p95 ${s.p95LatencyMs}`);
  assert.equal(s.queueDepths[0].waiting, 1);
  assert.equal(s.timestamp, '1970-01-01T00:00:00.000Z');
});

test('an idle period reports no latency rather than zero', () => {
  const s = aggregateReports([report('a', [])], [], new Date());
  assert.equal(s.requestsPerSecond, 0);
  assert.equal(s.p95LatencyMs, null);
});
