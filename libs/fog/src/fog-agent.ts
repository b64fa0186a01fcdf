/**
 * The fog agent: one per machine. It registers its node through the GraphQL API
 * (`registerFogNode`, idempotent by name, so a restart keeps the node id), heartbeats through
 * the API, and pulls assignments from its own BullMQ queue `fog-node-<id>` (so it needs the
 * deployment's REDIS_URL and REDIS_PREFIX). Each assignment is claimed through the API
 * (`startFogJob`, which returns what to run), run — WASI in the sandbox (runWasi), COMMAND as
 * an admin template's argv without a shell — with logs flushed through `reportFogJobProgress`
 * and the end through `completeFogJob`. On stop (SIGTERM) it reports itself draining, lets
 * running jobs finish for `graceMs`, then stops and hands back what is left (`releaseFogJob`),
 * including assignments still waiting in its queue.
 *
 * WASI jobs run in a `WasiSandboxPool` of one thread per slot, started with the agent: each
 * job gets a fresh instance, WASI and /tmp in a reused thread (a stopped one is replaced), and
 * each module is compiled once. Module bytes are kept by sha256 (bounded), and the agent tells
 * `startFogJob` which it holds, so a module travels to a node once, not with every job.
 *
 * Drain (`drainFogNode`, seen in a heartbeat's answer): it stops taking assignments, hands
 * back those waiting in its queue, and lets the running ones finish; lifted, it resumes.
 */
import { execFile } from 'node:child_process';
import { freemem, totalmem } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { bullPrefix, createRedis, fogNodeJobSchema, fogNodeQueueName, QueueSet, type FogNodeJob } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import { commandArgsProblem } from './command-template.js';
import type { FogJobExecution, FogLogChunk } from './fog-job.service.js';
import { WasiSandboxPool } from './wasi-pool.js';
import { sha256Hex } from './wasm-compile.js';

export interface FogAgentOptions {
  apiUrl: string;
  apiKey: string;
  redisUrl: string;
  redisPrefix: string;
  namespace?: string;
  name: string;
  cpuCores: number;
  memoryMb: number;
  gpus?: number;
  gpuModel?: string | null;
  runtimes?: string[];
  region?: string | null;
  pool?: 'SHARED' | 'GOLD_DEDICATED';
  /** Assignments run at once (default: cpuCores rounded up; the scheduler already bounds by capacity). */
  concurrency?: number;
  graceMs?: number;
  /** Bytes of WASI modules kept by sha256 (default 64 MiB). */
  moduleCacheBytes?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

const AGENT_VERSION = '0.2.0';
const PROGRESS_EVERY_MS = 300;
/** Most module hashes named in one claim (the most recently used). */
const MAX_CACHED_MODULES_SENT = 32;

/** Module bytes by sha256, least recently used dropped past `maxBytes`. */
class ModuleStore {
  private readonly modules = new Map<string, Uint8Array>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  get(sha256: string): Uint8Array | undefined {
    const m = this.modules.get(sha256);
    if (m) {
      this.modules.delete(sha256);
      this.modules.set(sha256, m);
    }
    return m;
  }

  set(sha256: string, module: Uint8Array): void {
    if (this.modules.has(sha256) || module.length > this.maxBytes) return;
    this.modules.set(sha256, module);
    this.bytes += module.length;
    for (const [k, v] of this.modules) {
      if (this.bytes <= this.maxBytes) break;
      this.modules.delete(k);
      this.bytes -= v.length;
    }
  }

  /** The most recently used hashes with their bytes (a snapshot: eviction after it cannot lose a module a claim relied on). */
  snapshot(max: number): Map<string, Uint8Array> {
    return new Map([...this.modules].slice(-max));
  }
}

interface Running {
  payload: FogNodeJob;
  abort: AbortController;
  cancelled: boolean;
}

export class FogAgent {
  nodeId = '';
  private lastCpu = { at: 0, micros: 0 };
  private heartbeatMs = 10_000;
  private timer?: NodeJS.Timeout;
  private worker?: Worker;
  private connection?: Redis;
  private readonly running = new Map<string, Running>();
  private draining = false;
  /** An operator's drain is on: no new assignments are taken. */
  private drainRequested = false;
  private pool?: WasiSandboxPool;
  private readonly modules: ModuleStore;
  private readonly log: NonNullable<FogAgentOptions['log']>;

  constructor(private readonly o: FogAgentOptions) {
    this.log = o.log ?? (() => undefined);
    this.modules = new ModuleStore(o.moduleCacheBytes ?? 64 * 1024 * 1024);
  }

  private get concurrency(): number {
    return this.o.concurrency ?? Math.max(1, Math.ceil(this.o.cpuCores));
  }

