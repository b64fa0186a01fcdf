import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOUR_MS, planRead, rollUp, type RawSample } from './rollup.js';
import { mergeHistograms, type HistogramTotals } from './samples.js';

const H = (n: number) => n * HOUR_MS;

test('planRead: whole rolled-up hours from the roll-up, the partial edges raw, adjacent ranges merged', () => {
  const rolled = new Set([H(10), H(11), H(12), H(13)]);
  // 10:30 → 13:15: 11:00–13:00 rolled (13:00–14:00 is not whole), the edges raw.
  assert.deepEqual(planRead(H(10.5), H(13.25), rolled), { raw: [[H(10.5), H(11)], [H(13), H(13.25)]], rolled: [[H(11), H(13)]] });
  // Aligned on hours: nothing raw.
  assert.deepEqual(planRead(H(10), H(14), rolled), { raw: [], rolled: [[H(10), H(14)]] });
  // An hour not rolled up yet (the newest, or a gap) is read raw.
  assert.deepEqual(planRead(H(10), H(16), new Set([H(10), H(12), H(13)])), {
    raw: [[H(11), H(12)], [H(14), H(16)]], rolled: [[H(10), H(11)], [H(12), H(14)]],
  });
  // Shorter than an hour, or inside one: raw only.
  assert.deepEqual(planRead(H(10.1), H(10.9), rolled), { raw: [[H(10.1), H(10.9)]], rolled: [] });
  assert.deepEqual(planRead(H(10), H(10), rolled), { raw: [], rolled: [] });
});

test('planRead: an hour a cut falls inside is read raw (each side of a split stays exact); a cut on a boundary changes nothing', () => {
  const rolled = new Set([H(10), H(11), H(12)]);
  assert.deepEqual(planRead(H(10), H(13), rolled, [H(11.75)]), { raw: [[H(11), H(12)]], rolled: [[H(10), H(11)], [H(12), H(13)]] });
  assert.deepEqual(planRead(H(10), H(13), rolled, [H(12)]), { raw: [], rolled: [[H(10), H(13)]] });
});

test('rollUp: per hour and series, histograms added bucket-wise; merging the roll-up equals merging the raw rows', () => {
  const hist = (ts: number, labels: Record<string, string>, bounds: number[], buckets: number[], sum: number): RawSample => ({
    ts, metric: 'h', labels, component: 'api', kind: 'HISTOGRAM', value: sum, count: buckets.reduce((a, b) => a + b, 0), bounds, buckets,
  });
  const raw: RawSample[] = [
    hist(H(10) + 5, { op: 'a' }, [0.1, 1], [1, 2, 0], 1.2),
    hist(H(10) + 9, { op: 'a' }, [0.1, 1], [0, 1, 1], 3.4),
    hist(H(10) + 7, { op: 'a' }, [0.5], [4, 1], 2.0), // another process's bounds: its own row
    hist(H(10) + 8, { op: 'b' }, [0.1, 1], [3, 0, 0], 0.1),
    hist(H(11), { op: 'a' }, [0.1, 1], [0, 0, 2], 9), // the next hour starts at its first millisecond
    { ts: H(10) + 1, metric: 'memory_usage_bytes', labels: { component: 'api' }, component: 'api', kind: 'GAUGE', value: 10, count: null, bounds: [], buckets: [] },
    { ts: H(10) + 2, metric: 'memory_usage_bytes', labels: { component: 'api' }, component: 'api', kind: 'GAUGE', value: 30, count: null, bounds: [], buckets: [] },
  ];
  const hourly = rollUp(raw);
  assert.equal(hourly.length, 5);
  const a10 = hourly.find((h) => h.hour === H(10) && h.labels.op === 'a' && h.bounds.length === 2)!;
  assert.deepEqual([a10.buckets, a10.count, a10.samples, a10.minValue, a10.maxValue], [[1, 3, 1], 5, 2, 1.2, 3.4]);
  assert.ok(Math.abs(a10.value - 4.6) < 1e-12);
  const mem = hourly.find((h) => h.kind === 'GAUGE')!;
  assert.deepEqual([mem.value / mem.samples, mem.minValue, mem.maxValue, mem.count, mem.buckets], [20, 10, 30, null, []]);

  const totals = (rows: { bounds: number[]; buckets: number[]; value: number; count: number | null; kind: string }[]): HistogramTotals =>
    mergeHistograms(rows.filter((r) => r.kind === 'HISTOGRAM').map((r) => ({ bounds: r.bounds, buckets: r.buckets, sum: r.value, count: r.count ?? 0 })));
  const fromRaw = totals(raw);
  const fromRolled = totals(hourly);
  assert.deepEqual({ ...fromRolled, sum: 0 }, { ...fromRaw, sum: 0 });
  assert.ok(Math.abs(fromRolled.sum - fromRaw.sum) < 1e-9);
});
