/**
 * Runs WASI preview1 modules in a sandbox: a `worker_threads` Worker (own V8 isolate, heap
 * capped by `resourceLimits`) running `node:wasi`, with
 *   - the module's linear memory capped (`capModuleMemory`: too-large initial memory refused,
 *     the maximum lowered so growth past the cap fails inside the guest);
 *   - only `wasi_snapshot_preview1` functions to import (no host functions, and WASI preview1
 *     has no way to open a socket), a fresh temporary directory pre-opened as `/tmp` and
 *     removed afterwards, guest stdin/stdout/stderr on the null device;
 *   - stdout/stderr captured into capped buffers and streamed to `onLog` while it runs;
 *   - a wall-clock timeout (and an optional AbortSignal) enforced by `worker.terminate()` from
 *     this thread, which stops even an endless wasm loop without blocking the parent.
 * `runWasi` starts a thread for one run and stops it afterwards; `WasiSandboxPool`
 * (wasi-pool.ts) keeps threads and gives each run a fresh instance in one of them. Both go
 * through `runOnThread` below, so the limits and the result are the same.
 *
 * Limits of this sandbox, stated plainly: it is a thread of the calling process, and Node's
 * docs say `node:wasi` does not provide the full file-system isolation of dedicated runtimes.
 * It checks what the tests show (no escape from `/tmp` with `..`, absolute paths, escaping
 * symlinks or unknown fds), but for hostile code run the caller itself in a separate,
 * OS-confined process (container, seccomp, its own user).
 */
import { mkdtemp, open, realpath, rm, type FileHandle } from 'node:fs/promises';
import { closeSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { compileGuest, type CompiledGuest } from './wasm-compile.js';
import { MAX_WASM32_PAGES, WASM_PAGE_BYTES } from './wasm-limits.js';
import type { RunRequest, SandboxFailureCode, StdStream, WorkerToParent } from './wasi-sandbox.protocol.js';

export type { SandboxFailureCode, StdStream } from './wasi-sandbox.protocol.js';

/** How a sandboxed run ended. SUCCEEDED means exit code 0. */
export type WasiOutcome = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

export interface WasiRunOptions {
  /** The guest's argv; by convention argv[0] is the program name. Default `['job']`. */
  readonly args?: readonly string[];
  /** The guest's whole environment (the host's is never passed). Default `{}`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Wall-clock limit, ms: from the start of the run (a fresh thread's start-up included for `runWasi`) to the guest's exit. */
  readonly timeoutMs?: number;
  /** Cap on the module's linear memory, bytes; rounded down to whole 64 KiB pages. */
  readonly maxMemoryBytes?: number;
  /** Bytes of stdout and of stderr each kept (and streamed); the rest is counted and dropped. */
  readonly maxOutputBytes?: number;
  /** V8 limits of the worker's JS heap (not the wasm memory, which `maxMemoryBytes` caps). `runWasi` only: a pool sets them per thread. */
  readonly resourceLimits?: ResourceLimits;
  /** Called on this thread with each captured chunk while the guest runs. If it throws, the run is stopped and the call rejects with that error. */
  readonly onLog?: (stream: StdStream, chunk: Uint8Array) => void;
  /** Aborting stops the guest: outcome CANCELLED. */
  readonly signal?: AbortSignal;
  /** Parent of the per-run temporary directory. Default `os.tmpdir()`. */
  readonly tmpRoot?: string;
}

/** Defaults for WasiRunOptions. The 30 s timeout matches nothing in the guide: jobs set their own. */
export const DEFAULT_WASI_LIMITS = {
  timeoutMs: 30_000,
  /** 256 MiB = 4,096 pages. */
  maxMemoryBytes: 256 * 1024 * 1024,
  /** 1 MiB per stream: enough for a job's log tail, small enough to store per run. */
  maxOutputBytes: 1024 * 1024,
  /** The worker only runs the WASI glue; its own JS heap needs little. */
  resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16, stackSizeMb: 4 },
} as const satisfies Required<Pick<WasiRunOptions, 'timeoutMs' | 'maxMemoryBytes' | 'maxOutputBytes' | 'resourceLimits'>>;