  async gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${this.o.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) {
      const e = body.errors[0];
      throw Object.assign(new Error(e.message), { code: e.extensions?.code ?? 'INTERNAL_SERVER_ERROR' });
    }
    return body.data!;
  }

  async start(): Promise<string> {
    const r = await this.gql<{ registerFogNode: { id: string; heartbeatIntervalMs: number } }>(
      `mutation($i: RegisterFogNodeInput!) { registerFogNode(input: $i) { id heartbeatIntervalMs } }`,
      {
        i: {
          namespace: this.o.namespace ?? 'default', name: this.o.name, cpuCores: this.o.cpuCores, memoryMb: this.o.memoryMb, gpus: this.o.gpus ?? 0,
          gpuModel: this.o.gpuModel ?? null, runtimes: this.o.runtimes ?? ['wasi', 'command'], region: this.o.region ?? null, pool: this.o.pool ?? 'SHARED', agentVersion: AGENT_VERSION,
        },
      },
    );
    this.nodeId = r.registerFogNode.id;
    this.heartbeatMs = r.registerFogNode.heartbeatIntervalMs;
    // Threads first: the first jobs should not pay their start.
    this.pool ??= new WasiSandboxPool({ size: this.concurrency });
    await this.pool.ready();
    this.connection = createRedis(this.o.redisUrl, { connectionName: `fog-agent:${this.o.name}` });
    this.worker = new Worker(fogNodeQueueName(this.nodeId), (job) => this.process(job), {
      connection: this.connection,
      prefix: bullPrefix(this.o.redisPrefix),
      concurrency: this.concurrency,
      // Our own reschedule (by the API's scheduler) replaces BullMQ retries.
      maxStalledCount: 0,
    });
    this.worker.on('error', (err) => this.log('queue error', { err: err.message }));
    await this.worker.waitUntilReady();
    this.timer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    this.log('registered', { nodeId: this.nodeId, heartbeatMs: this.heartbeatMs });
    return this.nodeId;
  }

  async heartbeat(): Promise<void> {
    try {
      // CPU this agent process used since the last beat (its sandboxes are threads of it),
      // as a share of the cores the node offers; the host's memory in use.
      const now = performance.now();
      const used = process.cpuUsage();
      const cpuMs = (used.user + used.system - this.lastCpu.micros) / 1000;
      const load = this.lastCpu.at === 0 ? 0 : Math.min(1, cpuMs / ((now - this.lastCpu.at) * this.o.cpuCores));
      this.lastCpu = { at: now, micros: used.user + used.system };
      const r = await this.gql<{ fogNodeHeartbeat: { cancelJobIds: string[]; drain: boolean } }>(
        `mutation($id: ID!, $h: FogNodeHeartbeatInput!) { fogNodeHeartbeat(nodeId: $id, input: $h) { cancelJobIds drain } }`,
        { id: this.nodeId, h: { cpuPercent: Math.round(load * 1000) / 10, memoryPercent: Math.round((1 - freemem() / totalmem()) * 1000) / 10, runningJobs: this.running.size, draining: this.draining } }, // its own shutdown only: an operator's drain is the API's to lift
      );
      for (const id of r.fogNodeHeartbeat.cancelJobIds) this.cancelLocal(id);
      if (!this.stopping) await this.applyDrain(r.fogNodeHeartbeat.drain);
    } catch (error) {
      this.log('heartbeat failed', { err: (error as Error).message });
    }
  }

  /** Drain on: stop taking assignments and hand back those waiting (again on every beat, for any that arrived meanwhile). Off: resume. */
  private async applyDrain(drain: boolean): Promise<void> {
    if (drain) {
      if (!this.drainRequested) {
        this.drainRequested = true;
        this.log('draining: no new assignments; running jobs finish');
        await this.worker?.pause(true);
      }
      await this.handBack(await this.takeWaitingAssignments(), 'handed back by its node (draining)');
    } else if (this.drainRequested) {
      this.drainRequested = false;
      this.log('drain lifted: taking assignments again');
      this.worker?.resume();
    }
  }

  /** Removes the assignments still waiting in this node's queue and returns them. */
  private async takeWaitingAssignments(): Promise<FogNodeJob[]> {
    if (!this.connection || !this.nodeId) return [];
    const queues = new QueueSet(this.connection, this.o.redisPrefix);
    const taken: FogNodeJob[] = [];
    try {
      for (const j of await queues.fogNode(this.nodeId).getJobs(['waiting', 'prioritized', 'delayed'])) {
        const p = fogNodeJobSchema.safeParse(j.data);
        if (p.success) taken.push(p.data);
        await j.remove().catch(() => undefined);
      }
    } finally {
      await queues.close();
    }
    return taken;
  }

