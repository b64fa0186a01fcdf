import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLeak, detectRegression } from './detect.js';

const BOUNDS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.25];
/** n observations spread evenly over the bucket ending at `bound`. */
const hist = (bound: number, n: number) => {
  const buckets = new Array(BOUNDS.length + 1).fill(0);
  buckets[BOUNDS.indexOf(bound)] = n;
  return { bounds: BOUNDS, buckets, sum: bound * n, count: n };
};

test('regression: recent p95 ≥ 20% above the baseline with enough requests on both sides', () => {
  const v = detectRegression(hist(0.025, 100), hist(0.075, 100), { minSamples: 20 });
  assert.equal(v.state, 'REGRESSED');
  assert.ok(v.recentP95Ms! > v.baselineP95Ms! * 1.2);
  assert.ok(v.degradationPercent! > 20);
});

test('regression: same latency is OK; too few requests on either side is not judged', () => {
  assert.equal(detectRegression(hist(0.05, 100), hist(0.05, 100), { minSamples: 20 }).state, 'OK');
  assert.equal(detectRegression(hist(0.025, 100), hist(0.25, 19), { minSamples: 20 }).state, 'INSUFFICIENT');
  assert.equal(detectRegression(null, hist(0.25, 100), { minSamples: 20 }).state, 'INSUFFICIENT');
});

test('regression: exactly +20% fires (≥), +19% does not', () => {
  const base = { bounds: [0.1, 0.2], buckets: [100, 0, 0], sum: 0, count: 100 }; // p95 = 95 ms
  const at = (ms: number) => ({ bounds: [ms / 1000], buckets: [100, 0], sum: 0, count: 100 }); // p95 = 0.95 · ms
  assert.equal(detectRegression(base, at(120), { minSamples: 20 }).state, 'REGRESSED');
  assert.equal(detectRegression(base, at(119), { minSamples: 20 }).state, 'OK');
});

const series = (n: number, stepMs: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ ts: i * stepMs, value: f(i) }));

test('memory leak: growth factor ≥ 1.5 between the first and last ten samples', () => {
  const v = detectLeak(series(60, 10_000, (i) => 100e6 * (1 + i / 30)), { minWindowMs: 5 * 60_000 });
  assert.equal(v.state, 'LEAK');
  assert.ok(v.growthFactor! >= 1.5);
  assert.equal(detectLeak(series(60, 10_000, () => 100e6), { minWindowMs: 5 * 60_000 }).state, 'OK');
  assert.equal(detectLeak(series(60, 10_000, (i) => 100e6 * (1 + i / 200)), { minWindowMs: 5 * 60_000 }).state, 'OK', '+30% is growth, not a leak');
});

test('memory leak: not judged before the minimum window or with fewer than twenty samples', () => {
  assert.equal(detectLeak(series(60, 1000, (i) => 1e6 * (1 + i)), { minWindowMs: 5 * 60_000 }).state, 'INSUFFICIENT', '59 s < 5 min');
  assert.equal(detectLeak(series(19, 60_000, (i) => 1e6 * (1 + i)), { minWindowMs: 5 * 60_000 }).state, 'INSUFFICIENT');
});