export interface WasiTimings {
  /** Until a sandbox thread was ready for the run: a fresh thread's start (`runWasi`), or the wait for a free pooled one (0 when one was idle). */
  readonly workerStartMs: number | null;
  /** Compile (0 when the module was compiled before) + instantiate, including the memory-cap rewrite; null if stopped before it ended. */
  readonly startupMs: number | null;
  /** `_start` until exit, trap or stop; null if `_start` never ran. */
  readonly runMs: number | null;
  /** Temporary directory removal, and the thread's termination when it was stopped or used once. */
  readonly cleanupMs: number;
  readonly totalMs: number;
}

export interface WasiRunResult {
  readonly outcome: WasiOutcome;
  /** proc_exit code, or 0 when `_start` returned; null when the guest did not get to exit. */
  readonly exitCode: number | null;
  /** Why it did not succeed (null for SUCCEEDED; TIMED_OUT and CANCELLED have their own message). */
  readonly failure: { readonly code: SandboxFailureCode | 'TIMED_OUT' | 'CANCELLED'; readonly message: string } | null;
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  /** Bytes the guest wrote to each stream (captured or not); null when it was stopped. */
  readonly bytesWritten: { readonly stdout: number; readonly stderr: number } | null;
  readonly timings: WasiTimings;
  /** CPU time of the sandbox thread from compile to end (Linux schedstat), ms; null elsewhere. */
  readonly cpuMs: number | null;
  /** Final (= peak: it never shrinks) size of the guest's linear memory; null if it never had one or was stopped. */
  readonly peakMemoryBytes: number | null;
  /** The host path that was the guest's /tmp (already removed). */
  readonly hostTmpDir: string;
  /** Which run of its sandbox thread this was: 1 on a fresh thread, more on a reused one; 0 when it never reached one (compile failure, no thread in time). */
  readonly threadRun: number;
}

/** UTF-8 text of captured output (a multi-byte character cut by the cap becomes U+FFFD). */
export function decodeOutput(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function checkInt(field: string, v: number, lo: number, hi = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${field} must be an integer in [${lo}, ${hi}], got ${v}`);
}

/** Reads the CPU time (ns) of thread `tid` of this process, or null. */
function taskCpuNs(tid: number | null): number | null {
  if (tid === null) return null;
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/**
 * Closes the host fds a terminated worker left open in the guest's directory: Node's WASI
 * does not close its preopen or the guest's files when its thread is stopped mid-run, and
 * they would leak for the life of the process. Those fds belong to nobody any more, so
 * nothing can close and reuse their numbers under us. Linux only (/proc); elsewhere a no-op.
 */
function closeLeakedFds(dir: string): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return 0;
  }
  let closed = 0;
  for (const entry of entries) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${entry}`);
    } catch {
      continue; // the fd readdir itself used, or one closed meanwhile
    }
    if (target !== dir && !target.startsWith(`${dir}/`)) continue;
    try {
      closeSync(Number(entry));
      closed++;
    } catch {
      // already closed
    }
  }
  return closed;
}

type Ending =
  | { kind: 'finished'; msg: Extract<WorkerToParent, { type: 'finished' }> }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'error'; error: Error & { code?: string } }
  | { kind: 'exit'; code: number }
  | { kind: 'callback'; error: unknown };

