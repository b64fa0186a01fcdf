/**
 * Fog compute benchmark (issue #6; self-contained: its own API, one worker running the fog
 * scheduler and `--agents` fog agent processes, in an isolated Postgres schema and Redis prefix):
 *   node bench/dist/fog.bench.js [--jobs 10000] [--agents 4] [--cpus 2] [--dedicated 1] [--steady-jobs n] [--quick]
 * Every job is the hello-world WASI module (@aivillage/fog/fixtures) asking for 1 CPU core, so an
 * agent with `--cpus 2` offers two slots (its BullMQ concurrency is its cores rounded up).
 * `--dedicated` of the agents register in the GOLD_DEDICATED pool (Gold and Platinum only).
 * One namespace per tier (fog-bronze … fog-platinum), each with a PLATINUM key of unlimited rate:
 * the job's tier is its namespace's, and the key's own tier rate (Bronze: 60 req/min) would
 * otherwise throttle the submitter instead of the fog platform being measured.
 * Figures, each beside a baseline measured in the same run:
 *   A. dispatch with free capacity: jobs submitted one at a time (submitFogJob) on idle nodes;
 *      submit → RUNNING p50/p95 from the stored timestamps (goal p95 < 200 ms; guide: 45 s
 *      start-up) and submit → SUCCEEDED as the client saw it (fogJobUpdates) — beside raw BullMQ
 *      add → processed with a no-op processor on the same Redis, and the sandbox in-process
 *      (a fresh thread per run, `runWasi`, and a pooled thread, `WasiSandboxPool`, as agents run);
 *   B. burst: `--jobs` submitted all at once (submitFogJobs, batches of SUBMIT_BATCH, round robin
 *      over the four tiers), then drained: throughput (jobs/s; beside the pool in-process at the
 *      same concurrency and BullMQ no-op), queue wait (queued → scheduled) p50/p95 per tier —
 *      with a backlog the tiers are served in order, so this is backlog ÷ throughput, not the
 *      guide's KPI —, node utilisation = busy slot-time / (slots × wall time) (guide ≥ 85 %),
 *      where a job's time goes and the CPU per job of each process;
 *   C. steady arrivals at STEADY_LOAD of B's steady-state throughput (small batches every
 *      TICK_MS, round robin over the tiers): queue wait per tier — the guide's 25 s KPI is about
 *      this state — and submit → RUNNING.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { newApiKey } from '@aivillage/auth';
import { runWasi, WasiSandboxPool, type WasiRunResult } from '@aivillage/fog';
import { helloWorld } from '@aivillage/fog/fixtures';
import { bullPrefix } from '@aivillage/queues';
import { startFogAgent } from './lib/fog-agents.js';
import { snapshotCpu, topCpu } from './lib/proc-cpu.js';
import { cpuMsOf, redisPid, startApi, startWorkers } from './lib/processes.js';
import { withIsolatedPlatform } from './lib/isolated-platform.js';
import { summarize, type Summary } from './lib/stats.js';
import { ms, ratio, renderTable } from './lib/table.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' }, agents: { type: 'string', default: '4' }, cpus: { type: 'string', default: '2' },
    dedicated: { type: 'string', default: '1' }, quick: { type: 'boolean', default: false }, 'steady-jobs': { type: 'string' },
  },
});
const JOBS = args.quick ? 1000 : Number(args.jobs);
const AGENTS = Number(args.agents);
const CPUS = Number(args.cpus);
const DEDICATED = Math.min(Number(args.dedicated), AGENTS - 1);
const JOB_CPU = 1;
const SLOTS = AGENTS * Math.floor(CPUS / JOB_CPU);
const DISPATCH_JOBS = args.quick ? 30 : 100;
/** submitFogJobs calls in flight during the burst, and jobs per call. */
const SUBMIT_IN_FLIGHT = 4;
const SUBMIT_BATCH = 250;
/** Phase C: arrival rate as a share of B's steady throughput, jobs, and how often a batch goes out. */
const STEADY_LOAD = 0.8;
const STEADY_JOBS = Number(args['steady-jobs'] ?? (args.quick ? 600 : 3000));
const TICK_MS = 100;
const WASI_SEQUENTIAL = args.quick ? 40 : 150;
const WASI_CONCURRENT = args.quick ? 100 : 300;
const BULL_SEQUENTIAL = args.quick ? 200 : 500;
const TIERS = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
type Tier = (typeof TIERS)[number];
const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const log = (m: string) => process.stderr.write(`fog-bench: ${m}\n`);
/** Milliseconds, or seconds once they get long (backlog queue waits run to minutes). */
const dur = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : ms(v));
const pcts = (s: Summary) => `p50 ${dur(s.p50)}, p95 ${dur(s.p95)}`;
/** platform ÷ baseline; far below 1 written as 1/n so it does not round to 0.00×. */
const ratioOf = (platform: number, baseline: number) => (platform / baseline < 0.1 ? `1/${(baseline / platform).toFixed(0)}×` : ratio(platform, baseline));

