/**
 * Training benchmark (self-contained: its own API and worker processes in an isolated
 * Postgres schema, Redis prefix and artifact directory):
 *   node bench/dist/training.bench.js [--quick]
 * Figures:
 *   1. the reference Agent Forge pipeline with its default settings, end to end through
 *      GraphQL → BullMQ → a worker: wall time (goal < 10 min on 2 cores) and each phase's;
 *   2. model size reduction of the final model against the float32 ONNX of the same
 *      architecture (goal ≥ 75%; guide 65%) and accuracy retention = final test accuracy
 *      over the best full-precision test accuracy of the run (goal ≥ 98.5%);
 *   3. subscription delivery lag: trainingRunProgress events received over a WebSocket
 *      minus the time the worker published them (p50/p95; goal p95 < 100 ms);
 *   4. metric ingestion: points/s through the MetricSink (batches of 500 as one INSERT … unnest via
 *      Prisma + one publish per batch) beside raw SQL multi-row INSERTs with pg, same batches.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { MetricSink } from '@aivillage/forge/worker';
import { publishTopic } from '@aivillage/pubsub';
import { startApi, startWorkers, stopAll } from './lib/processes.js';
import { withIsolatedPlatform } from './lib/isolated-platform.js';
import { median, summarize } from './lib/stats.js';
import { ms, pct, renderTable } from './lib/table.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const log = (m: string) => process.stderr.write(`training-bench: ${m}\n`);
const INGEST_POINTS = args.quick ? 20_000 : 100_000;
const INGEST_ROUNDS = args.quick ? 1 : 3;

async function gql(url: string, key: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function main() {
  await withIsolatedPlatform('training', async ({ db, databaseUrl, redis, prefix, namespaceId, key, env, children }) => {
    const api = await startApi(env);
    children.push(api.child);
    children.push(await startWorkers({ ...env, WORKER_QUEUES: 'training' }));

    // 1–3. The reference pipeline, watched over the subscription.
    const phases = args.quick ? [{ phase: 'FORGE_TRAINING', settings: { epochs: 8 } }, { phase: 'EVOMERGE', settings: { candidates: 2, candidateEpochs: 6, generations: 2 } }] : [];
    const started = performance.now();
    const { startTrainingRun: run } = await gql(api.url, key, 'mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) { id } }', { i: { name: 'bench', phases } });
    const lags: number[] = [];
    let points = 0;
    const client = createClient({ url: api.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: key } });
    const finished = new Promise<string>((resolve, reject) => {
      client.subscribe(
        { query: `subscription { trainingRunProgress(runId: "${run.id}") { at kind run { status } phase { phase status } points { step } } }` },
        {
          next: (r) => {
            const e = r.data?.trainingRunProgress as any;
            if (!e) return reject(new Error(JSON.stringify(r.errors)));
            lags.push(Date.now() - Date.parse(e.at));
            points += e.points.length;
            if (e.kind === 'PHASE') log(`${e.phase.phase} ${e.phase.status} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
            if (e.run && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(e.run.status)) resolve(e.run.status);
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    const status = await finished;
    const wallMs = performance.now() - started;
    await client.dispose();
    const detail = await gql(api.url, key, 'query($id: ID!) { trainingRun(id: $id) { error phases { phase status durationMs summary } } }', { id: run.id });
    if (status !== 'SUCCEEDED') throw new Error(`the pipeline ${status}: ${detail.trainingRun.error}`);
    const byPhase = Object.fromEntries(detail.trainingRun.phases.map((p: any) => [p.phase, p]));
    const final = byPhase.FINAL_COMPRESSION.summary;
    const lag = summarize(lags);

    // 4. Metric ingestion, beside raw SQL with the same batches.
    await stopAll(children.splice(0));
    const ingestRun = await db.prisma.trainingRun.create({ data: { namespaceId, name: 'ingest', template: 'agent-forge', config: {} } });
    const sinkRates: number[] = [];
    const rawRates: number[] = [];
    const client2 = new pg.Client({ connectionString: databaseUrl });
    await client2.connect();
    await client2.query(`SET search_path TO "${db.schema}"`);
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      const sink = new MetricSink({ prisma: db.prisma, runId: ingestRun.id, publish: (p) => publishTopic(redis, prefix, 'TRAINING_PROGRESS', p) });
      let t0 = performance.now();
      for (let i = 0; i < INGEST_POINTS; i++) sink.record({ phase: 'FORGE_TRAINING', step: i, name: i % 2 ? 'loss' : 'accuracy', value: Math.random() });
      await sink.flush();
      sinkRates.push(INGEST_POINTS / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      for (let start = 0; start < INGEST_POINTS; start += 500) {
        const n = Math.min(500, INGEST_POINTS - start);
        const values: unknown[] = [];
        const rows: string[] = [];
        for (let j = 0; j < n; j++) {
          const b = j * 5;
          rows.push(`($${b + 1}::uuid, $${b + 2}::"TrainingPhase", $${b + 3}, $${b + 4}, $${b + 5})`);
          values.push(ingestRun.id, 'FORGE_TRAINING', start + j, j % 2 ? 'loss' : 'accuracy', Math.random());
        }
        await client2.query(`INSERT INTO training_metric_points (run_id, phase, step, name, value) VALUES ${rows.join(',')}`, values);
      }
      rawRates.push(INGEST_POINTS / ((performance.now() - t0) / 1000));
      log(`ingestion round ${round + 1}: sink ${sinkRates.at(-1)!.toFixed(0)} points/s, raw SQL ${rawRates.at(-1)!.toFixed(0)} points/s`);
    }
    await client2.end();

    console.log(`\nTraining benchmark — ${os.cpus().length} CPUs, Node ${process.version}, UCI digits (1,797 images), ${args.quick ? 'QUICK settings' : 'default settings'}\n`);
    console.log(renderTable(
      ['phase', 'status', 'duration', 'figures'],
      detail.trainingRun.phases.map((p: any) => [p.phase, p.status, p.durationMs == null ? '-' : ms(p.durationMs), p.summary ? summaryLine(p.summary) : '']),
    ));
    console.log('');
    console.log(renderTable(['figure', 'measured', 'goal'], [
      ['pipeline wall time (GraphQL start → SUCCEEDED)', `${(wallMs / 1000).toFixed(1)} s`, '< 10 min'],
      ['final model size vs float32 ONNX, same architecture', `${final.onnxBytes} B vs ${final.float32OnnxBytes} B: −${pct(final.sizeReduction)}`, '≥ 75% (guide 65%)'],
      ['accuracy retention (final / best full precision, test split)', `${pct(final.retention)} (${pct(final.testAccuracy)} / ${pct(final.bestFullPrecisionTestAccuracy)})`, '≥ 98.5%'],
      ['subscription delivery lag (publish → WebSocket client)', `p50 ${ms(lag.p50)}, p95 ${ms(lag.p95)} over ${lag.count} events (${points} points)`, 'p95 < 100 ms'],
      [`metric ingestion, MetricSink (INSERT … unnest via Prisma, + publish), ${INGEST_POINTS} points`, `${median(sinkRates).toFixed(0)} points/s`, ''],
      ['metric ingestion, raw SQL multi-row INSERT (pg), same batches', `${median(rawRates).toFixed(0)} points/s`, `ratio ${(median(sinkRates) / median(rawRates)).toFixed(2)}×`],
    ]));
    console.log(`\n${JSON.stringify({ wallMs, phases: detail.trainingRun.phases, lag, sinkRates, rawRates })}`);
  });
}

function summaryLine(s: Record<string, unknown>): string {
  const keys = ['architecture', 'format', 'testAccuracy', 'mergedValidationAccuracy', 'recipe', 'testAccuracyBeforeFineTune', 'epochs', 'winner', 'onnxBytes', 'sizeReduction', 'retention', 'reason'];
  return keys.filter((k) => s[k] !== undefined && s[k] !== null).map((k) => `${k} ${s[k]}`).join(', ');
}

await main();
