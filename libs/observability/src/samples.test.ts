import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { histogramMean, histogramQuantile, mergeHistograms, SeriesDeltas, type MetricJson } from './samples.js';

const snapshot = async (r: Registry, ...names: string[]) =>
  Promise.all(names.map(async (n) => (await r.getSingleMetric(n)!.get()) as unknown as MetricJson));

test('histogram increases per tick: per-bucket (not cumulative) counts, sum and count; idle series are left out', async () => {
  const r = new Registry();
  const h = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['op'], buckets: [0.1, 1], registers: [r] });
  const d = new SeriesDeltas();
  h.observe({ op: 'a' }, 0.05);
  h.observe({ op: 'a' }, 0.5);
  h.observe({ op: 'b' }, 5);
  const first = d.diff(await snapshot(r, 'h_seconds'));
  assert.deepEqual(first.map((x) => [x.labels.op, x.buckets, x.count]), [['a', [1, 1, 0], 2], ['b', [0, 0, 1], 1]]);
  assert.deepEqual(first[0].bounds, [0.1, 1]);
  h.observe({ op: 'a' }, 0.07);
  const second = d.diff(await snapshot(r, 'h_seconds'));
  assert.equal(second.length, 1, 'op b did not move');
  assert.deepEqual(second[0].buckets, [1, 0, 0]);
  assert.ok(Math.abs(second[0].value - 0.07) < 1e-9);
});

test('counters write increases, gauges their value; a counter that went down was reset and counts from zero', async () => {
  const r = new Registry();
  const c = new Counter({ name: 'c_total', help: 'c', registers: [r] });
  const g = new Gauge({ name: 'memory_usage_bytes', help: 'g', labelNames: ['component'], registers: [r] });
  const d = new SeriesDeltas();
  c.inc(5);
  g.set({ component: 'api' }, 100);
  assert.deepEqual(d.diff(await snapshot(r, 'c_total', 'memory_usage_bytes')).map((x) => [x.kind, x.value]), [['COUNTER', 5], ['GAUGE', 100]]);
  c.inc(2);
  assert.deepEqual(d.diff(await snapshot(r, 'c_total')).map((x) => x.value), [2]);
  c.reset();
  c.inc(3);
  assert.deepEqual(d.diff(await snapshot(r, 'c_total')).map((x) => x.value), [3]);
});

test('p95 is interpolated inside its bucket like histogram_quantile', () => {
  // 100 observations: 90 in (0, 0.05], 10 in (0.05, 0.1]. Rank 95 is halfway through the second bucket.
  const h = { bounds: [0.05, 0.1, 0.25], buckets: [90, 10, 0, 0], sum: 4, count: 100 };
  assert.ok(Math.abs(histogramQuantile(h, 0.95)! - 0.075) < 1e-12);
  assert.ok(Math.abs(histogramQuantile(h, 0.45)! - 0.025) < 1e-12, 'the first bucket starts at 0');
  assert.equal(histogramQuantile({ ...h, buckets: [0, 0, 0, 5] }, 0.5), 0.25, 'a rank in +Inf answers the largest finite bound');
  assert.equal(histogramQuantile({ ...h, buckets: [0, 0, 0, 0] }, 0.5), null);
  assert.equal(histogramMean(h), 0.04);
});

test('histograms from many processes add bucket-wise, also when their bounds differ', () => {
  const a = { bounds: [0.1, 1], buckets: [1, 2, 3], sum: 10, count: 6 };
  const b = { bounds: [0.1, 1], buckets: [4, 0, 1], sum: 5, count: 5 };
  assert.deepEqual(mergeHistograms([a, b]), { bounds: [0.1, 1], buckets: [5, 2, 4], sum: 15, count: 11 });
  const c = { bounds: [0.5], buckets: [7, 1], sum: 1, count: 8 };
  const m = mergeHistograms([a, c]);
  assert.deepEqual(m.bounds, [0.1, 0.5, 1]);
  assert.deepEqual(m.buckets, [1, 7, 2, 4], 'each count keeps its own upper bound');
});
