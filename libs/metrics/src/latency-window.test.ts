import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyWindow, mergeBuckets, percentileOfBuckets } from './latency-window.js';

test('p95 of a window is within 10% of the exact value', () => {
  const w = new LatencyWindow();
  const values = Array.from({ length: 1000 }, (_, i) => 1 + i * 0.1); // 1 .. 100.9 ms
  for (const v of values) w.record(v);
  const p95 = percentileOfBuckets(w.drain().counts, 0.95)!;
  const exact = values[Math.ceil(0.95 * values.length) - 1];
  assert.ok(Math.abs(p95 - exact) / exact <= 0.1, `p95 ${p95} vs exact ${exact}`);
});

test('drain resets the window and an empty window has no percentile', () => {
  const w = new LatencyWindow();
  w.record(5);
  assert.equal(w.drain().total, 1);
  const empty = w.drain();
  assert.equal(empty.total, 0);
  assert.equal(percentileOfBuckets(empty.counts, 0.95), null);
});

test('merged windows give the percentile of the union', () => {
  const a = new LatencyWindow();
  const b = new LatencyWindow();
  for (let i = 0; i < 90; i++) a.record(2);
  for (let i = 0; i < 10; i++) b.record(200);
  const merged = mergeBuckets([a.drain().counts, b.drain().counts]);
  assert.ok(percentileOfBuckets(merged, 0.5)! < 3);
  assert.ok(percentileOfBuckets(merged, 0.95)! >= 180);
});
