/**
 * A pool of pre-started WASI sandbox threads, for a fog agent that runs many small jobs:
 * starting a worker thread (isolate, Node bootstrap, `node:wasi`) costs ~50–150 ms of CPU,
 * far more than a small guest, so threads are kept and each run gets, inside one of them,
 *   - a fresh WebAssembly instance of the module: a new linear memory (the module defines
 *     it; importing one is refused), new globals and tables;
 *   - a fresh `node:wasi` instance (its own fd table) and a fresh host directory as `/tmp`,
 *     removed afterwards; the guest's stdio on null-device fds opened for this run;
 *   - the same limits as `runWasi`: memory cap written into the module, capped output, a
 *     wall-clock timeout and cancellation by `worker.terminate()`.
 * A thread whose guest was stopped (timeout, cancel) or that died is never reused: it is
 * terminated and a new one is started in its place, so the pool keeps `size` threads. A
 * thread is also replaced after `maxRunsPerThread` runs, which bounds anything its isolate
 * might accumulate. Modules are compiled once per (sha256, memory cap) in this thread and the
 * compiled module is posted to the sandbox thread, which shares its machine code.
 */
import { performance } from 'node:perf_hooks';
import type { ResourceLimits } from 'node:worker_threads';
import { CompiledModuleCache, sha256Hex } from './wasm-compile.js';
import { checkOptions, maxMemoryPages, runOnThread, SandboxThread, type WasiRunOptions, type WasiRunResult } from './wasi-sandbox.js';

export interface WasiPoolOptions {
  /** Threads kept started: one per run that may go on at once (a fog agent: its slots). */
  readonly size: number;
  /** V8 limits of each thread's JS heap (not the guests' memory, which each run's `maxMemoryBytes` caps). */
  readonly resourceLimits?: ResourceLimits;
  /** Compiled modules kept, least recently used dropped first. Default 32. */
  readonly moduleCacheEntries?: number;
  /** Runs after which a thread is replaced by a fresh one. Default 1,000. */
  readonly maxRunsPerThread?: number;
}

export interface PoolRunOptions extends WasiRunOptions {
  /**
   * The module's sha256 (lowercase hex), when the caller already knows it (saves hashing).
   * It keys the compiled-module cache, so it must be the hash of these bytes.
   */
  readonly sha256?: string;
}

export interface WasiPoolStats {
  readonly size: number;
  /** Threads started and not yet gone (idle, busy or starting). */
  readonly threads: number;
  readonly idle: number;
  /** Threads started in all, the first `size` included. */
  readonly threadsStarted: number;
  readonly runs: number;
  readonly compiledModules: number;
  readonly compileHits: number;
  readonly compileMisses: number;
}

interface Waiter {
  give(thread: SandboxThread): void;
  cancelled: boolean;
}

/** A thread that fails to start is retried after this long (so a broken host does not spin). */
const RESTART_DELAY_MS = 1000;

