/**
 * Observability benchmark (self-contained: starts its own API and worker processes in an
 * isolated Postgres schema and Redis prefix, and removes them afterwards):
 *   node bench/dist/observability.bench.js [--quick]
 * Figures, each beside a baseline measured in the same run:
 *   1. the sampler's cost on the API: `query Noop { __typename }` throughput and p50/p99 at 16
 *      connections on three API instances that differ only in OBSERVABILITY_SAMPLE_INTERVAL_MS —
 *      10 s (the default), 1 s (aggressive) and 3,600,000 (the largest the config accepts: the
 *      timer never fires during the run, so the sampler is off) — in alternating rounds; medians
 *      and the ratio to "off";
 *   2. one sampler tick: rows written per tick (from the rows the 1 s instance wrote), the API's
 *      CPU per tick (the 1 s instance's CPU minus the off instance's over the same idle stretch
 *      with the same trickle of requests, from /proc, over its ticks), and the tick's INSERT
 *      replayed through the sampler's former call (Prisma createMany) beside the same rows as one
 *      raw multi-row INSERT with pg (what the sampler's insertSamples sends now);
 *   3. `sloReport` over GraphQL for 1h / 24h / 7d on a store of 7 days of GENERATED samples
 *      (INSERT … SELECT generate_series: 2 API instances and 1 worker at the default 10 s, each
 *      writing the series a busy process of its kind writes per tick), p50/p95 beside the
 *      report's metric_samples statements (the SQL of samples.store.ts, as slo.service.ts issues
 *      them before roll-ups: all at once, raw rows only) sent directly with pg over a pool the API's
 *      size; row count and table + index size; the worker's hourly roll-up of the store first
 *      (rollup-metric-samples), so the reports read whole hours from metric_samples_hourly;
 *   4. one `detect-anomalies` pass (the worker's maintenance job) over the same store;
 *   5. CPU profiling: API throughput while a 5 s captureCpuProfile of it runs vs not, in
 *      alternating rounds; capture → READY latency of a 1 s profile.
 * Prints tables (stdout; progress on stderr) and writes bench/results/observability-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword } from '@aivillage/auth';
import type { Prisma } from '@aivillage/db';
import { QueueSet } from '@aivillage/queues';
import { runLoad, type LoadResult, type Target } from './lib/http-load.js';
import { withIsolatedPlatform } from './lib/isolated-platform.js';
import { snapshotCpu, topCpu } from './lib/proc-cpu.js';
import { cpuMsOf, startApi, startWorkers, stopAll } from './lib/processes.js';
import { median, summarize } from './lib/stats.js';
import { ms, ratio, renderTable } from './lib/table.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = args.quick;
const ROUNDS = quick ? 3 : 6;
const ROUND_S = quick ? 3 : 5;
const CONNECTIONS = 16;
const IDLE_S = quick ? 10 : 20;
const REPLAYS = quick ? 20 : 50;
const PROFILE_ROUNDS = quick ? 2 : 3;
const PROFILE_S = 5;
const READY_REPS = quick ? 3 : 5;
const DETECT_REPS = quick ? 3 : 5;
/** sloReport repetitions per window (the 7d report reads every row of the week). */
const SLO_REPS: Record<string, number> = quick ? { '1h': 10, '24h': 5, '7d': 3 } : { '1h': 20, '24h': 8, '7d': 4 };
/** Processes of the generated store; --quick generates one day of one API instance and one worker (a smoke run). */
const SEED = quick ? { apis: 1, workers: 1, days: 1, intervalS: 10 } : { apis: 2, workers: 1, days: 7, intervalS: 10 };
const SAMPLER_OFF_MS = 3_600_000;
const log = (m: string) => process.stderr.write(`observability-bench: ${m}\n`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

// ---- the measurement store's SQL, as libs/observability/src/samples.store.ts sends it ----
const MAX_BUCKETS = 40;
const BUCKET_SUMS = Array.from({ length: MAX_BUCKETS }, (_, i) => `sum(buckets[${i + 1}])`).join(', ');
const NOT_API_TRAFFIC = ['/healthz', '/readyz', '/metrics'];
const SERVER_ERROR_CODES = ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'INFERENCE_TIMEOUT', 'INFERENCE_FAILED'];

/** histogramGroups: one statement per histogram read (group, optional label containment / exclusion). */
function histogramSql(o: { groupBy?: string; labels?: Record<string, string>; exclude?: [string, string[]] }, from: Date, to: Date, metric: string): [string, unknown[]] {
  const params: unknown[] = [metric, from, to];
  const p = (v: unknown) => `$${params.push(v)}`;
  const group = o.groupBy ? `labels->>${p(o.groupBy)}` : 'NULL::text';
  const contains = o.labels ? `AND labels @> ${p(JSON.stringify(o.labels))}::jsonb` : '';
  const exclude = o.exclude ? `AND NOT (coalesce(labels->>${p(o.exclude[0])}, '') = ANY(${p(o.exclude[1])}::text[]))` : '';
  return [
    `SELECT ${group} AS g, false AS recent, bounds, ARRAY[${BUCKET_SUMS}]::float8[] AS buckets, sum(value) AS sum, sum(count) AS count, count(*)::int AS n
       FROM metric_samples
      WHERE metric = $1 AND kind = 'HISTOGRAM' AND ts >= $2 AND ts < $3 ${contains} ${exclude}
      GROUP BY 1, 2, 3`,
    params,
  ];
}

