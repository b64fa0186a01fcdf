import { bfsHops, indexGraph, MAX_TTL, peerIndex, type GraphIndex, type P2PGraph } from './graph.js';
import { createPrng } from '@aivillage/models/prng';

export interface PropagationOptions {
  readonly source: string;
  /** Hops a message may travel, 0..16. */
  readonly ttl: number;
  /** Fraction of peers (never the source) that are down: they neither receive nor forward. [0, 1). */
  readonly failureRate: number;
  readonly seed: number;
  /** Forward to at most this many random live neighbours (default: all, i.e. flooding). */
  readonly fanout?: number;
  /** Bytes, default 1024. */
  readonly messageSize?: number;
  /** Drop each transmission with probability 1 − link success rate (default false). */
  readonly linkLoss?: boolean;
}

export interface TimeToCoverage {
  /** ms from the source's send until that share of the base set (excluding the source) is informed; null if never. */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p100: number | null;
}

export interface PropagationResult {
  readonly nodes: number;
  readonly liveNodes: number;
  readonly failedNodes: number;
  /** Live peers connected to the source through live peers within ttl hops (source included). */
  readonly reachableNodes: number;
  /** Peers that received the message (source included). */
  readonly informedNodes: number;
  readonly timeToReachable: TimeToCoverage;
  readonly timeToLive: TimeToCoverage;
  /** Mean first-arrival time over informed peers other than the source, ms. */
  readonly avgPropagationMs: number;
  /** Hops of the first arrival, over informed peers other than the source. */
  readonly hops: { readonly avg: number; readonly max: number };
  readonly transmissions: number;
  /** First receptions (informed peers other than the source). */
  readonly useful: number;
  /** Receptions by already-informed peers. */
  readonly duplicates: number;
  /** Transmissions dropped by link loss (0 unless linkLoss). */
  readonly lost: number;
  /** useful / transmissions (1 when nothing was sent). */
  readonly bandwidthEfficiency: number;
  /** informed / live. */
  readonly reachability: number;
}

/** Throws a RangeError naming the first invalid option, except `source` (checked against the graph). */
export function checkPropagationOptions(options: Omit<PropagationOptions, 'source'>): void {
  const { ttl, failureRate, seed } = options;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    throw new RangeError(`ttl must be an integer in [0, ${MAX_TTL}], got ${ttl}`);
  }
  if (!Number.isFinite(failureRate) || failureRate < 0 || failureRate >= 1) {
    throw new RangeError(`failureRate must be in [0, 1), got ${failureRate}`);
  }
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const fanout = options.fanout ?? Infinity;
  if (fanout !== Infinity && (!Number.isInteger(fanout) || fanout < 1)) {
    throw new RangeError(`fanout must be an integer ≥ 1, got ${fanout}`);
  }
  const size = options.messageSize ?? 1024;
  if (!Number.isFinite(size) || size <= 0) throw new RangeError(`messageSize must be > 0 bytes, got ${size}`);
}


/**
 * Discrete-event gossip: a priority queue of arrivals ordered by (time, send order). A peer
 * forwards once, on first reception, to its live neighbours except the sender (or `fanout` of
 * them at random) while hops < ttl. Failed peers are known dead (keep-alive), so nobody
 * transmits to them. Hop delay = set-up (first use of that link-transport connection, in
 * either direction) + latency + size / throughput, over the link's fastest transport at send
 * time. Same options ⇒ same result.
 */
