/**
 * The worker side of the WASI sandbox: a thread that runs guests one at a time, for as many
 * runs as its parent gives it (`WasiSandboxPool` reuses it; `runWasi` uses it once). Each run
 * gets a fresh WebAssembly instance (so a new linear memory, globals and tables) of a module
 * the parent compiled and checked, a fresh `node:wasi` instance with its own fd table, and a
 * fresh host directory pre-opened as `/tmp`; nothing of a run is kept for the next one but
 * this thread's JS glue. It runs in its own thread (and V8 isolate) so the parent can always
 * stop it with `worker.terminate()`, even inside an endless wasm loop; a stopped thread is
 * never reused.
 *
 * The guest gets exactly the `wasi_snapshot_preview1` functions of `node:wasi`, except that
 * writes to fds 1 and 2 are captured here (capped, and posted to the parent as they happen)
 * instead of reaching a host fd. Guest fds 0, 1 and 2 sit on the null device, so nothing the
 * guest does can touch the host's own stdio, and closing them only detaches them (the host
 * fds are the parent's to close).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WASI } from 'node:wasi';
import { parentPort } from 'node:worker_threads';
import { wasm, type WasmInstance, type WasmMemory } from './wasm-api.js';
import type { ParentToWorker, RunRequest, SandboxFailure, SandboxFailureCode, StdStream, WorkerToParent } from './wasi-sandbox.protocol.js';

const WASI_MODULE = 'wasi_snapshot_preview1';
/** The guest fd of the one preopened directory (/tmp): the first after stdio. */
const PREOPEN_FD = 3;
/** preview1 errno values returned by the stdio shims. */
const ERRNO = { SUCCESS: 0, BADF: 8, FAULT: 21, NOSYS: 52, NOTSUP: 58 } as const;