async function gql(url: string, key: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const SUBMIT = 'mutation($i: SubmitFogJobInput!) { submitFogJob(input: $i) { id } }';
const SUBMIT_MANY = 'mutation($i: [SubmitFogJobInput!]!) { submitFogJobs(inputs: $i) { index job { id } error { code message } } }';

/** Waits for a job's final status: its fogJobUpdates subscription, with a slow poll in case the update came before the subscription. */
function finalSeen(client: Client, url: string, key: string, id: string): Promise<{ at: number; status: string }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (status: string) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timeout);
      unsubscribe();
      resolve({ at: Date.now(), status });
    };
    const unsubscribe = client.subscribe<{ fogJobUpdates: { status: string | null } }>(
      { query: 'subscription($id: ID!) { fogJobUpdates(jobId: $id) { status } }', variables: { id } },
      { next: (v) => (v.data?.fogJobUpdates.status && FINAL.includes(v.data.fogJobUpdates.status) ? finish(v.data.fogJobUpdates.status) : undefined), error: reject, complete: () => undefined },
    );
    const poll = setInterval(() => {
      gql(url, key, 'query($id: ID!) { fogJob(id: $id) { status } }', { id }).then((d) => (FINAL.includes(d.fogJob.status) ? finish(d.fogJob.status) : undefined), reject);
    }, 500);
    const timeout = setTimeout(() => reject(new Error(`fog job ${id} did not finish within 60 s`)), 60_000);
  });
}

interface InProcess {
  jobsPerS: number;
  latency: Summary;
  /** CPU of this process per run (its sandbox threads included), ms. */
  cpuMsPerRun: number;
}

/** The sandbox in this process, as an agent calls it: `n` runs with `concurrency` in flight. */
async function wasiInProcess(run: () => Promise<WasiRunResult>, n: number, concurrency: number): Promise<InProcess> {
  const latency: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) {
      const t = performance.now();
      const r = await run();
      if (r.outcome !== 'SUCCEEDED') throw new Error(`sandbox: ${r.outcome} ${r.failure?.message}`);
      latency.push(performance.now() - t);
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  return { jobsPerS: n / ((performance.now() - t0) / 1000), latency: summarize(latency), cpuMsPerRun: (cpu.user + cpu.system) / 1000 / n };
}

/** Submits `inputs` with submitFogJobs in batches, `inFlight` calls at a time; returns each call's latency. */
async function submitInBatches(url: string, keyOf: (tier: Tier) => string, inputs: { tier: Tier; input: Record<string, unknown> }[], inFlight: number): Promise<number[]> {
  const latency: number[] = [];
  // A call carries one tier's jobs (its namespace's key); the tiers' batches alternate.
  const perTier = TIERS.map((tier) => {
    const mine = inputs.filter((x) => x.tier === tier).map((x) => x.input);
    return Array.from({ length: Math.ceil(mine.length / SUBMIT_BATCH) }, (_, i) => ({ tier, inputs: mine.slice(i * SUBMIT_BATCH, (i + 1) * SUBMIT_BATCH) }));
  });
  const batches = Array.from({ length: Math.max(...perTier.map((l) => l.length)) }, (_, i) => perTier.map((l) => l[i]).filter((b) => b !== undefined)).flat();
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < batches.length) {
      const b = batches[next++];
      const t = performance.now();
      const d = await gql(url, keyOf(b.tier), SUBMIT_MANY, { i: b.inputs });
      const refused = d.submitFogJobs.filter((x: { error: unknown }) => x.error);
      if (refused.length) throw new Error(`submitFogJobs refused ${refused.length}: ${JSON.stringify(refused[0].error)}`);
      latency.push(performance.now() - t);
    }
  }));
  return latency;
}