export function simulatePropagation(graph: P2PGraph | GraphIndex, options: PropagationOptions): PropagationResult {
  const ix = 'offsets' in graph ? graph : indexGraph(graph);
  checkPropagationOptions(options);
  const { ttl, failureRate, seed } = options;
  const fanout = options.fanout ?? Infinity;
  const size = options.messageSize ?? 1024;
  const src = peerIndex(ix, options.source, 'source');
  const n = ix.n;
  const prng = createPrng(seed);

  // Failed peers: exactly round(failureRate · (n − 1)) of the others, by partial Fisher–Yates.
  const failed = new Uint8Array(n);
  const nFailed = Math.round(failureRate * (n - 1));
  const pool = new Int32Array(n - 1);
  for (let i = 0, k = 0; i < n; i++) if (i !== src) pool[k++] = i;
  for (let i = 0; i < nFailed; i++) {
    const j = i + prng.int(pool.length - i);
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
    failed[pool[i]] = 1;
  }
  const live = n - nFailed;
  const reach = bfsHops(ix, src, ttl, failed);
  let reachable = 0;
  for (let i = 0; i < n; i++) if (reach[i] >= 0) reachable++;

  // Event heap (time, seq) over parallel arrays.
  let evCap = 1024;
  let evTime = new Float64Array(evCap);
  let evNode = new Int32Array(evCap);
  let evHops = new Int32Array(evCap);
  let evFrom = new Int32Array(evCap);
  let evSeq = new Int32Array(evCap);
  let heap = new Int32Array(evCap);
  let nEv = 0;
  let heapLen = 0;
  const less = (a: number, b: number) => evTime[a] < evTime[b] || (evTime[a] === evTime[b] && evSeq[a] < evSeq[b]);
  const schedule = (time: number, node: number, hops: number, from: number) => {
    if (nEv >= evCap) {
      evCap *= 2;
      const g = <T extends Float64Array | Int32Array>(a: T, b: T) => (b.set(a), b);
      evTime = g(evTime, new Float64Array(evCap));
      evNode = g(evNode, new Int32Array(evCap));
      evHops = g(evHops, new Int32Array(evCap));
      evFrom = g(evFrom, new Int32Array(evCap));
      evSeq = g(evSeq, new Int32Array(evCap));
      heap = g(heap, new Int32Array(evCap));
    }
    const e = nEv;
    evTime[e] = time;
    evNode[e] = node;
    evHops[e] = hops;
    evFrom[e] = from;
    evSeq[e] = nEv++;
    let i = heapLen++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = e;
  };
  const pop = () => {
    const top = heap[0];
    const last = heap[--heapLen];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= heapLen) break;
      if (c + 1 < heapLen && less(heap[c + 1], heap[c])) c++;
      if (!less(heap[c], last)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
    return top;
  };

  const informed = new Uint8Array(n);
  const arrival = new Float64Array(n);
  const hopOf = new Int32Array(n);
  const opened = new Uint8Array(ix.connections);
  const bestDelay = new Float64Array(n);
  const bestOpt = new Int32Array(n);
  const stamp = new Int32Array(n).fill(-1);
  const targets: number[] = [];
  let transmissions = 0;
  let duplicates = 0;
  let lost = 0;
  let useful = 0;

  const forward = (v: number, t: number, hops: number, from: number) => {
    targets.length = 0;
    for (let o = ix.offsets[v], end = ix.offsets[v + 1]; o < end; o++) {
      const w = ix.dst[o];
      if (w === from || failed[w] === 1) continue;
      const d = (opened[ix.connection[o]] === 1 ? 0 : ix.setupMs[o]) + ix.latencyMs[o] + size / ix.bytesPerMs[o];
      if (stamp[w] !== v) {
        stamp[w] = v;
        targets.push(w);
        bestDelay[w] = d;
        bestOpt[w] = o;
      } else if (d < bestDelay[w]) {
        bestDelay[w] = d;
        bestOpt[w] = o;
      }
    }
    let count = targets.length;
    if (count > fanout) {
      for (let i = 0; i < fanout; i++) {
        const j = i + prng.int(count - i);
        const tmp = targets[i];
        targets[i] = targets[j];
        targets[j] = tmp;
      }
      count = fanout;
    }
    for (let i = 0; i < count; i++) {
      const w = targets[i];
      const o = bestOpt[w];
      opened[ix.connection[o]] = 1;
      transmissions++;
      if (options.linkLoss && prng.next() >= ix.successRate[o]) {
        lost++;
        continue;
      }
      schedule(t + bestDelay[w], w, hops + 1, v);
    }
  };

  informed[src] = 1;
  if (ttl > 0) forward(src, 0, 0, -1);
  while (heapLen > 0) {
    const e = pop();
    const v = evNode[e];
    if (informed[v] === 1) {
      duplicates++;
      continue;
    }
    informed[v] = 1;
    useful++;
    const t = evTime[e];
    arrival[v] = t;
    hopOf[v] = evHops[e];
    if (evHops[e] < ttl) forward(v, t, evHops[e], evFrom[e]);
  }

  const times: number[] = [];
  let hopSum = 0;
  let hopMax = 0;
  for (let i = 0; i < n; i++) {
    if (informed[i] !== 1 || i === src) continue;
    times.push(arrival[i]);
    hopSum += hopOf[i];
    hopMax = Math.max(hopMax, hopOf[i]);
  }
  times.sort((a, b) => a - b);
  const coverage = (base: number): TimeToCoverage => {
    const at = (frac: number) => {
      const k = Math.ceil(frac * base);
      if (k === 0) return 0;
      return k <= times.length ? times[k - 1] : null;
    };
    return { p50: at(0.5), p95: at(0.95), p100: at(1) };
  };
  const informedNodes = times.length + 1;
  return {
    nodes: n,
    liveNodes: live,
    failedNodes: nFailed,
    reachableNodes: reachable,
    informedNodes,
    timeToReachable: coverage(reachable - 1),
    timeToLive: coverage(live - 1),
    avgPropagationMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
    hops: { avg: times.length ? hopSum / times.length : 0, max: hopMax },
    transmissions,
    useful,
    duplicates,
    lost,
    bandwidthEfficiency: transmissions ? useful / transmissions : 1,
    reachability: informedNodes / live,
  };
}
