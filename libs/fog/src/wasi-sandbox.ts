/**
 * Runs one WASI preview1 module in a sandbox: a fresh `worker_threads` Worker (own V8 isolate,
 * heap capped by `resourceLimits`) running `node:wasi`, with
 *   - the module's linear memory capped (`capModuleMemory`: too-large initial memory refused,
 *     the maximum lowered so growth past the cap fails inside the guest);
 *   - only `wasi_snapshot_preview1` functions to import (no host functions, and WASI preview1
 *     has no way to open a socket), a fresh temporary directory pre-opened as `/tmp` and
 *     removed afterwards, guest stdin/stdout/stderr on the null device;
 *   - stdout/stderr captured into capped buffers and streamed to `onLog` while it runs;
 *   - a wall-clock timeout (and an optional AbortSignal) enforced by `worker.terminate()` from
 *     this thread, which stops even an endless wasm loop without blocking the parent.
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
import { MAX_WASM32_PAGES, WASM_PAGE_BYTES } from './wasm-limits.js';
import type { SandboxFailureCode, SandboxWorkerData, StdStream, WorkerToParent } from './wasi-sandbox.protocol.js';

export type { SandboxFailureCode, StdStream } from './wasi-sandbox.protocol.js';

/** How a sandboxed run ended. SUCCEEDED means exit code 0. */
export type WasiOutcome = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

export interface WasiRunOptions {
  /** The guest's argv; by convention argv[0] is the program name. Default `['job']`. */
  readonly args?: readonly string[];
  /** The guest's whole environment (the host's is never passed). Default `{}`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Wall-clock limit from worker start to exit (compile, instantiate and run), ms. */
  readonly timeoutMs?: number;
  /** Cap on the module's linear memory, bytes; rounded down to whole 64 KiB pages. */
  readonly maxMemoryBytes?: number;
  /** Bytes of stdout and of stderr each kept (and streamed); the rest is counted and dropped. */
  readonly maxOutputBytes?: number;
  /** V8 limits of the worker's JS heap (not the wasm memory, which `maxMemoryBytes` caps). */
  readonly resourceLimits?: ResourceLimits;
  /** Called on this thread with each captured chunk while the guest runs. If it throws, the run is stopped and `runWasi` rejects with that error. */
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
  /** Worker spawn until it reported in (thread + isolate start). */
  readonly workerStartMs: number | null;
  /** Compile + instantiate (including the memory-cap rewrite); null if stopped before it ended. */
  readonly startupMs: number | null;
  /** `_start` until exit, trap or stop; null if `_start` never ran. */
  readonly runMs: number | null;
  /** Worker termination + temporary directory removal. */
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
  started: Extract<WorkerToParent, { type: 'started' }> | null;
  startedAt: number | null;
  instantiatedAt: number | null;
  instantiatedStartupMs: number | null;
}

