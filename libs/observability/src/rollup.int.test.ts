/**
 * Hourly roll-ups against a real Postgres (an isolated schema): reports read through the
 * roll-ups equal the same reports read from raw rows only; the roll-up job is idempotent and
 * safe with two runs at once; the sampler's raw INSERT lands in the test schema.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_DATABASE_URL } from '@aivillage/config';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { HOUR_MS, hourOf, rollUp, type RawSample } from './rollup.js';
import type { SampleRow } from './samples.js';
import { insertSamples } from './samples.sampler.js';
import { histogramGroups, pruneMetricRollups, readPlanFor, rollupMetricSamples } from './samples.store.js';
import { SloService } from './slo.service.js';

let db: IsolatedDatabase;
before(async () => {
  db = await createIsolatedDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'rollup');
});
after(() => db?.drop());

// 6 h of ticks every 60 s of two API processes and a worker, ending 20 min 7 s into an hour.
const NOW = hourOf(Date.now()) - HOUR_MS + 20 * 60_000 + 7_000;
const START = NOW - 6 * HOUR_MS;
const TICK_MS = 60_000;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const int = (n: number) => Math.floor(rand() * n);

function histogramRow(metric: string, labels: Record<string, string>, bounds: number[]): SampleRow {
  const buckets = Array.from({ length: bounds.length + 1 }, () => (rand() < 0.4 ? 0 : int(20)));
  const count = buckets.reduce((a, b) => a + b, 0) || 1;
  buckets[0] += count - buckets.reduce((a, b) => a + b, 0);
  return { metric, labels, kind: 'HISTOGRAM', value: rand() * count * 0.3, count, bounds, buckets };
}

function apiTick(instance: number): SampleRow[] {
  const bounds = instance === 1 ? [0.005, 0.01, 0.05, 0.1, 0.5, 1] : [0.01, 0.1, 1]; // two bound sets for one metric
  const rows: SampleRow[] = [
    histogramRow('http_request_duration_seconds', { endpoint: '/graphql', operation: 'Me', status: '200' }, bounds),
    histogramRow('http_request_duration_seconds', { endpoint: '/graphql', operation: 'Models', status: '200' }, bounds),
    histogramRow('http_request_duration_seconds', { endpoint: '/healthz', operation: 'anonymous', status: '200' }, bounds),
    histogramRow('aivillage_inference_latency_seconds', { model: 'm', outcome: 'ok' }, [0.001, 0.01, 0.1]),
    histogramRow('aivillage_knowledge_search_seconds', { mode: rand() < 0.5 ? 'VECTOR' : 'HYBRID' }, [0.001, 0.01, 0.05, 0.1]),
    histogramRow('aivillage_knowledge_graph_query_seconds', { hops: '3', query: 'n' }, [0.01, 0.1, 1]),
    { metric: 'memory_usage_bytes', labels: { component: 'api' }, kind: 'GAUGE', value: 1e8 + int(1e6), count: null, bounds: [], buckets: [] },
  ];
  if (rand() < 0.3) rows.push(histogramRow('http_request_duration_seconds', { endpoint: '/graphql', operation: 'Me', status: '500' }, bounds));
  if (rand() < 0.3) rows.push({ metric: 'aivillage_graphql_errors_total', labels: { code: rand() < 0.5 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' }, kind: 'COUNTER', value: 1 + int(3), count: null, bounds: [], buckets: [] });
  if (rand() < 0.1) rows.push(histogramRow('aivillage_fog_queue_wait_seconds', {}, [1, 10, 30]));
  rows.push({ metric: 'up', labels: {}, kind: 'UP', value: TICK_MS / 1000, count: null, bounds: [], buckets: [] });
  return rows;
}

test('seed: the sampler INSERT (raw pg, the test schema) writes every row', async () => {
  let n = 0;
  for (let t = START; t < NOW; t += TICK_MS) {
    for (const instance of [1, 2]) {
      // Instance 2 pauses for 40 minutes (availability must see the same gap either way).
      if (instance === 2 && t > START + 2 * HOUR_MS && t < START + 2 * HOUR_MS + 40 * 60_000) continue;
      const rows = apiTick(instance);
      await insertSamples(db.prisma, rows, { ts: new Date(t), component: 'api', instance: `api-${instance}` });
      n += rows.length;
    }
    await insertSamples(db.prisma, [{ metric: 'up', labels: {}, kind: 'UP', value: 60, count: null, bounds: [], buckets: [] }], { ts: new Date(t), component: 'worker', instance: 'w-1' });
    n++;
  }
  assert.equal(await db.prisma.metricSample.count(), n);
  const one = await db.prisma.metricSample.findFirstOrThrow({ where: { kind: 'HISTOGRAM' } });
  assert.equal(one.buckets.length, one.bounds.length + 1);
});

test('two roll-ups at once roll each completed hour exactly once; a third finds nothing to do', async () => {
  const results = await Promise.all([rollupMetricSamples(db.prisma, { now: new Date(NOW), retentionDays: 35 }), rollupMetricSamples(db.prisma, { now: new Date(NOW), retentionDays: 35 })]);
  // Completed hours (ended ≥ 2 min before NOW): the partial first hour and 5 whole ones.
  const expected = (hourOf(NOW - 120_000) - hourOf(START)) / HOUR_MS;
  assert.equal(results[0].hours + results[1].hours, expected);
  const marks = await db.prisma.metricRollupHour.findMany({ orderBy: { hour: 'asc' } });
  assert.equal(marks.length, expected);
  assert.equal(marks.reduce((a, m) => a + m.rows, 0), await db.prisma.metricSample.count({ where: { ts: { lt: new Date(hourOf(NOW)) } } }));
  assert.deepEqual(await rollupMetricSamples(db.prisma, { now: new Date(NOW), retentionDays: 35 }), { hours: 0, rows: 0, skipped: false });
});

test('the SQL roll-up equals the pure one (rollUp)', async () => {
  const raw = await db.prisma.metricSample.findMany({ where: { ts: { lt: new Date(hourOf(NOW)) } } });
  const expected = rollUp(raw.map((r): RawSample => ({
    ts: r.ts.getTime(), metric: r.metric, labels: r.labels as Record<string, string>, component: r.component, kind: r.kind, value: r.value, count: r.count, bounds: r.bounds, buckets: r.buckets,
  })));
  const stored = await db.prisma.metricSampleHourly.findMany();
  const key = (h: { hour: number | Date; metric: string; labels: unknown; component: string; kind: string; bounds: number[] }) =>
    JSON.stringify([+h.hour, h.metric, h.labels, h.component, h.kind, h.bounds]);
  assert.equal(stored.length, expected.length);
  const byKey = new Map(expected.map((e) => [key(e), e]));
  for (const s of stored) {
    const e = byKey.get(key(s))!;
    assert.ok(e, key(s));
    assert.deepEqual([s.samples, s.count, s.buckets, s.minValue, s.maxValue], [e.samples, e.count, e.buckets, e.minValue, e.maxValue]);
    assert.ok(Math.abs(s.value - e.value) <= 1e-9 * Math.max(1, Math.abs(e.value)));
  }
});

/** Deep equality with a relative tolerance on numbers (sums added in another order). */
function assertClose(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${path}: ${actual} ≠ ${expected}`);
  } else if (expected && typeof expected === 'object' && !(expected instanceof Date)) {
    assert.equal(typeof actual, 'object', path);
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual as object)]);
    for (const k of keys) assertClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
  } else assert.deepEqual(actual, expected, path);
}

test('sloReport through the roll-ups equals sloReport from raw rows, for windows with and without whole hours', async () => {
  const raw = new SloService({ prisma: db.prisma, sampleIntervalMs: TICK_MS, rollups: false });
  const rolled = new SloService({ prisma: db.prisma, sampleIntervalMs: TICK_MS });
  const now = new Date(NOW);
  for (const window of ['30m', '1h', '2h', '5h', '24h']) {
    const [a, b] = await Promise.all([raw.report(window, now), rolled.report(window, now)]);
    assertClose(b, a, window);
  }
  // The 5 h window really read whole hours from the roll-up.
  const plan = await readPlanFor(db.prisma, new Date(NOW - 5 * HOUR_MS), now);
  assert.equal(plan.rolled.reduce((a, [x, y]) => a + (y - x), 0), 4 * HOUR_MS);
  assert.equal(plan.raw.length, 2);
  const kpis = new Map((await rolled.report('5h', now)).kpis.map((k) => [k.key, k]));
  for (const key of ['api.latency_p95', 'api.error_rate', 'api.availability', 'forge.inference_avg', 'rag.vector_search', 'rag.simple_query', 'rag.graph_3_hops']) {
    assert.notEqual(kpis.get(key)!.value, null, `${key} measured`);
  }
  assert.ok(kpis.get('api.error_rate')!.value! > 0, 'errors counted');
});

test('detection reads (groups split at a time inside a rolled hour) equal their raw reads', async () => {
  const q = {
    metric: 'http_request_duration_seconds', from: new Date(NOW - 5.5 * HOUR_MS), to: new Date(NOW),
    labels: { endpoint: '/graphql' }, groupBy: 'operation', splitAt: new Date(NOW - 2.5 * HOUR_MS),
  };
  const sort = (g: Awaited<ReturnType<typeof histogramGroups>>) => [...g].sort((x, y) => `${x.group}${x.recent}`.localeCompare(`${y.group}${y.recent}`));
  assertClose(sort(await histogramGroups(db.prisma, q)), sort(await histogramGroups(db.prisma, { ...q, plan: false })));
});

test('roll-ups are pruned by their own retention', async () => {
  const cut = new Date(hourOf(START) + 2 * HOUR_MS);
  const before = await db.prisma.metricSampleHourly.count({ where: { hour: { lt: cut } } });
  assert.ok(before > 0);
  assert.equal(await pruneMetricRollups(db.prisma, cut), before);
  assert.equal(await db.prisma.metricRollupHour.count({ where: { hour: { lt: cut } } }), 0);
});