/** Chunks of one stream received from the worker (which enforces the cap). */
class OutputBuffer {
  private readonly chunks: Uint8Array[] = [];
  truncated = false;
  add(chunk: Uint8Array): void {
    this.chunks.push(chunk);
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** What the parent learns while a run goes on. */
interface Progress {
  readonly out: Record<StdStream, OutputBuffer>;
  cpuNs0: number | null;
  instantiatedAt: number | null;
  instantiateMs: number | null;
}

export interface Limits {
  readonly timeoutMs: number;
  readonly maxMemoryBytes: number;
  readonly maxOutputBytes: number;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Validated options with defaults (throws RangeError). */
export function checkOptions(options: WasiRunOptions): Limits {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WASI_LIMITS.timeoutMs;
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_WASI_LIMITS.maxMemoryBytes;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_WASI_LIMITS.maxOutputBytes;
  checkInt('timeoutMs', timeoutMs, 1, 2 ** 31 - 1);
  checkInt('maxMemoryBytes', maxMemoryBytes, WASM_PAGE_BYTES, MAX_WASM32_PAGES * WASM_PAGE_BYTES);
  checkInt('maxOutputBytes', maxOutputBytes, 0);
  const args = options.args ?? ['job'];
  const env = options.env ?? {};
  for (const [k, v] of Object.entries(env))
    if (k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) throw new RangeError(`env: invalid entry ${JSON.stringify(k)}`);
  if (args.some((a) => a.includes('\0'))) throw new RangeError('args: NUL bytes are not allowed');
  return { timeoutMs, maxMemoryBytes, maxOutputBytes, args, env };
}

export const maxMemoryPages = (limits: Limits) => Math.floor(limits.maxMemoryBytes / WASM_PAGE_BYTES);

let nextRunId = 1;

/**
 * One sandbox thread. It runs one guest at a time and may be given many runs; once it was
 * stopped (timeout, cancel), crashed or exited it is `dead` and never used again.
 */
export class SandboxThread {
  readonly worker: Worker;
  /** Resolves when the thread reported in; rejects if it died first. */
  readonly ready: Promise<void>;
  tid: number | null = null;
  /** It reported in (false for a thread that died while starting). */
  started = false;
  /** Runs given to it so far. */
  runs = 0;
  dead = false;
  private onMessage: ((m: WorkerToParent) => void) | null = null;
  private onDeath: ((e: Extract<Ending, { kind: 'error' | 'exit' }>) => void) | null = null;

  constructor(resourceLimits: ResourceLimits | undefined) {
    this.worker = new Worker(new URL('./wasi-sandbox.worker.js', import.meta.url), {
      resourceLimits: { ...DEFAULT_WASI_LIMITS.resourceLimits, ...resourceLimits },
      // The worker's own stdio is kept off the host's (e.g. Node's WASI ExperimentalWarning).
      stdout: true,
      stderr: true,
      env: {},
    });
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (m: WorkerToParent) => {
        if (m.type === 'ready') {
          this.tid = m.tid;
          this.started = true;
          resolve();
        } else this.onMessage?.(m);
      });
      const die = (e: Extract<Ending, { kind: 'error' | 'exit' }>) => {
        this.dead = true;
        reject(e.kind === 'error' ? e.error : new Error(`sandbox thread exited with code ${e.code} before it was ready`));
        this.onDeath?.(e);
      };
      this.worker.on('error', (error) => die({ kind: 'error', error }));
      this.worker.on('exit', (code) => die({ kind: 'exit', code }));
    });
    this.ready.catch(() => undefined); // a thread that dies idle is only replaced
  }

  /** Routes the thread's messages and death to one run at a time. */
  attach(onMessage: SandboxThread['onMessage'], onDeath: SandboxThread['onDeath']): void {
    this.onMessage = onMessage;
    this.onDeath = onDeath;
  }

  async terminate(): Promise<void> {
    this.dead = true;
    this.onMessage = null;
    this.onDeath = null;
    await this.worker.terminate();
  }
}

/** Waits for the first of: the worker's report, its death, the deadline, the abort signal, or onLog throwing. */
function supervise(thread: SandboxThread, runId: number, deadline: number, options: WasiRunOptions, progress: Progress): { ended: Promise<Ending>; stop: (e: Ending) => void } {
  let stop: (e: Ending) => void = () => undefined;
  const ended = new Promise<Ending>((settle) => {
    let done = false;
    const onAbort = () => resolve({ kind: 'aborted' });
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, deadline - performance.now()));
    const resolve = (e: Ending) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      thread.attach(null, null);
      settle(e);
    };
    stop = resolve;
    thread.attach(
      (m) => {
        if (m.type === 'ready' || m.runId !== runId) return; // a previous run's late message
        switch (m.type) {
          case 'started':
            progress.cpuNs0 = m.cpuNs;
            break;
          case 'instantiated':
            progress.instantiatedAt = performance.now();
            progress.instantiateMs = m.instantiateMs;
            break;
          case 'log':
            progress.out[m.stream].add(m.chunk);
            try {
              options.onLog?.(m.stream, m.chunk);
            } catch (error) {
              resolve({ kind: 'callback', error });
            }
            break;
          case 'truncated':
            progress.out[m.stream].truncated = true;
            break;
          case 'finished':
            resolve({ kind: 'finished', msg: m });
        }
      },
      (death) => resolve(death),
    );
    if (thread.dead) resolve({ kind: 'exit', code: -1 });
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  return { ended, stop };
}

