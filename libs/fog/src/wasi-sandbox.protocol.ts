/**
 * Messages between `runWasi` (parent) and `wasi-sandbox.worker` (one worker per run).
 * Both sides import these types only, so the worker loads nothing of the parent's module.
 */

/** Guest fd 1 or 2. */
export type StdStream = 'stdout' | 'stderr';

/** What the parent hands the worker in `workerData`. */
export interface SandboxWorkerData {
  readonly module: Uint8Array;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Host directory pre-opened as the guest's `/tmp`. */
  readonly hostTmpDir: string;
  readonly maxMemoryPages: number;
  readonly maxOutputBytes: number;
  /** Host fds (opened by the parent on the null device) behind guest fds 0, 1 and 2. */
  readonly nullReadFd: number;
  readonly nullWriteFd: number;
}

/** Why a run failed, as the worker classifies it. */
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

export type WorkerToParent =
  /** Sent before compiling: the worker's OS thread id (for reading its CPU time) and CPU ns so far. */
  | { readonly type: 'started'; readonly tid: number | null; readonly cpuNs: number | null }
  /** Compiled and instantiated; `_start` runs next. */
  | { readonly type: 'instantiated'; readonly startupMs: number }
  /** Captured guest output (never more than maxOutputBytes per stream in all). */
  | { readonly type: 'log'; readonly stream: StdStream; readonly chunk: Uint8Array }
  /** The stream wrote more than maxOutputBytes; the rest is dropped. */
  | { readonly type: 'truncated'; readonly stream: StdStream }
  | {
      readonly type: 'finished';
      /** null when the run did not get to an exit (compile, link or memory-limit failure, trap). */
      readonly exitCode: number | null;
      readonly failure: { readonly code: SandboxFailureCode; readonly message: string } | null;
      readonly startupMs: number | null;
      readonly runMs: number | null;
      readonly cpuNs: number | null;
      readonly peakMemoryBytes: number | null;
      readonly bytesWritten: { readonly stdout: number; readonly stderr: number };
    };
