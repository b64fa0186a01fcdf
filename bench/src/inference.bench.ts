/**
 * Inference benchmark (self-contained: starts its own API and inference worker processes in
 * an isolated Postgres schema, Redis prefix and artifact directory, and removes them after):
 *   node bench/dist/inference.bench.js [--quick]
 * Figures, on the reference MLP (64 → 128 → 10, one row per request):
 *   1. throughput and p50/p95/p99 of `runInference` through GraphQL at concurrency 1, 16 and
 *      128, beside a no-op query (`{ __typename }`) on the same server in alternating rounds
 *      of the same run (goal: ≥ 2,000 req/s at p99 < 45 ms, ≥ 0.7× the no-op's throughput);
 *   2. raw onnxruntime-node in-process on the same model (the model's own cost), one row per
 *      run and 32 rows per run;
 *   3. what the queue round trip costs: per-request `timings` (overhead = end to end minus
 *      batch wait and run) at concurrency 1 and 64, p50/p99;
 *   4. the highest throughput whose p99 stays under 45 ms (connections 4 → 64), for both;
 *   5. CPU per answered request of the API, the worker and Redis (from /proc), for both;
 *   6. the worker's resident memory (now and peak; goal < 500 MB).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { buildMlpClassifier } from '@aivillage/models';
import { runLoad, searchMaxRate, type LoadResult, type Target } from './lib/http-load.js';
import { snapshotCpu, topCpu } from './lib/proc-cpu.js';
import { median, summarize, type Summary } from './lib/stats.js';
import { ms, renderTable } from './lib/table.js';
import { cpuMsOf, redisPid, rssOf, startApi, startWorkers } from './lib/processes.js';
import { withIsolatedPlatform } from './lib/isolated-platform.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = args.quick ? 1 : 3;
const ROUND_S = args.quick ? 3 : 5;
const CONCURRENCY = [1, 16, 128];
const MLP = { inputSize: 64, hidden: [128], classes: 10, seed: 7 };
const log = (m: string) => process.stderr.write(`inference-bench: ${m}\n`);

/** Raw onnxruntime in-process: sequential runs of `rows` rows for `seconds`. */
async function rawOnnxruntime(bytes: Uint8Array, rows: number, seconds: number): Promise<{ rps: number; rowsPerS: number; latency: Summary }> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  const data = Float32Array.from({ length: rows * MLP.inputSize }, (_, i) => Math.sin(i));
  for (let i = 0; i < 200; i++) await session.run({ features: new ort.Tensor('float32', data, [rows, MLP.inputSize]) });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < end) {
    const t0 = performance.now();
    await session.run({ features: new ort.Tensor('float32', data, [rows, MLP.inputSize]) });
    latencies.push(performance.now() - t0);
  }
  const elapsedS = (performance.now() - started) / 1000;
  await session.release();
  return { rps: latencies.length / elapsedS, rowsPerS: (latencies.length * rows) / elapsedS, latency: summarize(latencies) };
}

