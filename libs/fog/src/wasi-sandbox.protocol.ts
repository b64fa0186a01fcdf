/**
 * Messages between the parent (`runWasi`, `WasiSandboxPool`) and `wasi-sandbox.worker`, a
 * thread that runs one guest at a time, each in a fresh WebAssembly instance with a fresh
 * WASI, for as many runs as the parent gives it. Both sides import these types only, so the
 * worker loads nothing of the parent's module.
 */
import type { WasmModule } from './wasm-api.js';

/** Guest fd 1 or 2. */
export type StdStream = 'stdout' | 'stderr';

/** One run, parent → worker. The module is compiled (and checked) by the parent; a compiled module is shared, not copied. */
export interface RunRequest {
  readonly type: 'run';
  readonly runId: number;
  readonly module: WasmModule;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Host directory pre-opened as the guest's `/tmp` (new for every run). */
  readonly hostTmpDir: string;
  readonly maxOutputBytes: number;
  /** Host fds (opened by the parent on the null device for this run) behind guest fds 0, 1 and 2. */
  readonly nullReadFd: number;
  readonly nullWriteFd: number;
}

export type ParentToWorker = RunRequest;

/** Why a run failed, as the worker (or the parent's compile step) classifies it. */
export type SandboxFailureCode =
  /** Not a valid wasm module (the engine's compile error message). */
  | 'COMPILE_ERROR'
  /** Imports beyond wasi_snapshot_preview1 functions, a missing `_start`/`memory`, or instantiation failed. */
  | 'LINK_ERROR'
  /** Declared initial linear memory over the cap (or a 64-bit memory). */
  | 'MEMORY_LIMIT'
  /** The guest trapped (unreachable, out-of-bounds access, stack overflow…). */
  | 'TRAP'
  /** `_start` finished or proc_exit was called with a non-zero code. */
  | 'NONZERO_EXIT'
  /** The worker's JS heap hit `resourceLimits`. */
  | 'WORKER_OUT_OF_MEMORY'
  /** Anything else the worker or the host reported. */
  | 'WORKER_ERROR';

export interface SandboxFailure {
  readonly code: SandboxFailureCode;
  readonly message: string;
}

export type WorkerToParent =
  /** Sent once when the thread is up: its OS thread id (for reading its CPU time when it is stopped). */
  | { readonly type: 'ready'; readonly tid: number | null }
  /** A run began: CPU ns of the thread so far. */
  | { readonly type: 'started'; readonly runId: number; readonly cpuNs: number | null }
  /** Instantiated; `_start` runs next. */
  | { readonly type: 'instantiated'; readonly runId: number; readonly instantiateMs: number }
  /** Captured guest output (never more than maxOutputBytes per stream in all). */
  | { readonly type: 'log'; readonly runId: number; readonly stream: StdStream; readonly chunk: Uint8Array }
  /** The stream wrote more than maxOutputBytes; the rest is dropped. */
  | { readonly type: 'truncated'; readonly runId: number; readonly stream: StdStream }
  | {
      readonly type: 'finished';
      readonly runId: number;
      /** null when the run did not get to an exit (link failure, trap). */
      readonly exitCode: number | null;
      readonly failure: SandboxFailure | null;
      readonly instantiateMs: number;
      readonly runMs: number | null;
      /** CPU time of the thread during this run. */
      readonly cpuNs: number | null;
      readonly peakMemoryBytes: number | null;
      readonly bytesWritten: { readonly stdout: number; readonly stderr: number };
    };