  private async handBack(assignments: readonly { fogJobId: string; token: string }[], why: string): Promise<void> {
    for (const p of assignments) {
      await this.gql(`mutation($j: ID!, $t: String!, $n: ID) { releaseFogJob(jobId: $j, token: $t, nodeId: $n) { id } }`, { j: p.fogJobId, t: p.token, n: this.nodeId }).catch((error) =>
        this.log('hand-back refused', { job: p.fogJobId, why, err: (error as Error).message }),
      );
    }
  }

  private cancelLocal(jobId: string) {
    const r = this.running.get(jobId);
    if (r && !r.cancelled) {
      r.cancelled = true;
      r.abort.abort();
    }
  }

  private async process(job: Job): Promise<void> {
    const payload = fogNodeJobSchema.parse(job.data);
    let execution: FogJobExecution;
    const held = this.modules.snapshot(MAX_CACHED_MODULES_SENT);
    try {
      const r = await this.gql<{ startFogJob: FogJobExecution }>(
        `mutation($j: ID!, $n: ID!, $t: String!, $m: [String!]) { startFogJob(jobId: $j, nodeId: $n, token: $t, cachedModules: $m) {
          jobId attempt runtime moduleSha256 moduleBase64 command argPatterns args env { name value } timeoutMs memoryMb maxOutputBytes } }`,
        { j: payload.fogJobId, n: this.nodeId, t: payload.token, m: [...held.keys()] },
      );
      execution = r.startFogJob;
    } catch (error) {
      // CONFLICT: cancelled, rescheduled elsewhere or already run — nothing to do.
      this.log('assignment not claimed', { job: payload.fogJobId, err: (error as Error).message });
      return;
    }
    const running: Running = { payload, abort: new AbortController(), cancelled: false };
    this.running.set(payload.fogJobId, running);
    const pending: FogLogChunk[] = [];
    let flushing: Promise<void> = Promise.resolve();
    const flush = () => {
      if (pending.length === 0) return flushing;
      const logs = pending.splice(0);
      flushing = flushing.then(async () => {
        try {
          const r = await this.gql<{ reportFogJobProgress: boolean }>(
            `mutation($j: ID!, $t: String!, $l: [FogLogChunkInput!]!, $n: ID) { reportFogJobProgress(jobId: $j, token: $t, logs: $l, nodeId: $n) }`,
            { j: payload.fogJobId, t: payload.token, l: logs, n: this.nodeId },
          );
          if (r.reportFogJobProgress) this.cancelLocal(payload.fogJobId);
        } catch (error) {
          this.log('progress refused', { job: payload.fogJobId, err: (error as Error).message });
          if ((error as { code?: string }).code === 'CONFLICT') this.cancelLocal(payload.fogJobId);
        }
      });
      return flushing;
    };
    const ticker = setInterval(() => void flush(), PROGRESS_EVERY_MS);
    // One streaming decoder per stream, so a character split between two chunks stays whole.
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    const onLog = (stream: 'stdout' | 'stderr', chunk: Uint8Array) => {
      const text = decoders[stream].decode(chunk, { stream: true });
      if (text) pending.push({ stream: stream === 'stdout' ? 'STDOUT' : 'STDERR', text });
    };
    try {
      const result = execution.runtime === 'WASI' ? await this.runWasiJob(execution, running, onLog, held) : await this.runCommandJob(execution, running, onLog);
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = decoders[stream].decode();
        if (rest) pending.push({ stream: stream === 'stdout' ? 'STDOUT' : 'STDERR', text: rest });
      }
      clearInterval(ticker);
      await flushing;
      if (this.stopping && result.status === 'CANCELLED' && !running.cancelled) return; // handed back by stop()
      await this.gql(
        `mutation($i: CompleteFogJobInput!) { completeFogJob(input: $i) { id status } }`,
        { i: { jobId: payload.fogJobId, token: payload.token, nodeId: this.nodeId, ...result, logs: pending.splice(0) } },
      );
    } catch (error) {
      this.log('completion refused', { job: payload.fogJobId, err: (error as Error).message });
    } finally {
      clearInterval(ticker);
      this.running.delete(payload.fogJobId);
    }
  }

  /** The module: sent with the claim, or held here (`held` is what the claim named). */
  private moduleOf(e: FogJobExecution, held: ReadonlyMap<string, Uint8Array>): { bytes: Uint8Array; sha256: string } | null {
    if (e.moduleBase64 != null) {
      const bytes = new Uint8Array(Buffer.from(e.moduleBase64, 'base64'));
      const sha256 = sha256Hex(bytes);
      if (e.moduleSha256 && sha256 !== e.moduleSha256) this.log('module hash differs from the one claimed', { job: e.jobId, sha256 });
      this.modules.set(sha256, bytes);
      return { bytes, sha256 };
    }
    const bytes = e.moduleSha256 ? (held.get(e.moduleSha256) ?? this.modules.get(e.moduleSha256)) : undefined;
    return bytes ? { bytes, sha256: e.moduleSha256! } : null;
  }

  private async runWasiJob(e: FogJobExecution, r: Running, onLog: (s: 'stdout' | 'stderr', c: Uint8Array) => void, held: ReadonlyMap<string, Uint8Array>) {
    const module = this.moduleOf(e, held);
    if (!module) return { status: 'FAILED' as const, exitCode: null, errorCode: 'NO_MODULE', error: 'the claim sent no module and this node does not hold it', timings: null, cpuMs: null };
    const result = await this.pool!.run(module.bytes, {
      sha256: module.sha256, args: ['job', ...e.args], env: Object.fromEntries(e.env.map((x) => [x.name, x.value])), timeoutMs: e.timeoutMs,
      maxMemoryBytes: Math.min(e.memoryMb, 4096) * 1024 * 1024, maxOutputBytes: e.maxOutputBytes, onLog, signal: r.abort.signal,
    });
    return {
      status: result.outcome, exitCode: result.exitCode, errorCode: result.failure?.code ?? null, error: result.failure?.message ?? null,
      timings: { ...result.timings }, cpuMs: result.cpuMs,
    };
  }

  /** An admin template's argv + the job's args, checked again here; no shell, empty environment but the job's. */
  private async runCommandJob(e: FogJobExecution, r: Running, onLog: (s: 'stdout' | 'stderr', c: Uint8Array) => void) {
    const started = performance.now();
    if (!e.command?.length) return { status: 'FAILED' as const, exitCode: null, errorCode: 'NO_TEMPLATE', error: 'the command template no longer exists', timings: null, cpuMs: null };
    const problem = commandArgsProblem({ name: 'template', command: e.command, argPatterns: e.argPatterns ?? [] }, e.args);
    if (problem) return { status: 'FAILED' as const, exitCode: null, errorCode: 'BAD_ARGS', error: problem, timings: null, cpuMs: null };
    return new Promise<{ status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED'; exitCode: number | null; errorCode: string | null; error: string | null; timings: Record<string, number>; cpuMs: null }>((resolve) => {
      const child = execFile(e.command![0], [...e.command!.slice(1), ...e.args], {
        env: Object.fromEntries(e.env.map((x) => [x.name, x.value])), timeout: e.timeoutMs, maxBuffer: e.maxOutputBytes * 2, signal: r.abort.signal, killSignal: 'SIGKILL', encoding: 'buffer',
      }, (error, _stdout, _stderr) => {
        const runMs = performance.now() - started;
        const timings = { runMs, totalMs: runMs };
        if (!error) return resolve({ status: 'SUCCEEDED', exitCode: 0, errorCode: null, error: null, timings, cpuMs: null });
        const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number; signal?: string };
        if (r.abort.signal.aborted) return resolve({ status: 'CANCELLED', exitCode: null, errorCode: 'CANCELLED', error: 'cancelled', timings, cpuMs: null });
        if (err.killed && runMs >= e.timeoutMs - 5) return resolve({ status: 'TIMED_OUT', exitCode: null, errorCode: 'TIMED_OUT', error: `no exit within ${e.timeoutMs} ms`, timings, cpuMs: null });
        const exitCode = typeof err.code === 'number' ? err.code : null;
        resolve({ status: 'FAILED', exitCode, errorCode: exitCode !== null ? 'NONZERO_EXIT' : 'SPAWN_ERROR', error: err.message.slice(0, 1000), timings, cpuMs: null });
      });
      let budget = { stdout: e.maxOutputBytes, stderr: e.maxOutputBytes };
      for (const s of ['stdout', 'stderr'] as const)
        child[s]?.on('data', (d: Buffer) => {
          const part = d.subarray(0, Math.max(0, budget[s]));
          budget = { ...budget, [s]: budget[s] - part.length };
          if (part.length) onLog(s, new Uint8Array(part));
        });
    });
  }

  private stopping = false;

  /** Drain: no new jobs, running ones get `graceMs`, then the rest is handed back. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.draining = true;
    if (this.timer) clearInterval(this.timer);
    await this.heartbeat();
    const graceMs = this.o.graceMs ?? 10_000;
    const closed = this.worker?.close();
    const finished = await Promise.race([closed?.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    const handBack: { fogJobId: string; token: string }[] = [];
    if (!finished) {
      for (const r of this.running.values()) {
        handBack.push(r.payload);
        r.abort.abort();
      }
      await this.worker?.close(true);
    }
    // Assignments that were still waiting in this node's queue go back too.
    handBack.push(...(await this.takeWaitingAssignments()));
    await this.handBack(handBack, 'handed back by its node (shutting down)');
    await this.pool?.close();
    await this.connection?.quit().catch(() => undefined);
  }
}
