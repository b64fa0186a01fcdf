/**
 * Raw `ws` clients speaking graphql-transport-ws (connection_init → connection_ack →
 * subscribe → next...). Raw rather than graphql-ws's createClient because 1,000 clients
 * share two cores with the server: each message handler stamps the receipt time first and
 * keeps the raw frame, and all JSON parsing waits until collection has ended, so one
 * client's work never delays the next client's timestamp.
 */
import WebSocket from 'ws';
import { median, summarize, type Summary } from './stats.js';

export interface Subscriber {
  socket: WebSocket;
  /** Receipt times (Date.now()) and raw frames of messages after the subscribe was sent. */
  received: { at: number; data: WebSocket.RawData }[];
  errors: number;
}

/** Opens one socket, completes the handshake and subscribes; resolves once subscribed. */
export function subscribe(wsUrl: string, query: string, connectionParams: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
    const sub: Subscriber = { socket, received: [], errors: 0 };
    let acked = false;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no connection_ack within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data) => {
      const at = Date.now(); // first thing: the receipt time is the figure
      if (acked) {
        sub.received.push({ at, data });
        return;
      }
      const msg = JSON.parse(data.toString()) as { type: string };
      if (msg.type === 'connection_ack') {
        acked = true;
        clearTimeout(timer);
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        resolve(sub);
      }
    });
    socket.on('error', (error) => {
      sub.errors++;
      if (!acked) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', (code, reason) => {
      if (!acked) {
        clearTimeout(timer);
        reject(new Error(`closed (${code} ${reason.toString()}) before connection_ack`));
      }
    });
  });
}

/** Opens `count` subscribers, `batch` handshakes at a time (a 1,000-SYN burst would overflow the accept backlog). */
export async function subscribeMany(
  wsUrl: string,
  query: string,
  count: number,
  connectionParams: Record<string, unknown> = {},
  batch = 100,
): Promise<{ subs: Subscriber[]; failed: number; firstError?: string }> {
  const subs: Subscriber[] = [];
  let failed = 0;
  let firstError: string | undefined;
  for (let i = 0; i < count; i += batch) {
    const settled = await Promise.allSettled(Array.from({ length: Math.min(batch, count - i) }, () => subscribe(wsUrl, query, connectionParams)));
    for (const s of settled) {
      if (s.status === 'fulfilled') subs.push(s.value);
      else {
        failed++;
        firstError ??= String((s.reason as Error)?.message ?? s.reason);
      }
    }
  }
  return { subs, failed, firstError };
}

export async function closeAll(subs: Subscriber[]): Promise<void> {
  await Promise.all(
    subs.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.socket.readyState === WebSocket.CLOSED) return resolve();
          const force = setTimeout(() => {
            s.socket.terminate();
            resolve();
          }, 2000);
          s.socket.once('close', () => {
            clearTimeout(force);
            resolve();
          });
          s.socket.close(1000);
        }),
    ),
  );
}

interface NextMessage<T> {
  type: string;
  payload?: { data?: T | null; errors?: unknown[] };
}

/** Parses every recorded frame; returns the `next` payloads with their receipt times, and a count of other/error frames. */
export function parseReceived<T>(sub: Subscriber): { items: { at: number; data: T }[]; errors: number } {
  const items: { at: number; data: T }[] = [];
  let errors = 0;
  for (const { at, data } of sub.received) {
    const msg = JSON.parse(data.toString()) as NextMessage<T>;
    if (msg.type === 'next' && msg.payload?.data && !msg.payload.errors) items.push({ at, data: msg.payload.data });
    else if (msg.type !== 'ping' && msg.type !== 'pong') errors++;
  }
  return { items, errors };
}

export interface FanoutResult {
  subscribers: number;
  failedToSubscribe: number;
  firstError?: string;
  /** Seconds of sample timestamps counted. */
  windowS: number;
  /** Distinct samples (timestamps) published inside the window. */
  samples: number;
  expected: number;
  delivered: number;
  lag: Summary;
  /** Per sample, the lag of its first and of its last delivery (medians over samples). */
  firstDeliveryMs: number;
  lastDeliveryMs: number;
  errors: number;
  connectS: number;
}

/**
 * `count` subscribers to systemMetrics: after they are all subscribed and `settleS` has
 * passed, every sample stamped within the next `collectS` seconds is expected at every
 * subscriber; deliveries are counted for `graceS` more seconds. Lag = receipt − timestamp.
 */
export async function measureFanout(
  wsUrl: string,
  opts: { count: number; collectS: number; settleS: number; graceS: number; intervalMs: number; connectionParams?: Record<string, unknown> },
): Promise<FanoutResult> {
  const query = `subscription { systemMetrics(intervalMs: ${opts.intervalMs}) { timestamp } }`;
  const connectStarted = performance.now();
  const { subs, failed, firstError } = await subscribeMany(wsUrl, query, opts.count, opts.connectionParams);
  const connectS = (performance.now() - connectStarted) / 1000;
  await sleep(opts.settleS * 1000);
  for (const s of subs) s.received.length = 0;
  const from = Date.now();
  await sleep(opts.collectS * 1000);
  const to = Date.now();
  await sleep(opts.graceS * 1000);
  const lags: number[] = [];
  const stamps = new Map<number, { first: number; last: number }>();
  let errors = 0;
  for (const s of subs) {
    errors += s.errors;
    const { items, errors: bad } = parseReceived<{ systemMetrics: { timestamp: string } }>(s);
    errors += bad;
    for (const { at, data } of items) {
      const ts = Date.parse(data.systemMetrics.timestamp);
      if (ts < from || ts > to) continue;
      const lag = at - ts;
      const seen = stamps.get(ts);
      if (!seen) stamps.set(ts, { first: lag, last: lag });
      else {
        seen.first = Math.min(seen.first, lag);
        seen.last = Math.max(seen.last, lag);
      }
      lags.push(lag);
    }
  }
  await closeAll(subs);
  return {
    subscribers: subs.length,
    failedToSubscribe: failed,
    firstError,
    windowS: (to - from) / 1000,
    samples: stamps.size,
    expected: stamps.size * subs.length,
    delivered: lags.length,
    lag: summarize(lags),
    firstDeliveryMs: median([...stamps.values()].map((s) => s.first)),
    lastDeliveryMs: median([...stamps.values()].map((s) => s.last)),
    errors,
    connectS,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