interface Limits {
  readonly timeoutMs: number;
  readonly maxMemoryBytes: number;
  readonly maxOutputBytes: number;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function checkOptions(options: WasiRunOptions): Limits {
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

/** Waits for the first of: the worker's report, an error or exit, the timeout, the abort signal, or onLog throwing. */
function supervise(worker: Worker, limits: Limits, options: WasiRunOptions, progress: Progress): Promise<Ending> {
  return new Promise<Ending>((settle) => {
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => resolve({ kind: 'aborted' });
    const resolve = (e: Ending) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      settle(e);
    };
    worker.on('message', (m: WorkerToParent) => {
      if (ended) return; // the guest is being stopped: what it still sends is dropped
      switch (m.type) {
        case 'started':
          progress.started = m;
          progress.startedAt = performance.now();
          break;
        case 'instantiated':
          progress.instantiatedAt = performance.now();
          progress.instantiatedStartupMs = m.startupMs;
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
    });
    worker.on('error', (error) => resolve({ kind: 'error', error }));
    worker.on('exit', (code) => resolve({ kind: 'exit', code }));
    timer = setTimeout(() => resolve({ kind: 'timeout' }), limits.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
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

/**
 * Runs `module` (a WASI preview1 binary exporting `_start` and `memory`) under the limits of
 * `options` and resolves when it ended and its temporary directory is gone. Never rejects
 * because of the guest; it rejects on invalid options, or with the error `onLog` threw.
 */
export async function runWasi(module: Uint8Array, options: WasiRunOptions = {}): Promise<WasiRunResult> {
  const limits = checkOptions(options);
  const t0 = performance.now();
  const hostTmpDir = await realpath(await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'fog-wasi-')));
  const progress: Progress = {
    out: { stdout: new OutputBuffer(), stderr: new OutputBuffer() },
    started: null,
    startedAt: null,
    instantiatedAt: null,
    instantiatedStartupMs: null,
  };
  let ending: Ending | undefined;
  let endedAt = 0;
  let stoppedCpuNs: number | null = null;
  let cleanupStart = 0;
  const handles: FileHandle[] = [];
  let worker: Worker | undefined;
  try {
    const nullRead = await open(devNull, 'r');
    handles.push(nullRead);
    const nullWrite = await open(devNull, 'w');
    handles.push(nullWrite);
    const workerData: SandboxWorkerData = {
      module,
      args: limits.args,
      env: limits.env,
      hostTmpDir,
      maxMemoryPages: Math.floor(limits.maxMemoryBytes / WASM_PAGE_BYTES),
      maxOutputBytes: limits.maxOutputBytes,
      nullReadFd: nullRead.fd,
      nullWriteFd: nullWrite.fd,
    };
    worker = new Worker(new URL('./wasi-sandbox.worker.js', import.meta.url), {
      workerData,
      resourceLimits: { ...DEFAULT_WASI_LIMITS.resourceLimits, ...options.resourceLimits },
      // The worker's own stdio is kept off the host's (e.g. Node's WASI ExperimentalWarning).
      stdout: true,
      stderr: true,
      env: {},
    });
    worker.stdout.resume();
    worker.stderr.resume();
    ending = await supervise(worker, limits, options, progress);
    endedAt = performance.now();
    if (ending.kind !== 'finished') stoppedCpuNs = taskCpuNs(progress.started?.tid ?? null);
  } finally {
    cleanupStart = performance.now();
    await worker?.terminate();
    // On a normal end the worker closed its WASI fds itself.
    if (ending?.kind !== 'finished') closeLeakedFds(hostTmpDir);
    await Promise.allSettled(handles.map((h) => h.close()));
    await rm(hostTmpDir, { recursive: true, force: true });
  }
  const cleanupMs = performance.now() - cleanupStart;
  if (ending.kind === 'callback') throw ending.error;

  const { out, startedAt } = progress;
  const timings = (startupMs: number | null, runMs: number | null): WasiTimings => ({
    workerStartMs: startedAt === null ? null : startedAt - t0,
    startupMs,
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
  };
  if (ending.kind === 'finished') {
    const m = ending.msg;
    return {
      ...common,
      outcome: m.failure ? 'FAILED' : 'SUCCEEDED',
      exitCode: m.exitCode,
      failure: m.failure,
      bytesWritten: m.bytesWritten,
      timings: timings(m.startupMs, m.runMs),
      cpuMs: m.cpuNs === null ? null : m.cpuNs / 1e6,
      peakMemoryBytes: m.peakMemoryBytes,
    };
  }
  const cpuNs0 = progress.started?.cpuNs ?? null;
  return {
    ...common,
    ...stoppedResult(ending, limits.timeoutMs),
    exitCode: null,
    bytesWritten: null,
    timings: timings(progress.instantiatedStartupMs, progress.instantiatedAt === null ? null : endedAt - progress.instantiatedAt),
    cpuMs: stoppedCpuNs !== null && cpuNs0 !== null ? (stoppedCpuNs - cpuNs0) / 1e6 : null,
    peakMemoryBytes: null,
  };
}