/** Every metric_samples statement one sloReport runs (slo.service.ts), for the window ending now, with what it is for. */
function reportStatements(from: Date, to: Date, intervalMs: number): [string, unknown[], string][] {
  const tolerance = Math.max(2 * intervalMs, intervalMs + 5000);
  return [
    [...histogramSql({ groupBy: 'status', exclude: ['endpoint', NOT_API_TRAFFIC] }, from, to, 'http_request_duration_seconds'), 'API traffic by status'],
    [
      `WITH u AS (
         SELECT ts, instance, lag(ts) OVER (ORDER BY ts) AS prev FROM metric_samples
          WHERE kind = 'UP' AND component = $1 AND ts >= $2 AND ts < $3)
       SELECT count(*)::int AS n, count(DISTINCT instance)::int AS instances, min(ts) AS first, max(ts) AS last,
              sum(CASE WHEN extract(epoch FROM ts - prev) * 1000 > $4 THEN extract(epoch FROM ts - prev) * 1000 - $5 ELSE 0 END)::float8 AS gap_ms,
              EXISTS (SELECT 1 FROM metric_samples WHERE kind = 'UP' AND component = $1 AND ts < $2 AND ts >= $2::timestamptz - interval '1 day') AS before
         FROM u`,
      ['api', from, to, tolerance, intervalMs],
      'availability (up rows)',
    ],
    ...SERVER_ERROR_CODES.map((code): [string, unknown[], string] => [
      `SELECT sum(value) AS total FROM metric_samples WHERE metric = $1 AND kind = 'COUNTER' AND ts >= $2 AND ts < $3 AND labels @> $4::jsonb`,
      ['aivillage_graphql_errors_total', from, to, JSON.stringify({ code })],
      `${code} errors`,
    ]),
    [...histogramSql({ labels: { outcome: 'ok' } }, from, to, 'aivillage_inference_latency_seconds'), 'inference mean'],
    [...histogramSql({}, from, to, 'aivillage_knowledge_search_seconds'), 'knowledge search p95'],
    [...histogramSql({ labels: { mode: 'VECTOR' } }, from, to, 'aivillage_knowledge_search_seconds'), 'vector search p95'],
    [...histogramSql({ labels: { hops: '3' } }, from, to, 'aivillage_knowledge_graph_query_seconds'), '3-hop graph p95'],
    [...histogramSql({}, from, to, 'aivillage_fog_queue_wait_seconds'), 'fog queue wait'],
  ];
}

// ---- the generated store: what a busy process of each kind writes per tick ----
const LATENCY_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
interface SeedSeries { metric: string; labels: Record<string, string>; component: string; kind: string; value: number; count: number | null; bounds: number[]; buckets: number[] }
function histogram(metric: string, component: string, labels: Record<string, string>, bounds: number[], shape: number[]): SeedSeries {
  const buckets = [...shape, ...new Array(bounds.length + 1 - shape.length).fill(0)];
  const count = buckets.reduce((a, b) => a + b, 0);
  const sum = buckets.reduce((a, b, i) => a + b * (bounds[i] ?? bounds[bounds.length - 1]) * 0.7, 0);
  return { metric, labels: { component, ...labels }, component, kind: 'HISTOGRAM', value: sum, count, bounds, buckets };
}
function seedSeries(): SeedSeries[] {
  const http = (operation: string, endpoint = '/graphql', method = 'POST', shape = [2, 30, 60, 40, 20, 6, 2, 1]) =>
    histogram('http_request_duration_seconds', 'api', { endpoint, method, operation, status: '200' }, LATENCY_BOUNDS, shape);
  const searchBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  const gauge = (metric: string, component: string, labels: Record<string, string>, value: number): SeedSeries =>
    ({ metric, labels: { component, ...labels }, component, kind: 'GAUGE', value, count: null, bounds: [], buckets: [] });
  const up = (component: string): SeedSeries => ({ metric: 'up', labels: {}, component, kind: 'UP', value: SEED.intervalS, count: null, bounds: [], buckets: [] });
  return [
    // API: 8 HTTP series (7 GraphQL operations and the probe), errors, connections, memory, domain histograms, up = 16 rows a tick.
    ...['Me', 'Models', 'Infer', 'SearchKnowledge', 'TrainingRuns', 'FogJobs', 'anonymous'].map((op) => http(op)),
    http('anonymous', '/healthz', 'GET', [12]),
    { metric: 'aivillage_graphql_errors_total', labels: { component: 'api', operation: 'Infer', code: 'BAD_USER_INPUT' }, component: 'api', kind: 'COUNTER', value: 1, count: null, bounds: [], buckets: [] },
    gauge('active_connections_total', 'api', {}, 40),
    gauge('memory_usage_bytes', 'api', {}, 180e6),
    histogram('aivillage_inference_latency_seconds', 'api', { model: 'reference-mlp', outcome: 'ok' }, [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.045, 0.1, 0.25, 0.5, 1, 2.5, 10], [0, 5, 40, 80, 30, 5]),
    histogram('aivillage_knowledge_search_seconds', 'api', { mode: 'VECTOR' }, searchBounds, [0, 0, 3, 10, 8, 2]),
    histogram('aivillage_knowledge_search_seconds', 'api', { mode: 'HYBRID' }, searchBounds, [0, 0, 0, 4, 10, 5, 1]),
    histogram('aivillage_knowledge_graph_query_seconds', 'api', { query: 'neighborhood', source: 'sql', hops: '3' }, searchBounds, [0, 0, 1, 3, 4, 2]),
    up('api'),
    // Worker: memory, queue waits of two queues, onnxruntime runs, up = 5 rows a tick.
    gauge('memory_usage_bytes', 'worker', {}, 240e6),
    histogram('aivillage_queue_wait_seconds', 'worker', { queue: 'inference' }, [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800], [20, 60, 10, 2]),
    histogram('aivillage_queue_wait_seconds', 'worker', { queue: 'maintenance' }, [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800], [0, 1, 0, 0]),
    histogram('aivillage_inference_run_duration_seconds', 'worker', { model: 'reference-mlp' }, [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], [0, 10, 30, 10, 2]),
    up('worker'),
  ];
}