/** Raw BullMQ on the platform's Redis, a queue of its own, a no-op processor: add → processed, one at a time; then `n` jobs at `concurrency`. */
async function bullmqNoop(redisUrl: string, prefix: string, n: number, concurrency: number): Promise<{ latency: Summary; jobsPerS: number }> {
  const name = `bench-noop-${randomBytes(4).toString('hex')}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection, prefix: bullPrefix(prefix) });
  const waiting = new Map<string, () => void>();
  let processed = 0;
  let allDone: () => void = () => undefined;
  const worker = new Worker(name, async (job) => {
    processed++;
    waiting.get(job.id!)?.();
    if (processed === n) allDone();
  }, { connection, prefix: bullPrefix(prefix), concurrency });
  await worker.waitUntilReady();
  const latency: number[] = [];
  for (let i = 0; i < BULL_SEQUENTIAL; i++) {
    const id = `seq-${i}`;
    const t0 = performance.now();
    const seen = new Promise<void>((r) => waiting.set(id, r));
    await queue.add('noop', { i }, { jobId: id, removeOnComplete: true });
    await seen;
    latency.push(performance.now() - t0);
    waiting.delete(id);
  }
  processed = 0;
  const drained = new Promise<void>((r) => (allDone = r));
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  await drained;
  const jobsPerS = n / ((performance.now() - t0) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { latency: summarize(latency), jobsPerS };
}

interface JobRow {
  tier: Tier;
  status: string;
  nodeId: string | null;
  queuedAt: Date;
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  timings: unknown;
}

const gap = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : Number.NaN);

/**
 * How long a slot stays empty: on each node, each finish is matched with the first later
 * assignment to that node not matched yet (the job that took the freed slot); finishes with
 * none after them (the tail) are left out.
 */
function slotGaps(rows: readonly JobRow[]): number[] {
  const byNode = new Map<string, JobRow[]>();
  for (const j of rows) if (j.nodeId) byNode.set(j.nodeId, [...(byNode.get(j.nodeId) ?? []), j]);
  const gaps: number[] = [];
  for (const jobs of byNode.values()) {
    const finishes = jobs.map((j) => j.finishedAt!.getTime()).sort((x, y) => x - y);
    const starts = jobs.map((j) => j.scheduledAt!.getTime()).sort((x, y) => x - y);
    let k = 0;
    for (const f of finishes) {
      while (k < starts.length && starts[k] < f) k++;
      if (k === starts.length) break;
      gaps.push(starts[k++] - f);
    }
  }
  return gaps;
}
const sandboxMs = (j: JobRow) => Number((j.timings as { totalMs?: number } | null)?.totalMs ?? Number.NaN);
const finite = (xs: number[]) => xs.filter(Number.isFinite);

async function main() {
  await withIsolatedPlatform('fog', async ({ db, env, key, prefix, children }) => {
    const redisUrl = env.REDIS_URL;
    const api = await startApi(env);
    children.push(api.child);
    const worker = await startWorkers({ ...env, WORKER_QUEUES: 'fog' });
    children.push(worker);

    // One namespace per tier, each with its own key (PLATINUM, unlimited rate: see the header).
    const keys = {} as Record<Tier, string>;
    for (const tier of TIERS) {
      const ns = await db.prisma.namespace.create({ data: { name: `fog-${tier.toLowerCase()}`, tier } });
      const k = newApiKey();
      await db.prisma.apiKey.create({ data: { name: `fog-bench-${tier}`, prefix: k.prefix, secretHash: k.hash, tier: 'PLATINUM', namespaceId: ns.id, scopes: ['read', 'write'] } });
      keys[tier] = k.key;
    }

    // The agents: nodes of the `default` namespace (the platform key), `--cpus` slots each.
    const agentEnv = { ...env, LOG_LEVEL: 'warn' };
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) =>
      startFogAgent(api.url, key, { name: `bench-agent-${i}`, cpus: CPUS, memoryMb: 2048, pool: i < DEDICATED ? 'GOLD_DEDICATED' : 'SHARED' }, agentEnv)));
    for (const a of agents) children.push(a.child);
    log(`API at ${api.url}, ${AGENTS} agents (${SLOTS} slots of ${JOB_CPU} core, ${DEDICATED} GOLD_DEDICATED)`);

    // The module is stored once; every job names it by sha256, as a client sending one program many times would.
    const module = helloWorld();
    const first = await gql(api.url, keys.PLATINUM, SUBMIT, { i: { namespace: 'fog-platinum', runtime: 'WASI', moduleBase64: Buffer.from(module).toString('base64'), name: 'warm-up', resources: { cpuCores: JOB_CPU, memoryMb: 64 } } });
    const clients = Object.fromEntries(TIERS.map((t) => [t, createClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${keys[t]}` } })])) as Record<Tier, Client>;
    await finalSeen(clients.PLATINUM, api.url, keys.PLATINUM, first.submitFogJob.id);
    const sha256 = (await db.prisma.fogJob.findUniqueOrThrow({ where: { id: first.submitFogJob.id } })).moduleSha256!;
    const input = (tier: Tier, name: string) => ({ namespace: `fog-${tier.toLowerCase()}`, runtime: 'WASI', moduleSha256: sha256, name, resources: { cpuCores: JOB_CPU, memoryMb: 64 }, timeoutMs: 30_000 });
    // Each agent's first sandbox pays a cold start: one job per slot before measuring.
    await Promise.all(Array.from({ length: SLOTS }, async (_, i) => {
      const t = TIERS[i % 4];
      const d = await gql(api.url, keys[t], SUBMIT, { i: input(t, 'warm-up') });
      await finalSeen(clients[t], api.url, keys[t], d.submitFogJob.id);
    }));

    // Baselines, on the idle platform: the sandbox in this process, a fresh thread per run and pooled; raw BullMQ.
    log('baselines: runWasi and WasiSandboxPool in-process, raw BullMQ no-op');
    const opts = { args: ['job'], timeoutMs: 10_000, maxMemoryBytes: 64 * 1024 * 1024 };
    const wasiSeq = await wasiInProcess(() => runWasi(module, opts), WASI_SEQUENTIAL, 1);
    const wasiPar = await wasiInProcess(() => runWasi(module, opts), WASI_CONCURRENT, SLOTS);
    const pool = new WasiSandboxPool({ size: SLOTS });
    await pool.ready();
    const poolSeq = await wasiInProcess(() => pool.run(module, opts), WASI_SEQUENTIAL * 4, 1);
    const poolPar = await wasiInProcess(() => pool.run(module, opts), WASI_CONCURRENT * 10, SLOTS);
    await pool.close();
    const bull = await bullmqNoop(redisUrl, prefix, JOBS, SLOTS);
    log(`runWasi: ${wasiSeq.latency.p50.toFixed(1)} ms/job alone, ${wasiPar.jobsPerS.toFixed(1)} jobs/s at ${SLOTS}; pool: ${poolSeq.latency.p50.toFixed(2)} ms alone, ` +
      `${poolPar.jobsPerS.toFixed(0)} jobs/s at ${SLOTS}; BullMQ no-op: p50 ${bull.latency.p50.toFixed(2)} ms, ${bull.jobsPerS.toFixed(0)} jobs/s`);

    // A. Dispatch with free capacity: one job at a time, each after the last finished.
    const dispatch: { tier: Tier; submitMs: number; clientE2eMs: number; id: string }[] = [];
    for (let i = 0; i < DISPATCH_JOBS; i++) {
      const tier = TIERS[i % 4];
      const t0 = Date.now();
      const d = await gql(api.url, keys[tier], SUBMIT, { i: input(tier, 'dispatch') });
      const submitMs = Date.now() - t0;
      const end = await finalSeen(clients[tier], api.url, keys[tier], d.submitFogJob.id);
      if (end.status !== 'SUCCEEDED') throw new Error(`dispatch job ${d.submitFogJob.id} ended ${end.status}`);
      dispatch.push({ tier, submitMs, clientE2eMs: end.at - t0, id: d.submitFogJob.id });
    }
    await Promise.all(Object.values(clients).map((c) => c.dispose()));
    const aRows = (await db.prisma.fogJob.findMany({ where: { name: 'dispatch' } })) as unknown as JobRow[];
    const a = {
      submitToRunning: summarize(aRows.map((j) => gap(j.queuedAt, j.startedAt))),
      submitToFinished: summarize(aRows.map((j) => gap(j.queuedAt, j.finishedAt))),
      clientE2e: summarize(dispatch.map((d) => d.clientE2eMs)),
      submitCall: summarize(dispatch.map((d) => d.submitMs)),
      queued: summarize(aRows.map((j) => gap(j.queuedAt, j.scheduledAt))),
      allocation: summarize(aRows.map((j) => gap(j.scheduledAt, j.startedAt))),
      running: summarize(aRows.map((j) => gap(j.startedAt, j.finishedAt))),
      sandbox: summarize(finite(aRows.map(sandboxMs))),
    };
    log(`dispatch: submit → RUNNING p50 ${a.submitToRunning.p50} ms, p95 ${a.submitToRunning.p95} ms`);

    const dedicatedIds = new Set(agents.slice(0, DEDICATED).map((x) => x.nodeId));
    /** Waits until no job named `name` is open; throws when none finished for 60 s. */
    const drained = async (name: string, total: number, since: number) => {
      let lastOpen = -1;
      let lastChange = Date.now();
      let lastLog = 0;
      for (;;) {
        // Every other job of this schema has finished by now: counting by status alone walks the status index, not the table.
        const open = await db.prisma.fogJob.count({ where: { status: { in: ['QUEUED', 'SCHEDULED', 'RUNNING'] } } });
        if (open === 0) return;
        if (open !== lastOpen) {
          lastOpen = open;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > 60_000) throw new Error(`no fog job finished for 60 s; ${open} still open`);
        if (Date.now() - lastLog > 15_000) {
          lastLog = Date.now();
          log(`${name}: ${total - open}/${total} finished after ${((Date.now() - since) / 1000).toFixed(0)} s`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const rowsOf = async (name: string) => (await db.prisma.fogJob.findMany({
      where: { name }, select: { tier: true, status: true, nodeId: true, queuedAt: true, scheduledAt: true, startedAt: true, finishedAt: true, timings: true },
    })) as JobRow[];
    const sum = (xs: number[]) => finite(xs).reduce((t, x) => t + x, 0);
    /** Throughput, utilisation and per-tier waits of one phase's jobs. */
    const analyse = (rows: JobRow[]) => {
      const start = Math.min(...rows.map((j) => j.queuedAt.getTime()));
      const end = Math.max(...rows.map((j) => j.finishedAt!.getTime()));
      const wallS = (end - start) / 1000;
      // Steady state: the 10th to the 90th percentile of finish times (no ramp-up, no tail).
      const finishes = rows.map((j) => j.finishedAt!.getTime()).sort((x, y) => x - y);
      const f10 = finishes[Math.floor(0.1 * finishes.length)];
      const f90 = finishes[Math.floor(0.9 * finishes.length)];
      const slotMs = SLOTS * (end - start);
      return {
        wallS, throughput: rows.length / wallS, steady: (0.8 * finishes.length) / ((f90 - f10) / 1000), failed: rows.filter((j) => j.status !== 'SUCCEEDED').length,
        util: {
          reserved: sum(rows.map((j) => gap(j.scheduledAt, j.finishedAt))) / slotMs,
          // The shared pool only: the GOLD_DEDICATED node takes only Gold and Platinum jobs and idles once they are done.
          sharedReserved: sum(rows.filter((j) => !dedicatedIds.has(j.nodeId ?? '')).map((j) => gap(j.scheduledAt, j.finishedAt))) / (((SLOTS - DEDICATED * Math.floor(CPUS / JOB_CPU)) * (end - start)) || Number.NaN),
          running: sum(rows.map((j) => gap(j.startedAt, j.finishedAt))) / slotMs,
          sandbox: sum(rows.map(sandboxMs)) / slotMs,
        },
        perTier: Object.fromEntries(TIERS.map((t) => {
          const mine = rows.filter((j) => j.tier === t);
          return [t, { jobs: mine.length, queueWait: summarize(mine.map((j) => gap(j.queuedAt, j.scheduledAt))), toRunning: summarize(mine.map((j) => gap(j.queuedAt, j.startedAt))) }];
        })) as Record<Tier, { jobs: number; queueWait: Summary; toRunning: Summary }>,
        queueWait: summarize(rows.map((j) => gap(j.queuedAt, j.scheduledAt))),
        slotGap: summarize(slotGaps(rows)),
        // Jobs of one pass share its scheduledAt: the spacing of passes that placed something.
        passInterval: summarize([...new Set(rows.map((j) => j.scheduledAt!.getTime()))].sort((x, y) => x - y).map((t, i, all) => (i === 0 ? Number.NaN : t - all[i - 1])).filter(Number.isFinite)),
        legs: {
          allocation: summarize(rows.map((j) => gap(j.scheduledAt, j.startedAt))),
          running: summarize(rows.map((j) => gap(j.startedAt, j.finishedAt))),
          sandbox: summarize(finite(rows.map(sandboxMs))),
          agentOverhead: summarize(finite(rows.map((j) => gap(j.startedAt, j.finishedAt) - sandboxMs(j)))),
        },
      };
    };

    // B. Burst: JOBS submitted all at once (submitFogJobs), then drained.
    const cpuBefore = snapshotCpu();
    // CPU of this platform's own processes (a neighbour's agents or Postgres load do not count here).
    const own = { api: [api.child.pid], worker: [worker.pid], agents: agents.map((x) => x.child.pid), redis: [redisPid()] };
    const cpuOf = () => Object.fromEntries(Object.entries(own).map(([k, pids]) => [k, pids.reduce<number>((t, pid) => t + cpuMsOf(pid), 0)])) as Record<keyof typeof own, number>;
    const ownBefore = cpuOf();
    const tB = Date.now();
    const burstInputs = Array.from({ length: JOBS }, (_, i) => ({ tier: TIERS[i % 4], input: input(TIERS[i % 4], 'burst') }));
    const submitLatency = await submitInBatches(api.url, (t) => keys[t], burstInputs, SUBMIT_IN_FLIGHT);
    const submitS = (Date.now() - tB) / 1000;
    log(`submitted ${JOBS} jobs in ${submitS.toFixed(1)} s (${(JOBS / submitS).toFixed(0)}/s); draining`);
    await drained('burst', JOBS, tB);
    const cpuAfter = snapshotCpu();
    const ownAfter = cpuOf();
    const bRows = await rowsOf('burst');
    const b = analyse(bRows);
    const perNode = new Map<string, number>();
    for (const j of bRows) perNode.set(j.nodeId ?? 'none', (perNode.get(j.nodeId ?? 'none') ?? 0) + 1);
    const nodeNames = new Map(agents.map((x, i) => [x.nodeId, `agent-${i}${i < DEDICATED ? ' (gold)' : ''}`]));
    const cpu = topCpu(cpuBefore, [cpuAfter], 8);
    const submit = summarize(submitLatency);
    const perJobCpu = Object.fromEntries(Object.keys(own).map((k) => [k, (ownAfter[k as keyof typeof own] - ownBefore[k as keyof typeof own]) / bRows.length])) as Record<keyof typeof own, number>;
    const postgresS = cpu.find((p) => p.name === 'postgres')?.cpuS ?? Number.NaN;
    log(`burst: ${b.throughput.toFixed(1)} jobs/s (steady ${b.steady.toFixed(1)}), utilisation ${(b.util.reserved * 100).toFixed(1)} %`);

    // C. Steady arrivals at STEADY_LOAD of the burst's steady throughput.
    const rate = STEADY_LOAD * b.steady;
    log(`steady: ${STEADY_JOBS} jobs at ${rate.toFixed(1)} jobs/s (${(STEADY_LOAD * 100).toFixed(0)} % of ${b.steady.toFixed(1)})`);
    const tC = Date.now();
    const calls: Promise<number[]>[] = [];
    for (let sent = 0; sent < STEADY_JOBS; ) {
      const due = Math.min(STEADY_JOBS, Math.floor((rate * (Date.now() - tC)) / 1000) + 1);
      if (due > sent) {
        const batch = Array.from({ length: due - sent }, (_, k) => ({ tier: TIERS[(sent + k) % 4], input: input(TIERS[(sent + k) % 4], 'steady') }));
        calls.push(submitInBatches(api.url, (t) => keys[t], batch, 4));
        sent = due;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const steadySubmit = summarize((await Promise.all(calls)).flat());
    await drained('steady', STEADY_JOBS, tC);
    const c = analyse(await rowsOf('steady'));
    log(`steady: queue wait p50 ${c.queueWait.p50} ms, p95 ${c.queueWait.p95} ms`);

    const wasiCpuMs = (os.cpus().length * 1000) / wasiPar.jobsPerS;
    const guideNote = 'guide: start-up 45 s, queue wait 25 s, utilisation 85 %+';
    console.log(`\nFog benchmark — ${os.cpus().length} CPUs, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; API + 1 worker (scheduler) + ${AGENTS} agents ` +
      `(${SLOTS} slots of ${JOB_CPU} core, ${DEDICATED} GOLD_DEDICATED) + Postgres + Redis + this load generator on the same machine; hello-world WASI jobs (${guideNote})\n`);
    console.log(renderTable(['figure', 'measured', 'baseline (same run)', 'ratio', 'goal / guide'], [
      [`A. submit → RUNNING, capacity free (${aRows.length} jobs one at a time, stored timestamps)`, pcts(a.submitToRunning), `BullMQ add → processed (no-op): ${pcts(bull.latency)}`, ratio(a.submitToRunning.p95, bull.latency.p95), 'p95 < 200 ms; guide 45 s'],
      ['A. submit → RUNNING, capacity free: p99 / max', `${dur(a.submitToRunning.p99)} / ${dur(a.submitToRunning.max)}`, '', '', ''],
      ['A. submit → SUCCEEDED, as the client saw it (fogJobUpdates)', pcts(a.clientE2e), `sandbox in-process, alone: pooled ${pcts(poolSeq.latency)}; fresh thread (runWasi) ${pcts(wasiSeq.latency)}`, ratio(a.clientE2e.p50, poolSeq.latency.p50), ''],
      ['  of which: submitFogJob round trip', pcts(a.submitCall), '', '', ''],
      ['  queued → SCHEDULED (scheduler pass)', pcts(a.queued), '', '', ''],
      ['  SCHEDULED → RUNNING (BullMQ + agent claim: startFogJob)', pcts(a.allocation), '', '', ''],
      ['  RUNNING → finished (sandbox, completeFogJob)', pcts(a.running), `sandbox totalMs on the agent: ${pcts(a.sandbox)}`, ratio(a.running.p50, a.sandbox.p50), ''],
      [`B. burst throughput, ${bRows.length} jobs, first submit → last finish (${b.wallS.toFixed(1)} s)`, `${b.throughput.toFixed(1)} jobs/s`, `pool in-process at ${SLOTS} in flight: ${poolPar.jobsPerS.toFixed(0)} jobs/s; runWasi: ${wasiPar.jobsPerS.toFixed(1)}`, ratio(b.throughput, poolPar.jobsPerS), ''],
      ['B. burst throughput, steady state (10th → 90th percentile of finishes)', `${b.steady.toFixed(1)} jobs/s`, `BullMQ no-op, ${JOBS} jobs at ${SLOTS}: ${bull.jobsPerS.toFixed(0)} jobs/s`, ratioOf(b.steady, bull.jobsPerS), ''],
      [`B. submitFogJobs, ${SUBMIT_BATCH} jobs a call, ${SUBMIT_IN_FLIGHT} calls in flight (${(JOBS / submitS).toFixed(0)} jobs/s accepted)`, pcts(submit), '', '', ''],
      ...TIERS.map((t) => [`B. burst queue wait (queued → SCHEDULED), ${t} (${b.perTier[t].jobs} jobs)`, pcts(b.perTier[t].queueWait), `queued → RUNNING: ${pcts(b.perTier[t].toRunning)}`, '', 'backlog ÷ throughput']),
      ['B. node utilisation: reserved (SCHEDULED → finished) slot-time', `${(b.util.reserved * 100).toFixed(1)} %`, `sandbox time alone: ${(b.util.sandbox * 100).toFixed(1)} %`, ratio(b.util.reserved, b.util.sandbox), 'guide 85 %+'],
      ['B. node utilisation: RUNNING slot-time', `${(b.util.running * 100).toFixed(1)} %`, '', '', 'guide 85 %+'],
      [`B. shared-pool utilisation: reserved slot-time on the ${AGENTS - DEDICATED} SHARED agents`, `${(b.util.sharedReserved * 100).toFixed(1)} %`, 'the GOLD_DEDICATED node idles once Gold and Platinum are done', '', 'guide 85 %+'],
      ['B. slot idle gap (a job finished → the next SCHEDULED on that node)', pcts(b.slotGap), `passes that placed jobs: ${b.passInterval.count + 1}, every ${pcts(b.passInterval)}`, '', ''],
      ['B. legs: SCHEDULED → RUNNING / RUNNING → finished', `${pcts(b.legs.allocation)} / ${pcts(b.legs.running)}`, `sandbox: ${pcts(b.legs.sandbox)}`, ratio(b.legs.running.p50, b.legs.sandbox.p50), ''],
      ['B. agent overhead in RUNNING (finished − started − sandbox)', pcts(b.legs.agentOverhead), '', '', ''],
      ['B. CPU per job: agents (sandbox + agent) / API / worker (scheduler) / Redis', `${perJobCpu.agents.toFixed(1)} / ${perJobCpu.api.toFixed(1)} / ${perJobCpu.worker.toFixed(1)} / ${perJobCpu.redis.toFixed(1)} ms`,
        `sandbox in-process per run: pooled ${poolPar.cpuMsPerRun.toFixed(1)} ms, fresh thread ${wasiPar.cpuMsPerRun.toFixed(0)} ms`, ratio(perJobCpu.agents + perJobCpu.api + perJobCpu.worker + perJobCpu.redis, wasiCpuMs), ''],
      ['B. Postgres CPU per job (all of Postgres, neighbours included)', `${((postgresS * 1000) / bRows.length).toFixed(1)} ms`, '', '', ''],
      [`C. steady arrivals: ${STEADY_JOBS} jobs at ${rate.toFixed(1)} jobs/s (${(STEADY_LOAD * 100).toFixed(0)} % of B's steady throughput)`, `${c.throughput.toFixed(1)} jobs/s done`, '', '', ''],
      ...TIERS.map((t) => [`C. steady queue wait (queued → SCHEDULED), ${t} (${c.perTier[t].jobs} jobs)`, pcts(c.perTier[t].queueWait), `queued → RUNNING: ${pcts(c.perTier[t].toRunning)}`, '', 'guide 25 s']),
      ['C. node utilisation: reserved slot-time (load-limited at this rate)', `${(c.util.reserved * 100).toFixed(1)} %`, '', '', ''],
      ['C. submitFogJobs call (small batches)', pcts(steadySubmit), '', '', ''],
      ['jobs not SUCCEEDED (B / C)', `${b.failed} / ${c.failed}`, '', '', '0'],
    ]));
    console.log(`\nJobs per node (B): ${[...perNode].map(([id, n]) => `${nodeNames.get(id) ?? id} ${n}`).join(', ')}`);
    console.log(`CPU seconds during B (${b.wallS.toFixed(0)} s wall × ${os.cpus().length} CPUs = ${(b.wallS * os.cpus().length).toFixed(0)} CPU-s): ${cpu.map((p) => `${p.name} ×${p.processes} ${p.cpuS.toFixed(1)}`).join(', ')}`);
    console.log(`\n${JSON.stringify({ jobs: JOBS, agents: AGENTS, slots: SLOTS, dedicated: DEDICATED, dispatch: a, wasiSeq, wasiPar, poolSeq, poolPar, bull, burst: { ...b, submitS, submit, perNode: Object.fromEntries(perNode), perJobCpu }, steady: { ...c, rate, submit: steadySubmit }, cpu })}`);
  });
}

await main();