/** The result of a run the worker did not finish itself. */
function stoppedResult(ending: Exclude<Ending, { kind: 'finished' | 'callback' }>, timeoutMs: number): Pick<WasiRunResult, 'outcome' | 'failure'> {
  switch (ending.kind) {
    case 'timeout':
      return { outcome: 'TIMED_OUT', failure: { code: 'TIMED_OUT', message: `no exit within ${timeoutMs} ms; worker terminated` } };
    case 'aborted':
      return { outcome: 'CANCELLED', failure: { code: 'CANCELLED', message: 'cancelled; worker terminated' } };
    case 'error':
      return {
        outcome: 'FAILED',
        failure: { code: ending.error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'WORKER_OUT_OF_MEMORY' : 'WORKER_ERROR', message: ending.error.message },
      };
    case 'exit':
      return { outcome: 'FAILED', failure: { code: 'WORKER_ERROR', message: `worker exited with code ${ending.code} before reporting` } };
  }
}

export interface ThreadRun {
  readonly result: WasiRunResult;
  /** False when the thread was stopped or died: the caller must not give it another run. */
  readonly reusable: boolean;
}

/**
 * One run on a ready thread: a new temporary directory and null-device fds, the compiled
 * module (from `compile`, awaited inside the deadline), a fresh instance in the thread.
 * A run the guest did not end itself (timeout, cancel, onLog throwing) terminates the
 * thread. Rejects only with the error onLog threw.
 * `t0` is when the run began (the deadline counts from it); `readyAt` when the thread was ready.
 */
