/**
 * sloReport end to end: a real API and worker sample into metric_samples, real traffic goes
 * through, and the report's figures match what was sent (the p95 lands in the bucket the
 * registry itself puts it in; request counts are exact). Domain KPIs are read back from rows
 * of the kind their pipelines store. Also: the guide's metric names in /metrics, bad windows.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { histogramQuantile, type HistogramTotals } from '@aivillage/observability';
import { pruneMetricSamples, SloService } from '@aivillage/observability/server';
import { startTestStack, type TestStack } from '../../test-stack.js';

const SAMPLE_MS = 300;
let stack: TestStack;

before(async () => {
  stack = await startTestStack({ workers: 1, env: { OBSERVABILITY_SAMPLE_INTERVAL_MS: String(SAMPLE_MS) } });
});
after(() => stack?.stop());

const REPORT = `query($w: String) { sloReport(window: $w) { window from to kpis { key area target targetMin targetMax unit value samples status source reason } } }`;
type Kpi = { key: string; value: number | null; samples: number; status: string; reason: string | null; targetMax: number | null };
const report = async (w = '5m') => {
  const res = await stack.gql(REPORT, { w });
  assert.deepEqual(res.body.errors, undefined, JSON.stringify(res.body.errors));
  return new Map<string, Kpi>(res.body.data.sloReport.kpis.map((k: Kpi) => [k.key, k]));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metricsText(): Promise<string> {
  const res = await fetch(`${stack.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
  return res.text();
}

/** http_request_duration_seconds of the API's own registry (this instance, probes and scrapes left out), as one histogram. */
function scrapedRequestHistogram(text: string): HistogramTotals {
  const cumulative = new Map<number, number>();
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('http_request_duration_seconds_')) continue;
    if (/endpoint="\/(healthz|readyz|metrics)"/.test(line) || line.includes('worker="')) continue;
    const value = Number(line.split(' ').at(-1));
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (line.startsWith('http_request_duration_seconds_bucket') && le) {
      const bound = le === '+Inf' ? Infinity : Number(le);
      cumulative.set(bound, (cumulative.get(bound) ?? 0) + value);
    } else if (line.startsWith('http_request_duration_seconds_count')) count += value;
  }
  const bounds = [...cumulative.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  let previous = 0;
  const buckets = bounds.map((b) => {
    const c = cumulative.get(b)! - previous;
    previous = cumulative.get(b)!;
    return c;
  });
  buckets.push(count - previous);
  return { bounds, buckets, sum: 0, count };
}