async function gqlAs(url: string, headers: Record<string, string>, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Steady light traffic (two operations) to each URL, so ticks carry the HTTP series that moved. */
async function trickle(urls: string[], headers: Record<string, string>, perSecond: number, seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  const bodies = [JSON.stringify({ query: 'query Noop { __typename }' }), JSON.stringify({ query: 'query Me { me { tier } }' })];
  let i = 0;
  while (performance.now() < end) {
    const t0 = performance.now();
    await Promise.all(urls.map((u) => fetch(`${u}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: bodies[i % 2] }).then((r) => r.arrayBuffer())));
    i++;
    await sleep(Math.max(0, 1000 / perSecond - (performance.now() - t0)));
  }
}

async function main() {
  const benchStarted = Date.now();
  const loadBefore = os.loadavg();
  const cpuBefore = snapshotCpu();
  const json: Record<string, unknown> = { at: new Date().toISOString(), quick, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version } };
  const tables: string[] = [];
  await withIsolatedPlatform('observability', async ({ db, databaseUrl, redis, prefix, key, env, children }) => {
    // Admin-only operations (profiling, the instance ids) go with an admin's session; PLATINUM
    // sessions so polling is never rate limited.
    const admin = { email: 'bench-admin@localhost', password: 'bench-admin-password-1' };
    await db.prisma.user.create({ data: { email: admin.email, role: 'ADMIN', passwordHash: await hashPassword(admin.password) } });
    const base = { ...env, SESSION_TIER: 'PLATINUM' };
    const [off, def, fast] = await Promise.all([
      startApi({ ...base, OBSERVABILITY_SAMPLE_INTERVAL_MS: String(SAMPLER_OFF_MS) }),
      startApi({ ...base, OBSERVABILITY_SAMPLE_INTERVAL_MS: '10000' }),
      startApi({ ...base, OBSERVABILITY_SAMPLE_INTERVAL_MS: '1000' }),
    ]);
    children.push(off.child, def.child, fast.child);
    // The detector's own schedule is pushed out of the run; the bench enqueues its passes.
    const worker = await startWorkers({ ...base, WORKER_QUEUES: 'maintenance', OBSERVABILITY_DETECT_INTERVAL_MS: '3600000' });
    children.push(worker);
    const signIn = await fetch(`${def.url}/v1/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0];
    if (signIn.status !== 200 || !cookie) throw new Error(`admin sign-in failed: ${signIn.status}`);
    const asAdmin = (url: string, query: string, variables?: Record<string, unknown>) => gqlAs(url, { cookie }, query, variables);
    const selfId = async (url: string) => ((await asAdmin(url, '{ profilingTargets { id self } }')).profilingTargets as { id: string; self: boolean }[]).find((t) => t.self)!.id;
    const ids = { off: await selfId(off.url), def: await selfId(def.url), fast: await selfId(fast.url) };
    const auth = { authorization: `Bearer ${key}` };
    const noop = (url: string): Target => ({ url: `${url}/graphql`, headers: auth, body: JSON.stringify({ query: 'query Noop { __typename }' }), isSuccess: (b) => b.startsWith('{"data":{"__typename"') });
    const sql = new pg.Pool({ connectionString: databaseUrl, max: 10, options: `-c search_path="${db.schema}"` });

    // 1. Sampler overhead: alternating rounds over the three instances.
    const modes = { off: off.url, '10 s': def.url, '1 s': fast.url } as const;
    const pids = { off: off.child.pid, '10 s': def.child.pid, '1 s': fast.child.pid } as const;
    type Mode = keyof typeof modes;
    const order: Mode[] = ['off', '10 s', '1 s'];
    log('warming up the three API instances');
    for (const m of order) await runLoad(noop(modes[m]), { connections: CONNECTIONS, durationS: 2, rampS: 0 });
    const loadFrom = new Date();
    const rounds: Record<Mode, LoadResult[]> = { off: [], '10 s': [], '1 s': [] };
    /** The API's CPU (from /proc) per answered request over each round: steadier than throughput when neighbours take the cores. */
    const cpuPerRequest: Record<Mode, number[]> = { off: [], '10 s': [], '1 s': [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < order.length; i++) {
        const m = order[(i + r) % order.length];
        const cpuStart = cpuMsOf(pids[m]);
        const res = await runLoad(noop(modes[m]), { connections: CONNECTIONS, durationS: ROUND_S, rampS: 1 });
        cpuPerRequest[m].push((cpuMsOf(pids[m]) - cpuStart) / res.total);
        rounds[m].push(res);
        log(`round ${r + 1} sampler ${m}: ${res.achievedRps.toFixed(0)} req/s, p50 ${ms(res.latency.p50)}, p99 ${ms(res.latency.p99)}, errors ${res.errorRate}`);
      }
    }
    const loadTo = new Date();
    const med = (m: Mode, f: (r: LoadResult) => number) => median(rounds[m].map(f));
    const samplerRows = (['10 s', '1 s'] as const).flatMap((m) => [
      [`Noop throughput, sampler every ${m}`, `${med(m, (r) => r.achievedRps).toFixed(0)} req/s`, `${med('off', (r) => r.achievedRps).toFixed(0)} req/s`, ratio(med(m, (r) => r.achievedRps), med('off', (r) => r.achievedRps))],
      [`Noop p50 / p99, sampler every ${m}`, `${ms(med(m, (r) => r.latency.p50))} / ${ms(med(m, (r) => r.latency.p99))}`, `${ms(med('off', (r) => r.latency.p50))} / ${ms(med('off', (r) => r.latency.p99))}`,
        `${ratio(med(m, (r) => r.latency.p50), med('off', (r) => r.latency.p50))} / ${ratio(med(m, (r) => r.latency.p99), med('off', (r) => r.latency.p99))}`],
      [`API CPU per Noop request, sampler every ${m}`, `${(1000 * median(cpuPerRequest[m])).toFixed(0)} µs`, `${(1000 * median(cpuPerRequest.off)).toFixed(0)} µs`, ratio(median(cpuPerRequest[m]), median(cpuPerRequest.off))],
    ]);
    json.sampler = Object.fromEntries(order.map((m) => [m, rounds[m].map((r, i) => ({ rps: r.achievedRps, p50: r.latency.p50, p99: r.latency.p99, errorRate: r.errorRate, cpuMsPerRequest: cpuPerRequest[m][i] }))]));

    // 2. One tick. CPU: the same trickle to all three; the 1 s instance's extra CPU over its ticks.
    log(`idle stretch of ${IDLE_S} s with a trickle of 20 req/s to each instance`);
    const idleFrom = new Date();
    const cpu0 = { off: cpuMsOf(off.child.pid), def: cpuMsOf(def.child.pid), fast: cpuMsOf(fast.child.pid) };
    await trickle([off.url, def.url, fast.url], auth, 20, IDLE_S);
    const cpu1 = { off: cpuMsOf(off.child.pid), def: cpuMsOf(def.child.pid), fast: cpuMsOf(fast.child.pid) };
    const idleTo = new Date();
    const ticksOf = async (instance: string, from: Date, to: Date) =>
      (await sql.query<{ ts: Date; n: number }>('SELECT ts, count(*)::int AS n FROM metric_samples WHERE instance = $1 AND ts >= $2 AND ts < $3 GROUP BY ts ORDER BY ts', [instance, from, to])).rows;
    const idleTicks = await ticksOf(ids.fast, idleFrom, idleTo);
    const loadTicks = await ticksOf(ids.fast, loadFrom, loadTo);
    const cpuPerTick = (cpu1.fast - cpu0.fast - (cpu1.off - cpu0.off)) / idleTicks.length;
    const cpuIdle = { off: cpu1.off - cpu0.off, '10 s': cpu1.def - cpu0.def, '1 s': cpu1.fast - cpu0.fast };
    // The INSERT, replayed through the sampler's own call and as raw SQL: the largest tick the
    // 1 s instance wrote under load, and a busy API instance's tick (the generated store's 16 series).
    const biggest = [...loadTicks].sort((a, b) => b.n - a.n)[0];
    const liveTick: Prisma.MetricSampleCreateManyInput[] = (await db.prisma.metricSample.findMany({ where: { instance: ids.fast, ts: biggest.ts } }))
      .map(({ id: _id, ...r }) => ({ ...r, labels: r.labels as Prisma.InputJsonValue, instance: 'bench-replay' }));
    const busyTick: Prisma.MetricSampleCreateManyInput[] = seedSeries().filter((r) => r.component === 'api')
      .map((r) => ({ ...r, ts: new Date(), instance: 'bench-replay', kind: r.kind as Prisma.MetricSampleCreateManyInput['kind'] }));
    const cols = ['ts', 'metric', 'labels', 'component', 'instance', 'kind', 'value', 'count', 'bounds', 'buckets'];
    const replay = async (rows: Prisma.MetricSampleCreateManyInput[]) => {
      const rawInsert = `INSERT INTO metric_samples (${cols.join(', ')}) VALUES ${rows.map((_, i) => `(${cols.map((c, j) => `$${i * cols.length + j + 1}${c === 'labels' ? '::jsonb' : c === 'kind' ? '::"MetricSampleKind"' : ''}`).join(', ')})`).join(', ')}`;
      const rawParams = rows.flatMap((r) => [r.ts, r.metric, JSON.stringify(r.labels), r.component, r.instance, r.kind, r.value, r.count, r.bounds, r.buckets]);
      const prismaMs: number[] = [];
      const rawMs: number[] = [];
      // This process's CPU per INSERT (nothing else runs in it meanwhile): the client side of the tick's write.
      const cpuUs = { prisma: 0, raw: 0 };
      for (let i = 0; i < REPLAYS + 3; i++) {
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        await db.prisma.metricSample.createMany({ data: rows });
        const p = performance.now() - t0;
        const pc = process.cpuUsage(c0);
        c0 = process.cpuUsage();
        t0 = performance.now();
        await sql.query(rawInsert, rawParams);
        const r = performance.now() - t0;
        const rc = process.cpuUsage(c0);
        if (i < 3) continue; // the first three warm up
        prismaMs.push(p);
        rawMs.push(r);
        cpuUs.prisma += pc.user + pc.system;
        cpuUs.raw += rc.user + rc.system;
      }
      return { rows: rows.length, prisma: summarize(prismaMs), raw: summarize(rawMs), cpuMs: { prisma: cpuUs.prisma / REPLAYS / 1000, raw: cpuUs.raw / REPLAYS / 1000 } };
    };
    const inserts = [await replay(liveTick), await replay(busyTick)];
    await sql.query(`DELETE FROM metric_samples WHERE instance = 'bench-replay'`);
    const tickTable = [
      ['rows per tick, 1 s sampler under the Noop load (median / max)', `${median(loadTicks.map((t) => t.n))} / ${Math.max(...loadTicks.map((t) => t.n))}`, '', ''],
      ['rows per tick, 1 s sampler at 20 req/s of two operations (median)', `${median(idleTicks.map((t) => t.n))}`, '', ''],
      [`API CPU per tick (1 s instance − off instance over ${IDLE_S} s at 20 req/s, ${idleTicks.length} ticks)`, ms(cpuPerTick), `off instance: ${ms(cpuIdle.off / IDLE_S)} CPU per s`, ''],
      ...inserts.map((x, i) => [
        `INSERT of one tick, ${x.rows} rows (${i === 0 ? 'the largest above' : 'a busy API instance'}): Prisma createMany (the sampler's call before), p50 / p95 of ${REPLAYS}`,
        `${ms(x.prisma.p50)} / ${ms(x.prisma.p95)}`, `raw INSERT (pg, what the sampler sends now): ${ms(x.raw.p50)} / ${ms(x.raw.p95)}`, ratio(x.prisma.p50, x.raw.p50),
      ]),
      ...inserts.map((x) => [`  client CPU per INSERT of ${x.rows} rows (mean)`, ms(x.cpuMs.prisma), `raw INSERT (pg): ${ms(x.cpuMs.raw)}`, ratio(x.cpuMs.prisma, x.cpuMs.raw)]),
    ];
    json.tick = { idleTicks: idleTicks.length, loadTicks: loadTicks.map((t) => t.n), idleTickRows: idleTicks.map((t) => t.n), cpuIdleMs: cpuIdle, cpuPerTickMs: cpuPerTick, inserts };

    // 5. Profiling, on the default instance: throughput while a 5 s CPU profile runs vs not.
    const ARTIFACT = 'id status error sizeBytes createdAt finishedAt';
    const waitReady = async (id: string, pollMs: number) => {
      for (;;) {
        const a = (await asAdmin(def.url, `query($id: ID!) { profileArtifact(id: $id) { ${ARTIFACT} } }`, { id })).profileArtifact;
        if (a.status === 'READY') return a;
        if (a.status === 'FAILED') throw new Error(`profile failed: ${a.error}`);
        await sleep(pollMs);
      }
    };
    const capture = async (seconds: number) => (await asAdmin(def.url, `mutation($s: Int!) { captureCpuProfile(target: "api", seconds: $s) { ${ARTIFACT} } }`, { s: seconds })).captureCpuProfile;
    const prof: Record<'profiling' | 'plain', LoadResult[]> = { profiling: [], plain: [] };
    const profCpu: Record<'profiling' | 'plain', number[]> = { profiling: [], plain: [] };
    for (let r = 0; r < PROFILE_ROUNDS; r++) {
      for (const m of (r % 2 === 0 ? ['plain', 'profiling'] : ['profiling', 'plain']) as ('plain' | 'profiling')[]) {
        const artifact = m === 'profiling' ? await capture(PROFILE_S) : null;
        const cpuStart = cpuMsOf(def.child.pid);
        const res = await runLoad(noop(def.url), { connections: CONNECTIONS, durationS: PROFILE_S, rampS: 0.5 });
        profCpu[m].push((cpuMsOf(def.child.pid) - cpuStart) / res.total);
        if (artifact) await waitReady(artifact.id, 100);
        prof[m].push(res);
        log(`profiler round ${r + 1} ${m}: ${res.achievedRps.toFixed(0)} req/s, p50 ${ms(res.latency.p50)}, p99 ${ms(res.latency.p99)}`);
      }
    }
    const readyMs: number[] = [];
    const serverMs: number[] = [];
    let profileBytes = 0;
    for (let i = 0; i < READY_REPS; i++) {
      const t0 = performance.now();
      const a = await capture(1);
      const done = await waitReady(a.id, 10);
      readyMs.push(performance.now() - t0);
      serverMs.push(Date.parse(done.finishedAt) - Date.parse(done.createdAt));
      profileBytes = done.sizeBytes;
    }
    const pmed = (m: 'profiling' | 'plain', f: (r: LoadResult) => number) => median(prof[m].map(f));
    const profileTable = [
      [`Noop throughput while a ${PROFILE_S} s CPU profile runs (median of ${PROFILE_ROUNDS})`, `${pmed('profiling', (r) => r.achievedRps).toFixed(0)} req/s`, `${pmed('plain', (r) => r.achievedRps).toFixed(0)} req/s`, ratio(pmed('profiling', (r) => r.achievedRps), pmed('plain', (r) => r.achievedRps))],
      ['Noop p50 / p99 while profiling', `${ms(pmed('profiling', (r) => r.latency.p50))} / ${ms(pmed('profiling', (r) => r.latency.p99))}`, `${ms(pmed('plain', (r) => r.latency.p50))} / ${ms(pmed('plain', (r) => r.latency.p99))}`,
        `${ratio(pmed('profiling', (r) => r.latency.p50), pmed('plain', (r) => r.latency.p50))} / ${ratio(pmed('profiling', (r) => r.latency.p99), pmed('plain', (r) => r.latency.p99))}`],
      ['API CPU per Noop request while profiling', `${(1000 * median(profCpu.profiling)).toFixed(0)} µs`, `${(1000 * median(profCpu.plain)).toFixed(0)} µs`, ratio(median(profCpu.profiling), median(profCpu.plain))],
      [`1 s CPU profile, mutation → READY seen (median of ${READY_REPS}, polled every 10 ms)`, ms(median(readyMs)), '1 s of profiling', ratio(median(readyMs), 1000)],
      ['  the same, createdAt → finishedAt in the row', ms(median(serverMs)), `${(profileBytes / 1024).toFixed(0)} KiB profile (uncompressed)`, ''],
    ];
    json.profiling = { rounds: Object.fromEntries(Object.entries(prof).map(([k, v]) => [k, v.map((r) => ({ rps: r.achievedRps, p50: r.latency.p50, p99: r.latency.p99 }))])), cpuMsPerRequest: profCpu, readyMs, serverMs, profileBytes };

    // The remaining figures run on the default instance; the other two stop so they do not compete.
    await stopAll([off.child, fast.child]);

    // 3. The generated store: 7 days of ticks for 2 API instances and 1 worker, by day.
    const series = seedSeries();
    const processes = [
      ...Array.from({ length: SEED.apis }, (_, i) => ({ instance: `generated-api-${i + 1}`, component: 'api' })),
      ...Array.from({ length: SEED.workers }, (_, i) => ({ instance: `generated-worker-${i + 1}`, component: 'worker' })),
    ];
    const now = Date.now();
    const seedStarted = performance.now();
    for (let d = SEED.days; d >= 1; d--) {
      const from = new Date(now - d * 86_400_000);
      const to = new Date(now - (d - 1) * 86_400_000);
      await sql.query(
        `INSERT INTO metric_samples (ts, metric, labels, component, instance, kind, value, count, bounds, buckets)
         SELECT t, s.metric, s.labels, p.component, p.instance, s.kind::"MetricSampleKind", s.value, s.count, s.bounds, s.buckets
           FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 millisecond', make_interval(secs => $3)) AS t
          CROSS JOIN unnest($4::text[], $5::text[]) AS p(instance, component)
           JOIN jsonb_to_recordset($6::jsonb) AS s(metric text, labels jsonb, component text, kind text, value float8, count float8, bounds float8[], buckets float8[])
             ON s.component = p.component`,
        [from, to, SEED.intervalS, processes.map((p) => p.instance), processes.map((p) => p.component), JSON.stringify(series)],
      );
      log(`generated day ${SEED.days - d + 1} of ${SEED.days}`);
    }
    await sql.query('VACUUM (ANALYZE) metric_samples');
    const seedS = (performance.now() - seedStarted) / 1000;
    const size = (await sql.query<{ n: string; heap: string; indexes: string; total: string }>(
      `SELECT (SELECT count(*) FROM metric_samples) AS n, pg_relation_size('metric_samples') AS heap, pg_indexes_size('metric_samples') AS indexes, pg_total_relation_size('metric_samples') AS total`,
    )).rows[0];
    const mib = (b: string) => `${(Number(b) / 1024 / 1024).toFixed(0)} MiB`;
    log(`store: ${Number(size.n).toLocaleString('en')} rows, ${mib(size.total)} in ${seedS.toFixed(0)} s`);

    // Hourly roll-ups of the generated store, by the worker's maintenance job (as its schedule
    // would, every 5 min); again until a run finds nothing left (a scheduled run may hold the lock).
    const queues = new QueueSet(redis, prefix);
    const runJob = async (name: 'rollup-metric-samples' | 'detect-anomalies') => {
      const job = await queues.add('maintenance', name, {});
      for (;;) {
        const state = await job.getState();
        if (state === 'completed') break;
        if (state === 'failed') throw new Error(`${name} failed`);
        await sleep(10);
      }
      return (await queues.get('maintenance').getJob(job.id!))!;
    };
    log('rolling up the generated hours');
    const rollupStarted = performance.now();
    const rollupRuns: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const done = await runJob('rollup-metric-samples');
      const r = done.returnvalue as { hours: number; rows: number; skipped: boolean };
      rollupRuns.push({ ...r, ms: done.finishedOn! - done.processedOn! });
      if (!r.skipped && r.hours === 0) break;
      if (r.skipped) await sleep(500);
    }
    const rollupS = (performance.now() - rollupStarted) / 1000;
    await sql.query('VACUUM (ANALYZE) metric_samples_hourly');
    const hourly = (await sql.query<{ n: string; total: string; hours: string }>(
      `SELECT (SELECT count(*) FROM metric_samples_hourly) AS n, (SELECT count(*) FROM metric_rollup_hours) AS hours, pg_total_relation_size('metric_samples_hourly') AS total`,
    )).rows[0];
    log(`roll-ups: ${hourly.n} rows for ${hourly.hours} hours in ${rollupS.toFixed(1)} s`);

    const SLO = 'query Slo($w: String) { sloReport(window: $w) { window kpis { key value samples status } } }';
    const sloTable: string[][] = [];
    const sloJson: Record<string, unknown> = {};
    for (const window of ['1h', '24h', '7d']) {
      log(`sloReport ${window}: ${SLO_REPS[window]} rounds`);
      const windowMs = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 }[window]!;
      const gqlMs: number[] = [];
      const pgMs: number[] = [];
      let report: any;
      for (let i = 0; i < SLO_REPS[window] + 1; i++) {
        let t0 = performance.now();
        report = (await gqlAs(def.url, auth, SLO, { w: window })).sloReport;
        const g = performance.now() - t0;
        const to = new Date();
        const statements = reportStatements(new Date(to.getTime() - windowMs), to, 10_000);
        t0 = performance.now();
        await Promise.all(statements.map(([text, params]) => sql.query(text, params)));
        const b = performance.now() - t0;
        if (i > 0) (gqlMs.push(g), pgMs.push(b)); // the first is a warm-up
      }
      // Where the time goes: each statement alone, one after another, once.
      const to = new Date();
      const alone: { name: string; ms: number }[] = [];
      for (const [text, params, name] of reportStatements(new Date(to.getTime() - windowMs), to, 10_000)) {
        const t0 = performance.now();
        await sql.query(text, params);
        alone.push({ name, ms: performance.now() - t0 });
      }
      const [gs, bs] = [summarize(gqlMs), summarize(pgMs)];
      const slowest = [...alone].sort((a, b) => b.ms - a.ms).slice(0, 3);
      const p95 = report.kpis.find((k: any) => k.key === 'api.latency_p95');
      log(`sloReport ${window}: GraphQL p50 ${ms(gs.p50)}, pg p50 ${ms(bs.p50)}`);
      sloTable.push([`sloReport(window: "${window}") over GraphQL, p50 / p95 of ${SLO_REPS[window]}`, `${ms(gs.p50)} / ${ms(gs.p95)}`, `${ms(bs.p50)} / ${ms(bs.p95)}`, ratio(gs.p50, bs.p50)]);
      sloTable.push([`  its ${alone.length} statements one at a time: total; slowest`, '', `${ms(alone.reduce((a, s) => a + s.ms, 0))}; ${slowest.map((s) => `${s.name} ${ms(s.ms)}`).join(', ')}`, '']);
      sloTable.push([`  API p95 in the report (sanity)`, `${p95.value?.toFixed(1)} ms over ${p95.samples.toLocaleString('en')} requests`, '', '']);
      sloJson[window] = { graphql: gs, pg: bs, alone, apiLatencyP95: p95 };
    }
    json.slo = {
      store: { rows: Number(size.n), heapBytes: Number(size.heap), indexBytes: Number(size.indexes), totalBytes: Number(size.total), generatedInS: seedS, processes, seriesPerTick: series.length },
      rollups: { rows: Number(hourly.n), hours: Number(hourly.hours), totalBytes: Number(hourly.total), seconds: rollupS, runs: rollupRuns },
      windows: sloJson,
    };

    // 4. detect-anomalies: enqueue the maintenance job, time the pass inside the worker.
    const passMs: number[] = [];
    const e2eMs: number[] = [];
    let detection: unknown;
    for (let i = 0; i < DETECT_REPS + 1; i++) {
      const t0 = performance.now();
      const job = await queues.add('maintenance', 'detect-anomalies', {});
      for (;;) {
        const state = await job.getState();
        if (state === 'completed') break;
        if (state === 'failed') throw new Error('detect-anomalies failed');
        await sleep(10);
      }
      const e2e = performance.now() - t0;
      const done = (await queues.get('maintenance').getJob(job.id!))!;
      if (i > 0) (passMs.push(done.finishedOn! - done.processedOn!), e2eMs.push(e2e));
      detection = done.returnvalue;
    }
    await queues.close();
    const detectTable = [
      [`one detect-anomalies pass in the worker (processedOn → finishedOn), median of ${DETECT_REPS}`, ms(median(passMs)), '', ''],
      ['  enqueue → completed seen by the bench', ms(median(e2eMs)), '', ''],
    ];
    json.detect = { passMs, e2eMs, result: detection };
    await sql.end();

    const cpuAfter = snapshotCpu();
    const loadAfter = os.loadavg();
    const header = ['figure', 'measured', 'baseline (same run)', 'ratio'];
    tables.push(renderTable(header, samplerRows));
    tables.push(renderTable(header, tickTable));
    tables.push(renderTable(['figure', 'platform (GraphQL; whole hours from the roll-ups)', 'the report’s metric_samples SQL on raw rows only (before roll-ups) via pg, all at once', 'ratio'], sloTable));
    tables.push(renderTable(['store', 'value', '', ''], [
      [`rows (generated: ${SEED.days} day${SEED.days > 1 ? 's' : ''} × ${SEED.apis} API × 16 series + ${SEED.workers} worker × 5 series, every ${SEED.intervalS} s; + the run’s own)`, Number(size.n).toLocaleString('en'), `generated + VACUUM ANALYZE in ${seedS.toFixed(0)} s`, ''],
      ['table / indexes / total', `${mib(size.heap)} / ${mib(size.indexes)} / ${mib(size.total)}`, '', ''],
      ['hourly roll-ups (metric_samples_hourly): rows; hours; total size', `${Number(hourly.n).toLocaleString('en')}; ${hourly.hours}; ${mib(hourly.total)}`, `rolled up by the worker in ${rollupS.toFixed(1)} s`, ''],
    ]));
    tables.push(renderTable(header, detectTable));
    tables.push(renderTable(header, profileTable));
    const cpuUsers = topCpu(cpuBefore, [cpuAfter]);
    console.log(`\nObservability benchmark — ${os.cpus().length} CPUs, Node ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_S} s${quick ? ' (--quick)' : ''}; API, worker, Postgres, Redis and the load generator share the machine\n`);
    console.log(tables.join('\n\n'));
    console.log(`\n- load average (1/5/15 min) at start ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, at end ${loadAfter.map((l) => l.toFixed(2)).join(' ')}; total ${((Date.now() - benchStarted) / 1000).toFixed(0)} s.`);
    console.log(`- CPU seconds during the run, by process: ${cpuUsers.map((u) => `${u.name}${u.processes > 1 ? ` (×${u.processes})` : ''} ${u.cpuS.toFixed(0)}`).join(', ')}.`);
    json.loadAverage = { start: loadBefore, end: loadAfter };
    json.cpuSeconds = cpuUsers;
  });
  json.tables = tables;
  json.totalS = (Date.now() - benchStarted) / 1000;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}observability-${stamp}.json`;
  writeFileSync(file, JSON.stringify(json, null, 2));
  console.log(`\nresults: ${file}`);
}

await main();