export async function runOnThread(
  thread: SandboxThread,
  compile: () => Promise<CompiledGuest>,
  limits: Limits,
  options: WasiRunOptions,
  t0: number,
  readyAt: number,
): Promise<ThreadRun> {
  const runId = nextRunId++;
  let threadRun = 0;
  const hostTmpDir = await realpath(await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'fog-wasi-')));
  const progress: Progress = { out: { stdout: new OutputBuffer(), stderr: new OutputBuffer() }, cpuNs0: null, instantiatedAt: null, instantiateMs: null };
  let ending: Ending | undefined;
  let compileMs: number | null = null;
  let endedAt = 0;
  let stoppedCpuNs: number | null = null;
  let cleanupStart = 0;
  let reusable = true;
  const handles: FileHandle[] = [];
  try {
    const { ended, stop } = supervise(thread, runId, t0 + limits.timeoutMs, options, progress);
    const nullRead = await open(devNull, 'r');
    handles.push(nullRead);
    const nullWrite = await open(devNull, 'w');
    handles.push(nullWrite);
    const tc = performance.now();
    const compiled = await Promise.race([compile(), ended]);
    if ('ok' in compiled) {
      compileMs = performance.now() - tc;
      if (!compiled.ok) {
        // Never reached the thread: it stays as it was.
        stop({ kind: 'finished', msg: { type: 'finished', runId, exitCode: null, failure: compiled.failure, instantiateMs: 0, runMs: null, cpuNs: null, peakMemoryBytes: null, bytesWritten: { stdout: 0, stderr: 0 } } });
      } else {
        const req: RunRequest = {
          type: 'run', runId, module: compiled.module, args: limits.args, env: limits.env, hostTmpDir, maxOutputBytes: limits.maxOutputBytes,
          nullReadFd: nullRead.fd, nullWriteFd: nullWrite.fd,
        };
        threadRun = ++thread.runs;
        thread.worker.postMessage(req);
      }
    }
    ending = await ended;
    endedAt = performance.now();
    if (ending.kind !== 'finished') {
      reusable = false;
      stoppedCpuNs = taskCpuNs(thread.tid);
    }
  } finally {
    cleanupStart = performance.now();
    if (!reusable || ending === undefined) {
      reusable = false;
      await thread.terminate();
      // On a normal end the worker closed its WASI fds itself.
      closeLeakedFds(hostTmpDir);
    }
    await Promise.allSettled(handles.map((h) => h.close()));
    await rm(hostTmpDir, { recursive: true, force: true });
  }
  const cleanupMs = performance.now() - cleanupStart;
  if (ending.kind === 'callback') throw ending.error;

  const { out } = progress;
  const timings = (instantiateMs: number | null, runMs: number | null): WasiTimings => ({
    workerStartMs: readyAt - t0,
    startupMs: compileMs === null ? null : instantiateMs === null ? null : compileMs + instantiateMs,
    runMs,
    cleanupMs,
    totalMs: performance.now() - t0,
  });
  const common = {
    stdout: out.stdout.bytes(),
    stderr: out.stderr.bytes(),
    stdoutTruncated: out.stdout.truncated,
    stderrTruncated: out.stderr.truncated,
    hostTmpDir,
    threadRun,
  };
  if (ending.kind === 'finished') {
    const m = ending.msg;
    return {
      reusable,
      result: {
        ...common,
        outcome: m.failure ? 'FAILED' : 'SUCCEEDED',
        exitCode: m.exitCode,
        failure: m.failure,
        bytesWritten: m.bytesWritten,
        timings: timings(m.instantiateMs, m.runMs),
        cpuMs: m.cpuNs === null ? null : m.cpuNs / 1e6,
        peakMemoryBytes: m.peakMemoryBytes,
      },
    };
  }
  return {
    reusable,
    result: {
      ...common,
      ...stoppedResult(ending, limits.timeoutMs),
      exitCode: null,
      bytesWritten: null,
      timings: timings(progress.instantiateMs, progress.instantiatedAt === null ? null : endedAt - progress.instantiatedAt),
      cpuMs: stoppedCpuNs !== null && progress.cpuNs0 !== null ? (stoppedCpuNs - progress.cpuNs0) / 1e6 : null,
      peakMemoryBytes: null,
    },
  };
}

/**
 * Runs `module` (a WASI preview1 binary exporting `_start` and `memory`) in a thread of its
 * own, started for this run and stopped after it, under the limits of `options`; resolves
 * when it ended and its temporary directory is gone. Never rejects because of the guest; it
 * rejects on invalid options, or with the error `onLog` threw. For many runs, `WasiSandboxPool`
 * saves the thread start and the compilation.
 */
export async function runWasi(module: Uint8Array, options: WasiRunOptions = {}): Promise<WasiRunResult> {
  const limits = checkOptions(options);
  const t0 = performance.now();
  const thread = new SandboxThread(options.resourceLimits);
  let readyAt = performance.now();
  try {
    // The deadline covers the thread's start too, as it always did.
    const timedOut = await Promise.race([
      thread.ready.then(() => false, () => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), limits.timeoutMs).unref()),
    ]);
    readyAt = performance.now();
    if (timedOut) throw Object.assign(new Error('start timeout'), { startTimeout: true });
    const { result } = await runOnThread(thread, () => compileGuest(module, maxMemoryPages(limits)), limits, options, t0, readyAt);
    return result;
  } catch (error) {
    if (!(error as { startTimeout?: boolean }).startTimeout) throw error;
    await thread.terminate();
    return {
      outcome: 'TIMED_OUT', exitCode: null, failure: { code: 'TIMED_OUT', message: `no exit within ${limits.timeoutMs} ms; worker terminated` },
      stdout: new Uint8Array(), stderr: new Uint8Array(), stdoutTruncated: false, stderrTruncated: false, bytesWritten: null,
      timings: { workerStartMs: null, startupMs: null, runMs: null, cleanupMs: 0, totalMs: performance.now() - t0 }, cpuMs: null, peakMemoryBytes: null, hostTmpDir: '', threadRun: 0,
    };
  } finally {
    if (!thread.dead) await thread.terminate();
  }
}