const port = parentPort!;
const post = (m: WorkerToParent, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** CPU time of this OS thread in ns (Linux schedstat), or null where unavailable. */
function threadCpuNs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

function threadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

/** Capped capture of guest fds 1 and 2, posted to the parent per write. */
class StdioCapture {
  readonly written = { stdout: 0, stderr: 0 };
  private readonly captured = { stdout: 0, stderr: 0 };
  private readonly closed = { stdout: false, stderr: false };
  private readonly truncatedSent = { stdout: false, stderr: false };

  constructor(
    private readonly runId: number,
    private readonly cap: number,
  ) {}

  static streamOf(fd: number): StdStream | null {
    return fd === 1 ? 'stdout' : fd === 2 ? 'stderr' : null;
  }

  close(stream: StdStream): void {
    this.closed[stream] = true;
  }

  /** fd_write on a guest stdio fd: gathers the iovecs and reports the bytes as written. */
  write(stream: StdStream, memory: WasmMemory, iovs: number, iovsLen: number, nwrittenPtr: number): number {
    if (this.closed[stream]) return ERRNO.BADF;
    const buf = memory.buffer;
    const view = new DataView(buf);
    const parts: Array<[number, number]> = [];
    let total = 0;
    try {
      for (let i = 0; i < iovsLen; i++) {
        const ptr = view.getUint32(iovs + 8 * i, true);
        const len = view.getUint32(iovs + 8 * i + 4, true);
        if (ptr + len > buf.byteLength) return ERRNO.FAULT;
        parts.push([ptr, len]);
        total += len;
      }
      view.setUint32(nwrittenPtr, total, true);
    } catch {
      return ERRNO.FAULT; // DataView RangeError: a pointer outside linear memory
    }
    this.written[stream] += total;
    const room = this.cap - this.captured[stream];
    const take = Math.min(room, total);
    if (take > 0) {
      const chunk = new Uint8Array(take);
      let at = 0;
      for (const [ptr, len] of parts) {
        const n = Math.min(len, take - at);
        chunk.set(new Uint8Array(buf, ptr, n), at);
        at += n;
        if (at === take) break;
      }
      this.captured[stream] += take;
      post({ type: 'log', runId: this.runId, stream, chunk }, [chunk.buffer]);
    }
    if (take < total && !this.truncatedSent[stream]) {
      this.truncatedSent[stream] = true;
      post({ type: 'truncated', runId: this.runId, stream });
    }
    return ERRNO.SUCCESS;
  }
}

type Failure = SandboxFailure;
const fail = (code: SandboxFailureCode, e: unknown): Failure => ({ code, message: e instanceof Error ? e.message : String(e) });

type WasiFn = (...a: Array<number | bigint>) => number;

/**
 * Node's WASI functions with our stdio capture, fd bookkeeping and socket refusal on top.
 * `guestFds` collects the fds the guest opened and has not closed, to close them at the end.
 */
function guestImports(base: Record<string, WasiFn>, capture: StdioCapture, memory: () => WasmMemory, guestFds: Set<number>): Record<string, WasiFn> {
  const shims: Record<string, WasiFn> = {
    fd_write: (fd, iovs, iovsLen, nwritten) => {
      const stream = StdioCapture.streamOf(Number(fd));
      if (stream === null) return base.fd_write(fd, iovs, iovsLen, nwritten);
      return capture.write(stream, memory(), Number(iovs) >>> 0, Number(iovsLen) >>> 0, Number(nwritten) >>> 0);
    },
    // Closing stdio only detaches it: the host fd stays (the parent owns and closes it), so
    // no guest file can take fd 0, 1 or 2, and no other run's file can reuse the host number.
    fd_close: (fd) => {
      const stream = StdioCapture.streamOf(Number(fd));
      if (stream !== null) {
        capture.close(stream);
        return ERRNO.SUCCESS;
      }
      if (Number(fd) === 0) return ERRNO.SUCCESS;
      const errno = base.fd_close(fd);
      if (errno === ERRNO.SUCCESS) guestFds.delete(Number(fd));
      return errno;
    },
    // Renumbering onto or off stdio would bypass the capture (or free a host fd): refused.
    fd_renumber: (from, to) => {
      if (Number(from) <= 2 || Number(to) <= 2) return ERRNO.NOTSUP;
      const errno = base.fd_renumber(from, to);
      if (errno === ERRNO.SUCCESS) {
        guestFds.delete(Number(from));
        guestFds.add(Number(to));
      }
      return errno;
    },
    path_open: (...a) => {
      const errno = base.path_open(...a);
      if (errno === ERRNO.SUCCESS) guestFds.add(new DataView(memory().buffer).getUint32(Number(a[8]) >>> 0, true));
      return errno;
    },
    // No network: preview1 sockets exist only as preopened fds, and none are given. Said plainly.
    sock_accept: () => ERRNO.NOSYS,
    sock_recv: () => ERRNO.NOSYS,
    sock_send: () => ERRNO.NOSYS,
    sock_shutdown: () => ERRNO.NOSYS,
  };
  return { ...base, ...shims };
}

/** A guest error from `_start`: a trap (deep recursion is the engine's stack-overflow RangeError), else a worker error. */
function runFailure(e: unknown): Failure {
  const trapped = e instanceof wasm.RuntimeError || (e instanceof RangeError && /call stack/i.test(e.message));
  return fail(trapped ? 'TRAP' : 'WORKER_ERROR', e);
}

/** Runs one guest in a fresh instance and reports; never throws. */
async function run(req: RunRequest): Promise<void> {
  const { runId } = req;
  const cpu0 = threadCpuNs();
  post({ type: 'started', runId, cpuNs: cpu0 });
  const capture = new StdioCapture(runId, req.maxOutputBytes);
  const t0 = performance.now();
  const report = {
    exitCode: null as number | null,
    failure: null as Failure | null,
    instantiateMs: 0,
    runMs: null as number | null,
    memory: undefined as WasmMemory | undefined,
  };
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: [...req.args],
      env: { ...req.env },
      preopens: { '/tmp': req.hostTmpDir },
      stdin: req.nullReadFd,
      stdout: req.nullWriteFd,
      stderr: req.nullWriteFd,
      returnOnExit: true,
    });
    const base = (wasi.getImportObject() as Record<string, Record<string, WasiFn>>)[WASI_MODULE];
    const guestFds = new Set<number>();
    const imports = guestImports(base, capture, () => report.memory!, guestFds);
    let instance: WasmInstance | undefined;
    try {
      instance = await wasm.instantiate(req.module, { [WASI_MODULE]: imports });
      report.memory = instance.exports.memory as WasmMemory;
    } catch (e) {
      report.failure = fail('LINK_ERROR', e);
    }
    report.instantiateMs = performance.now() - t0;
    if (instance) {
      post({ type: 'instantiated', runId, instantiateMs: report.instantiateMs });
      const t1 = performance.now();
      try {
        report.exitCode = wasi.start(instance);
        if (report.exitCode !== 0) report.failure = { code: 'NONZERO_EXIT', message: `exited with code ${report.exitCode}` };
      } catch (e) {
        report.failure = runFailure(e);
      }
      report.runMs = performance.now() - t1;
    }
    // Node's WASI does not close its host fds when it is dropped: close the preopen and
    // whatever the guest left open. (A terminated worker cannot; the parent cleans up then.)
    for (const fd of [PREOPEN_FD, ...guestFds]) base.fd_close(fd);
  } catch (e) {
    report.failure = fail('WORKER_ERROR', e);
  }
  const cpu1 = threadCpuNs();
  post({
    type: 'finished',
    runId,
    exitCode: report.exitCode,
    failure: report.failure,
    instantiateMs: report.instantiateMs,
    runMs: report.runMs,
    cpuNs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    peakMemoryBytes: report.memory ? report.memory.buffer.byteLength : null,
    bytesWritten: { ...capture.written },
  });
}

// Runs are strictly one after another: the parent sends the next only after `finished`, and
// this chain keeps the order even if it did not.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: ParentToWorker) => {
  if (m.type === 'run') queue = queue.then(() => run(m));
});
post({ type: 'ready', tid: threadId() });