export class WasiSandboxPool {
  private readonly idle: SandboxThread[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly threads = new Set<SandboxThread>();
  private readonly cache: CompiledModuleCache;
  private readonly maxRunsPerThread: number;
  private threadsStarted = 0;
  private runs = 0;
  private closed = false;

  constructor(private readonly options: WasiPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size must be an integer ≥ 1, got ${options.size}`);
    this.maxRunsPerThread = options.maxRunsPerThread ?? 1000;
    if (!Number.isInteger(this.maxRunsPerThread) || this.maxRunsPerThread < 1) throw new RangeError(`maxRunsPerThread must be an integer ≥ 1`);
    this.cache = new CompiledModuleCache(options.moduleCacheEntries ?? 32);
    for (let i = 0; i < options.size; i++) this.spawn();
  }

  /** Resolves once every thread of the pool has started (runs may be given before). */
  async ready(): Promise<void> {
    await Promise.all([...this.threads].map((t) => t.ready.catch(() => undefined)));
  }

  /** Whether a module with this sha256 is compiled here (the agent skips downloading it). */
  hasModule(sha256: string): boolean {
    return this.cache.has(sha256);
  }

  stats(): WasiPoolStats {
    return {
      size: this.options.size, threads: this.threads.size, idle: this.idle.length, threadsStarted: this.threadsStarted, runs: this.runs,
      compiledModules: this.cache.size, compileHits: this.cache.hits, compileMisses: this.cache.misses,
    };
  }

  /**
   * Runs `module` in a fresh instance inside a pooled thread. Same options, limits and result
   * as `runWasi` (the timeout counts from this call, a wait for a free thread included).
   * Never rejects because of the guest; rejects on invalid options, a closed pool, or with
   * the error `onLog` threw.
   */
  async run(module: Uint8Array, options: PoolRunOptions = {}): Promise<WasiRunResult> {
    const limits = checkOptions(options);
    if (this.closed) throw new Error('the WASI sandbox pool is closed');
    const t0 = performance.now();
    const thread = await this.acquire(t0 + limits.timeoutMs, options.signal);
    if (!thread) return waitedOut(options.signal?.aborted ? 'CANCELLED' : 'TIMED_OUT', limits.timeoutMs, t0);
    const readyAt = performance.now();
    this.runs++;
    const sha256 = options.sha256 ?? sha256Hex(module);
    try {
      const { result } = await runOnThread(thread, () => this.cache.get(sha256, maxMemoryPages(limits), () => module), limits, options, t0, readyAt);
      return result;
    } finally {
      this.release(thread);
    }
  }

  /** Stops every thread; runs still going end as the thread exits under them (WORKER_ERROR). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.cancelled = true;
    this.idle.length = 0;
    await Promise.all([...this.threads].map((t) => t.terminate()));
  }

  private spawn(): void {
    if (this.closed) return;
    const thread = new SandboxThread(this.options.resourceLimits);
    thread.worker.unref(); // an idle pool does not keep the process alive; a run's timer does
    this.threads.add(thread);
    this.threadsStarted++;
    thread.worker.once('exit', () => {
      this.threads.delete(thread);
      const at = this.idle.indexOf(thread);
      if (at >= 0) this.idle.splice(at, 1);
      // Keep `size` threads: a stopped, crashed or retired thread is replaced at once, one
      // that never started after a pause.
      if (this.closed || this.threads.size >= this.options.size) return;
      if (!thread.started) setTimeout(() => this.spawn(), RESTART_DELAY_MS).unref();
      else this.spawn();
    });
    thread.ready.then(
      () => this.release(thread),
      () => undefined, // the exit handler replaces it
    );
  }

  /** A ready thread, or null when the deadline passed or the signal aborted first. */
  private acquire(deadline: number, signal: AbortSignal | undefined): Promise<SandboxThread | null> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        cancelled: false,
        give: (t) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(t);
        },
      };
      const giveUp = () => {
        waiter.cancelled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(null);
      };
      const onAbort = () => {
        clearTimeout(timer);
        giveUp();
      };
      const timer = setTimeout(giveUp, Math.max(0, deadline - performance.now()));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Back to the pool after a run (or once started): to a waiting run, idle, or retired. */
  private release(thread: SandboxThread): void {
    if (thread.dead || this.closed) return;
    if (thread.runs >= this.maxRunsPerThread) {
      void thread.terminate(); // its exit handler starts the replacement
      return;
    }
    for (let w = this.waiters.shift(); w; w = this.waiters.shift()) {
      if (w.cancelled) continue;
      w.give(thread);
      return;
    }
    this.idle.push(thread);
  }
}

/** A run that never got a thread: the deadline or the signal came first. */
function waitedOut(outcome: 'TIMED_OUT' | 'CANCELLED', timeoutMs: number, t0: number): WasiRunResult {
  return {
    outcome, exitCode: null,
    failure: outcome === 'TIMED_OUT' ? { code: 'TIMED_OUT', message: `no sandbox thread free within ${timeoutMs} ms` } : { code: 'CANCELLED', message: 'cancelled before it started' },
    stdout: new Uint8Array(), stderr: new Uint8Array(), stdoutTruncated: false, stderrTruncated: false, bytesWritten: null,
    timings: { workerStartMs: null, startupMs: null, runMs: null, cleanupMs: 0, totalMs: performance.now() - t0 }, cpuMs: null, peakMemoryBytes: null, hostTmpDir: '', threadRun: 0,
  };
}