async function main() {
  await withIsolatedPlatform('inference', async ({ env, key, children }) => {
    // The key's custom rate is far above the load: admission runs on every request but never refuses.
    const api = await startApi(env);
    children.push(api.child);
    const worker = { child: await startWorkers({ ...env, WORKER_QUEUES: 'inference' }) };
    children.push(worker.child);
    const url = api.url;
    const auth = { authorization: `Bearer ${key}` };

    const bytes = buildMlpClassifier(MLP);
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'mlp.onnx');
    const uploaded = (await (await fetch(`${url}/v1/models/artifacts`, { method: 'POST', headers: auth, body: form })).json()) as { sha256: string };
    const reg = await gql(url, auth, 'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { version } }', {
      i: { namespace: 'default', model: 'reference-mlp', sha256: uploaded.sha256, task: 'classification', aliases: ['production'] },
    });
    if (reg.errors) throw new Error(JSON.stringify(reg.errors));

    const features = [Array.from({ length: MLP.inputSize }, (_, i) => Number(Math.sin(i).toFixed(4)))];
    const INFER = 'mutation Infer($i: JSON!) { runInference(model: "reference-mlp", inputs: $i) { version outputs } }';
    const headers = { ...auth };
    const targets: Record<'noop' | 'inference', Target> = {
      noop: { url: `${url}/graphql`, headers, body: JSON.stringify({ query: 'query Noop { __typename }' }), isSuccess: (b) => b.startsWith('{"data":{"__typename"') },
      inference: {
        url: `${url}/graphql`, headers, body: JSON.stringify({ query: INFER, operationName: 'Infer', variables: { i: { features } } }),
        isSuccess: (b) => b.startsWith('{"data":{"runInference"'),
      },
    };
    log(`stack up at ${url}; warming up`);
    for (const t of Object.values(targets)) await runLoad(t, { connections: 16, durationS: 3, rampS: 0 });

    const cpuBefore = snapshotCpu();
    const redisServer = redisPid();
    const cpuRows: string[][] = [];
    const rows: string[][] = [];
    const json: Record<string, unknown> = {};
    for (const c of CONCURRENCY) {
      const results: Record<'noop' | 'inference', LoadResult[]> = { noop: [], inference: [] };
      // CPU milliseconds per answered request of the API, the worker and Redis, per round.
      const cpu: Record<'noop' | 'inference', { api: number; worker: number; redis: number }[]> = { noop: [], inference: [] };
      for (let r = 0; r < ROUNDS; r++) {
        for (const mode of (r % 2 === 0 ? ['inference', 'noop'] : ['noop', 'inference']) as ('noop' | 'inference')[]) {
          const pids = { api: api.child.pid, worker: worker.child.pid, redis: redisServer };
          const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMsOf(pid)])) as Record<keyof typeof pids, number>;
          const res = await runLoad(targets[mode], { connections: c, durationS: ROUND_S, rampS: 1 });
          results[mode].push(res);
          const answered = res.total - res.errors;
          cpu[mode].push({
            api: (cpuMsOf(pids.api) - before.api) / answered,
            worker: (cpuMsOf(pids.worker) - before.worker) / answered,
            redis: (cpuMsOf(pids.redis) - before.redis) / answered,
          });
          log(`c=${c} ${mode} round ${r + 1}: ${res.achievedRps.toFixed(0)} req/s, p50 ${res.latency.p50.toFixed(2)} ms, p99 ${res.latency.p99.toFixed(2)} ms, errors ${(res.errorRate * 100).toFixed(2)}%`);
        }
      }
      const med = (m: 'noop' | 'inference', f: (r: LoadResult) => number) => median(results[m].map(f));
      const inferRps = med('inference', (r) => r.achievedRps);
      const noopRps = med('noop', (r) => r.achievedRps);
      const p99 = med('inference', (r) => r.latency.p99);
      rows.push([
        String(c),
        `${inferRps.toFixed(0)} req/s`,
        ms(med('inference', (r) => r.latency.p50)),
        ms(med('inference', (r) => r.latency.p95)),
        ms(p99),
        `${noopRps.toFixed(0)} req/s`,
        ms(med('noop', (r) => r.latency.p99)),
        `${(inferRps / noopRps).toFixed(2)}×`,
        (med('inference', (r) => r.errorRate) * 100).toFixed(2) + '%',
      ]);
      const cpuMed = (m: 'noop' | 'inference', k: 'api' | 'worker' | 'redis') => median(cpu[m].map((x) => x[k]));
      const totalCpu = (m: 'noop' | 'inference') => cpuMed(m, 'api') + cpuMed(m, 'worker') + cpuMed(m, 'redis');
      cpuRows.push([
        String(c),
        `${cpuMed('inference', 'api').toFixed(3)} / ${cpuMed('inference', 'worker').toFixed(3)} / ${cpuMed('inference', 'redis').toFixed(3)}`,
        totalCpu('inference').toFixed(3),
        `${cpuMed('noop', 'api').toFixed(3)} / ${cpuMed('noop', 'redis').toFixed(3)}`,
        totalCpu('noop').toFixed(3),
        `${(totalCpu('inference') / totalCpu('noop')).toFixed(2)}×`,
      ]);
      json[`c${c}`] = { inference: results.inference.map(brief), noop: results.noop.map(brief), cpu };
    }
    const cpu = topCpu(cpuBefore, [snapshotCpu()], 6);

    // The goal's own figure: the most requests per second whose p99 stays under 45 ms.
    const maxRows: string[][] = [];
    for (const mode of ['inference', 'noop'] as const) {
      const search = await searchMaxRate(targets[mode], { connections: [4, 8, 16, 32, 64], stepS: ROUND_S, rampS: 1, p95LimitMs: 45, percentile: 'p99' }, (step) =>
        log(`max-rate ${mode}: c=${step.connections} ${step.achievedRps.toFixed(0)} req/s, p99 ${step.latency.p99.toFixed(1)} ms`),
      );
      const best = search.best;
      maxRows.push([mode === 'inference' ? 'runInference' : 'no-op query', best ? `${best.achievedRps.toFixed(0)} req/s` : 'none', best ? String(best.connections) : '-', ms(best?.latency.p50), ms(best?.latency.p99)]);
      json[`max-${mode}`] = search.steps.map(brief);
    }

    // The queue's share, per request, from the timings every result carries.
    const legRows: string[][] = [];
    for (const c of [1, 16, 64]) {
      const n = args.quick ? 600 : 3000;
      const legs: Record<'totalMs' | 'sendMs' | 'queueMs' | 'workerMs' | 'replyMs' | 'overheadMs' | 'runMs' | 'batchSize', number[]> = {
        totalMs: [], sendMs: [], queueMs: [], workerMs: [], replyMs: [], overheadMs: [], runMs: [], batchSize: [],
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: c }, async () => {
          while (next++ < n) {
            const r = await gql(url, auth, `mutation($i: JSON!) { runInference(model: "reference-mlp", inputs: $i) { timings { ${Object.keys(legs).join(' ')} } } }`, { i: { features } });
            const t = r.data?.runInference?.timings;
            if (!t) throw new Error(JSON.stringify(r.errors));
            for (const k of Object.keys(legs) as (keyof typeof legs)[]) legs[k].push(t[k]);
          }
        }),
      );
      const s = Object.fromEntries(Object.entries(legs).map(([k, v]) => [k, summarize(v)])) as Record<keyof typeof legs, Summary>;
      legRows.push([
        String(c), `${ms(s.totalMs.p50)} / ${ms(s.totalMs.p99)}`, `${ms(s.sendMs.p50)} / ${ms(s.sendMs.p99)}`, `${ms(s.queueMs.p50)} / ${ms(s.queueMs.p99)}`,
        `${ms(s.workerMs.p50)} / ${ms(s.workerMs.p99)}`, `${ms(s.replyMs.p50)} / ${ms(s.replyMs.p99)}`, `${ms(s.overheadMs.p50)} / ${ms(s.overheadMs.p99)}`,
        ms(s.runMs.p50), s.batchSize.mean.toFixed(1),
      ]);
      json[`legs-c${c}`] = s;
    }

    log('raw onnxruntime in-process');
    const raw1 = await rawOnnxruntime(bytes, 1, args.quick ? 2 : 4);
    const raw32 = await rawOnnxruntime(bytes, 32, args.quick ? 2 : 4);
    const mem = rssOf(worker.child.pid!);

    console.log(`\nInference benchmark — ${os.cpus().length} CPUs, Node ${process.version}, reference MLP ${MLP.inputSize}→${MLP.hidden.join('→')}→${MLP.classes}, one row per request; ` +
      `${ROUNDS} alternating round(s) of ${ROUND_S} s per concurrency, medians\n`);
    console.log(renderTable(
      ['concurrency', 'runInference', 'p50', 'p95', 'p99', 'no-op query', 'no-op p99', 'inference / no-op', 'errors'],
      rows,
    ));
    console.log('\nGoal (2 cores): ≥ 2,000 req/s at p99 < 45 ms; ≥ 0.7× the no-op query. Guide: 850 req/s, p99 45 ms.\n');
    console.log(renderTable(['highest rate with p99 < 45 ms (closed loop, connections 4 → 64)', 'throughput', 'connections', 'p50', 'p99'], maxRows));
    console.log('');
    console.log('CPU per answered request (ms, medians; /proc accounting, robust to neighbours that only steal wall time):\n');
    console.log(renderTable(['concurrency', 'inference: API / worker / Redis', 'inference total', 'no-op: API / Redis', 'no-op total', 'ratio'], cpuRows));
    console.log('');
    console.log(renderTable(['raw onnxruntime-node, in-process', 'runs/s', 'rows/s', 'p50', 'p99'], [
      ['1 row per run', raw1.rps.toFixed(0), raw1.rowsPerS.toFixed(0), ms(raw1.latency.p50), ms(raw1.latency.p99)],
      ['32 rows per run', raw32.rps.toFixed(0), raw32.rowsPerS.toFixed(0), ms(raw32.latency.p50), ms(raw32.latency.p99)],
    ]));
    console.log('');
    console.log('Where a runInference call\'s time goes inside the API (p50 / p99 of the per-request timings; the client here is fetch in the bench process):\n');
    console.log(renderTable(['concurrency', 'total', 'send (coalesce)', 'queue (to worker)', 'worker (incl. run)', 'reply (to API)', 'overhead (not model)', 'run p50', 'mean batch rows'], legRows));
    console.log(`\nWorker RSS: ${mem.rssMb.toFixed(0)} MB now, ${mem.peakMb.toFixed(0)} MB peak (goal < 500 MB).`);
    console.log(`CPU seconds during the load rounds: ${cpu.map((p) => `${p.name} ${p.cpuS.toFixed(1)}`).join(', ')}`);
    console.log(`\n${JSON.stringify({ ...json, raw1, raw32, worker: mem })}`);
  }, { rateLimitPerMinute: 1_000_000_000 });
}

function brief(r: LoadResult) {
  return { rps: Math.round(r.achievedRps), p50: r.latency.p50, p95: r.latency.p95, p99: r.latency.p99, errorRate: r.errorRate };
}

async function gql(url: string, headers: Record<string, string>, query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: any[] };
}

await main();