describe('sloReport', () => {
  test('API latency, errors and availability come from the traffic sent, fleet samples added up', async () => {
    const N = 60;
    for (let i = 0; i < N; i++) {
      const res = await stack.gql('query SloProbe { platformStatus { version } }');
      assert.equal(res.status, 200);
    }
    // Every request of the operation is in the store once the sampler has ticked twice more.
    let stored = 0;
    for (let i = 0; i < 40 && stored < N; i++) {
      await sleep(SAMPLE_MS);
      const [row] = await stack.db.prisma.$queryRaw<{ n: number | null }[]>`
        SELECT sum(count)::float8 AS n FROM metric_samples WHERE metric = 'http_request_duration_seconds' AND labels->>'operation' = 'SloProbe'`;
      stored = Number(row.n ?? 0);
    }
    assert.equal(stored, N, 'each request stored exactly once');
    const registry = scrapedRequestHistogram(await metricsText());
    const kpis = await report('5m');
    const p95 = kpis.get('api.latency_p95')!;
    assert.equal(p95.status === 'NO_DATA', false);
    assert.ok(p95.samples >= N, `${p95.samples} requests counted`);
    // Same bucket as the registry's own p95 (the registry has seen a few more requests since).
    const expected = histogramQuantile(registry, 0.95)! * 1000;
    const bucketOf = (ms: number) => registry.bounds.findIndex((b) => ms <= b * 1000 + 1e-9);
    assert.equal(bucketOf(p95.value!), bucketOf(expected), `stored p95 ${p95.value} ms, registry p95 ${expected} ms`);
    assert.equal(p95.status, p95.value! < 100 ? 'MET' : 'MISSED');

    const errors = kpis.get('api.error_rate')!;
    assert.equal(errors.value, 0);
    assert.equal(errors.status, 'MET');
    const availability = kpis.get('api.availability')!;
    assert.ok(availability.samples >= 2);
    assert.ok(availability.value! > 99, `availability ${availability.value}`);

    for (const key of ['forge.inference_avg', 'p2p.connection_establishment', 'rag.accuracy', 'api.throughput']) {
      assert.equal(kpis.get(key)!.status, 'NO_DATA', key);
      assert.ok(kpis.get(key)!.reason, `${key} says why`);
    }
  });

  test('knowledge KPIs: vector search and 3-hop graph queries as measured by the API', async () => {
    const add = await stack.gql(`mutation($r: [RelationInput!]!) { addRelations(namespace: "default", relations: $r) { relations } }`, {
      r: [
        { subject: 'Slo alpha', kind: 'SEMANTIC', label: 'next', object: 'Slo beta' },
        { subject: 'Slo beta', kind: 'SEMANTIC', label: 'next', object: 'Slo gamma' },
        { subject: 'Slo gamma', kind: 'SEMANTIC', label: 'next', object: 'Slo delta' },
      ],
    });
    assert.deepEqual(add.body.errors, undefined, JSON.stringify(add.body.errors));
    const hood = await stack.gql(`query { knowledgeNeighborhood(entity: "Slo alpha", hops: 3) { nodes { distance } } }`);
    assert.equal(hood.body.data.knowledgeNeighborhood.nodes.length, 3);
    const search = await stack.gql(`query { searchKnowledge(query: "alpha", mode: VECTOR) { score } }`);
    assert.deepEqual(search.body.errors, undefined, JSON.stringify(search.body.errors));
    let kpis = await report('5m');
    for (let i = 0; i < 20 && (kpis.get('rag.graph_3_hops')!.status === 'NO_DATA' || kpis.get('rag.vector_search')!.status === 'NO_DATA'); i++) {
      await sleep(SAMPLE_MS);
      kpis = await report('5m');
    }
    assert.equal(kpis.get('rag.graph_3_hops')!.samples, 1);
    assert.equal(kpis.get('rag.vector_search')!.samples, 1);
    assert.ok(kpis.get('rag.simple_query')!.samples >= 1);
    assert.ok(kpis.get('rag.graph_3_hops')!.value! > 0);
  });

  test('pipeline, mesh and fog KPIs read what those domains stored in the window', async () => {
    const prisma = stack.db.prisma;
    const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'default' } });
    const now = Date.now();
    const run = await prisma.trainingRun.create({
      data: { namespaceId: ns.id, name: 'slo', template: 'agent-forge', config: {}, status: 'SUCCEEDED', startedAt: new Date(now - 3 * 3600_000), finishedAt: new Date(now - 1000) },
    });
    await prisma.trainingPhaseExecution.createMany({
      data: [
        { runId: run.id, phase: 'BITNET_COMPRESSION', position: 3, executor: 'builtin', status: 'SUCCEEDED', summary: { sizeReduction: 0.5, testAccuracy: 0.9 } },
        { runId: run.id, phase: 'FINAL_COMPRESSION', position: 7, executor: 'builtin', status: 'SUCCEEDED', summary: { sizeReduction: 0.7, testAccuracy: 0.95 } },
      ],
    });
    await prisma.propagationSimulation.create({
      data: {
        namespaceId: ns.id, input: { ttl: 7 }, status: 'SUCCEEDED', finishedAt: new Date(now - 1000),
        result: { timeToReachable: { p50: 80, p95: 180, p100: 260 }, hops: { avg: 3, max: 7 } },
      },
    });
    const job = await prisma.fogJob.create({
      data: {
        namespaceId: ns.id, runtime: 'WASI', args: [], env: {}, cpuCores: 1, memoryMb: 64, timeoutMs: 1000, sla: 'B', tier: 'GOLD', status: 'SUCCEEDED',
        finishedAt: new Date(now - 1000), timings: { totalMs: 1000, runMs: 980 },
      },
    });
    await prisma.fogUsageRecord.create({
      data: {
        namespaceId: ns.id, jobId: job.id, tier: 'GOLD', startedAt: new Date(now - 11_000), endedAt: new Date(now - 1000),
        cpuCoreSeconds: 10, gpuSeconds: 0, memoryGbSeconds: 1, cpuMs: 9000,
      },
    });
    const kpis = await report('1h');
    const near = (key: string, value: number, status: string) => {
      const k = kpis.get(key)!;
      assert.ok(Math.abs(k.value! - value) < 1e-6, `${key}: ${k.value} ≠ ${value}`);
      assert.equal(k.status, status, key);
      assert.equal(k.samples, 1, key);
    };
    near('forge.training_time', 3 - 1 / 3600, 'MET');
    near('forge.compression_ratio', 70, 'MET');
    near('forge.model_quality', 95, 'MET');
    near('p2p.propagation_7_hops', 180, 'MET');
    near('fog.utilisation', 90, 'MET');
    near('fog.security_overhead', 2, 'MET');
    assert.equal(kpis.get('fog.cost_saving')!.samples, 1);
    assert.ok(kpis.get('fog.cost_saving')!.value! > 0);
  });

  test('availability counts pauses of every API instance as down time, not one instance restarting', async () => {
    // An hour two days ago: two instances ticking every second, both silent for 6 minutes; one alone for 10.
    const t0 = Date.now() - 2 * 86_400_000;
    const rows: { ts: Date; instance: string }[] = [];
    for (let s = 0; s < 3600; s++) {
      const t = t0 + s * 1000;
      if (s < 600 || s >= 960) rows.push({ ts: new Date(t), instance: 'a' });
      if ((s < 600 || s >= 960) && (s < 1800 || s >= 2400)) rows.push({ ts: new Date(t), instance: 'b' });
    }
    await stack.db.prisma.metricSample.createMany({ data: rows.map((r) => ({ ...r, metric: 'up', component: 'api', kind: 'UP' as const, value: 1 })) });
    const slo = new SloService({ prisma: stack.db.prisma, sampleIntervalMs: 1000 });
    const k = (await slo.report('1h', new Date(t0 + 3600_000))).kpis.find((x) => x.key === 'api.availability')!;
    // Down from the last tick at 599 s to the next at 960 s: 361 s minus one interval.
    assert.ok(Math.abs(k.value! - 100 * (1 - 360 / 3600)) < 0.05, `availability ${k.value}`);
    assert.equal(k.status, 'MISSED');
    // Retention: the maintenance prune deletes what is older than the cut, nothing newer.
    const before = await stack.db.prisma.metricSample.count({ where: { ts: { gte: new Date(Date.now() - 86_400_000) } } });
    assert.equal(await pruneMetricSamples(stack.db.prisma, new Date(Date.now() - 86_400_000), 1000), rows.length);
    assert.equal(await stack.db.prisma.metricSample.count({ where: { ts: { lt: new Date(Date.now() - 86_400_000) } } }), 0);
    assert.ok((await stack.db.prisma.metricSample.count()) >= before);
  });

  test('the guide metric names are in /metrics; gpu_utilization_percent only where there is a GPU', async () => {
    const text = await metricsText();
    for (const name of ['http_request_duration_seconds', 'active_connections_total', 'p2p_message_latency_seconds', 'p2p_connection_count', 'aivillage_fog_queue_wait_seconds', 'training_loss', 'training_accuracy']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(text, /^memory_usage_bytes\{[^}]*component="api"/m);
    assert.match(text, /^memory_usage_bytes\{[^}]*component="worker"/m, "the worker's series through its heartbeat");
    let gpu = true;
    try {
      execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
    } catch {
      gpu = false;
    }
    assert.equal(/^gpu_utilization_percent/m.test(text), gpu, gpu ? 'reported with a GPU' : 'absent, not zero, without a GPU');
  });

  test('a window that is not minutes, hours or days up to 7d is BAD_USER_INPUT', async () => {
    for (const w of ['1w', '0h', '8d', 'soon', '']) {
      const res = await stack.gql(REPORT, { w });
      assert.equal(res.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', w);
    }
    const anonymous = await stack.gql(REPORT, { w: '1h' }, { key: null });
    assert.equal(anonymous.status, 401);
  });
});
