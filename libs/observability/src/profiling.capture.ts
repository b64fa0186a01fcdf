/**
 * Captures in the calling process through node:inspector (an in-process inspector session;
 * no --inspect port is opened): a V8 CPU profile over a duration, or a heap snapshot.
 * Both come back as the file's bytes in chunks, ready to hash and compress.
 *
 * A heap snapshot stops the process's event loop while V8 walks the heap (about a second per
 * 100 MB of heap) and briefly needs memory for the snapshot's text; that is the cost of a heap
 * snapshot anywhere, and why the snapshot's size is capped.
 */
import { Session } from 'node:inspector/promises';

export class ProfileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the profile is larger than PROFILING_MAX_BYTES (${maxBytes} bytes)`);
    this.name = 'ProfileTooLargeError';
  }
}

export interface CapturedProfile {
  chunks: Buffer[];
  bytes: number;
}

/** V8's default is 1000 µs; kept explicit so profiles of every process have the same resolution. */
const SAMPLING_INTERVAL_US = 1000;

/** Profiles this process's JavaScript for `durationMs`; aborting stops early and rejects. */
export async function captureCpuProfile(durationMs: number, opts: { maxBytes: number; signal?: AbortSignal }): Promise<CapturedProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    let aborted = false;
    try {
      await sleep(durationMs, opts.signal);
    } catch {
      aborted = true;
    }
    const { profile } = await session.post('Profiler.stop');
    if (aborted) throw new Error('the process is stopping');
    const bytes = Buffer.from(JSON.stringify(profile));
    if (bytes.length > opts.maxBytes) throw new ProfileTooLargeError(opts.maxBytes);
    return { chunks: [bytes], bytes: bytes.length };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

/** A heap snapshot of this process, as V8 streams it; past `maxBytes` the rest is dropped and it rejects. */
export async function captureHeapSnapshot(opts: { maxBytes: number }): Promise<CapturedProfile> {
  const session = new Session();
  session.connect();
  const chunks: Buffer[] = [];
  let bytes = 0;
  let tooLarge = false;
  // Chunks arrive while takeHeapSnapshot runs; each is turned into bytes at once so the
  // snapshot is held once, compactly, rather than as one huge string.
  session.on('HeapProfiler.addHeapSnapshotChunk', (message) => {
    if (tooLarge) return;
    const chunk = Buffer.from(message.params.chunk);
    bytes += chunk.length;
    if (bytes > opts.maxBytes) {
      tooLarge = true;
      chunks.length = 0;
    } else chunks.push(chunk);
  });
  try {
    await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.disconnect();
  }
  if (tooLarge) throw new ProfileTooLargeError(opts.maxBytes);
  return { chunks, bytes };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
