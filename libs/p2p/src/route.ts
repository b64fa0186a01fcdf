import { bfsHops, indexGraph, MAX_TTL, peerIndex, type GraphIndex, type P2PGraph } from './graph.js';
import { mbpsToBytesPerMs, TRANSPORT_KINDS, type TransportKind } from './transports.js';

/** Weights of the guide's SmartRouter.calculate_route_score. */
export const SCORE_WEIGHTS = { latency: 0.3, throughput: 0.3, reliability: 0.3, battery: 0.1 } as const;

/** Aggregate figures of a path (see README "Multi-hop aggregation"). */
export interface PathMetrics {
  /** Sum of hop latencies, ms. */
  readonly latencyMs: number;
  /** Bottleneck (minimum) hop throughput, Mbit/s. */
  readonly bottleneckMbps: number;
  /** Product of hop success rates. */
  readonly successRate: number;
  /** Sum of the battery impacts of hops touching a mobile peer, capped at 1 (0 = no mobile peer). */
  readonly batteryImpact: number;
}

export interface ScoreBreakdown {
  readonly latency: number;
  readonly throughput: number;
  readonly reliability: number;
  readonly battery: number;
  /** 0.3·latency + 0.3·throughput + 0.3·reliability + 0.1·battery, in (0, 1]. */
  readonly score: number;
}

/**
 * The guide's SmartRouter score. Units: latency in ms (as the guide's `1/(latency+1)`),
 * throughput in bytes per ms and message size in bytes, so `throughput/size` saturates at 1
 * when the message serialises in ≤ 1 ms on the bottleneck hop.
 */
export function routeScore(m: PathMetrics, messageSizeBytes: number): ScoreBreakdown {
  return scoreParts(m.latencyMs, mbpsToBytesPerMs(m.bottleneckMbps), m.successRate, m.batteryImpact, messageSizeBytes);
}

function scoreParts(latencyMs: number, bytesPerMs: number, rel: number, bat: number, size: number): ScoreBreakdown {
  const latency = 1 / (latencyMs + 1);
  const throughput = Math.min(bytesPerMs / size, 1);
  const battery = 1 - Math.min(bat, 1);
  const score =
    SCORE_WEIGHTS.latency * latency +
    SCORE_WEIGHTS.throughput * throughput +
    SCORE_WEIGHTS.reliability * rel +
    SCORE_WEIGHTS.battery * battery;
  return { latency, throughput, reliability: rel, battery, score };
}

export interface RouteHop {
  readonly from: string;
  readonly to: string;
  readonly transport: TransportKind;
  readonly latencyMs: number;
  readonly throughputMbps: number;
  readonly successRate: number;
  /** Impact charged on this hop (0 unless an endpoint is mobile). */
  readonly batteryImpact: number;
}

export interface Route {
  /** from, …, to. */
  readonly peers: readonly string[];
  readonly hops: readonly RouteHop[];
  readonly metrics: PathMetrics;
  readonly score: number;
  readonly breakdown: ScoreBreakdown;
  /** Expected delivery time on warm connections: Σ (latency + size / throughput), store-and-forward. */
  readonly expectedLatencyMs: number;
}

export type RouteResult =
  | { readonly found: true; readonly best: Route; readonly alternatives: readonly Route[] }
  | { readonly found: false; readonly reason: 'disconnected' | 'beyond-max-hops'; readonly minHops: number | null };

export interface RouteOptions {
  /** Bytes, > 0. */
  readonly messageSize: number;
  /** 1..16, default 7 (the BLE mesh hop range). */
  readonly maxHops?: number;
  /** Alternative routes (distinct peer sequences) besides the best, 0..16, default 3. */
  readonly alternatives?: number;
  /** Labels after which the search switches to the strong (Dijkstra) bounds; default STRONG_BOUND_AFTER. */
  readonly strongBoundAfter?: number;
}

/** Counters of the last search, for benchmarks. */
export interface SearchStats {
  labels: number;
  expanded: number;
}
export const lastSearchStats: SearchStats = { labels: 0, expanded: 0 };

// Scratch buffers reused across queries (JS is single-threaded; bestRoute is not re-entrant).
let cap = 0;
let lNode = new Int32Array(0);
let lParent = new Int32Array(0);
let lOpt = new Int32Array(0);
let lHops = new Uint8Array(0);
let lLat = new Float64Array(0);
let lBw = new Float64Array(0);
let lRel = new Float64Array(0);
let lBat = new Float64Array(0);
let lF = new Float64Array(0);
let lNext = new Int32Array(0);
let heap = new Int32Array(0);

function grow(need: number): void {
  if (need <= cap) return;
  const c = Math.max(need, cap * 2, 1024);
  const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
    const b = make(c);
    b.set(a);
    return b;
  };
  lNode = g(lNode, (k) => new Int32Array(k));
  lParent = g(lParent, (k) => new Int32Array(k));
  lOpt = g(lOpt, (k) => new Int32Array(k));
  lHops = g(lHops, (k) => new Uint8Array(k));
  lLat = g(lLat, (k) => new Float64Array(k));
  lBw = g(lBw, (k) => new Float64Array(k));
  lRel = g(lRel, (k) => new Float64Array(k));
  lBat = g(lBat, (k) => new Float64Array(k));
  lF = g(lF, (k) => new Float64Array(k));
  lNext = g(lNext, (k) => new Int32Array(k));
  heap = g(heap, (k) => new Int32Array(k));
  cap = c;
}

/** Labels created before a query switches to the strong (Dijkstra) bounds. */
export const STRONG_BOUND_AFTER = 1500;

interface StrongBounds {
  latency: Float64Array;
  reliability: Float64Array;
  widest: Float64Array;
  battery: Float64Array;
}

/** Reverse single-criterion searches from t (links are undirected, so options out of u serve). */
function strongBounds(ix: GraphIndex, t: number): StrongBounds {
  // mode 0: min Σ latency; 1: min Σ −ln(success); 2: max min bytes/ms; 3: min Σ battery.
  const run = (mode: 0 | 1 | 2 | 3): Float64Array => {
    const n = ix.n;
    const key = new Float64Array(n).fill(Infinity);
    const done = new Uint8Array(n);
    const hk = new Float64Array(ix.dst.length + 1);
    const hv = new Int32Array(ix.dst.length + 1);
    let len = 0;
    const hpush = (k: number, v: number) => {
      let i = len++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (hk[p] <= k) break;
        hk[i] = hk[p];
        hv[i] = hv[p];
        i = p;
      }
      hk[i] = k;
      hv[i] = v;
    };
    const hpop = () => {
      const v = hv[0];
      const k = hk[--len];
      const lv = hv[len];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= len) break;
        if (c + 1 < len && hk[c + 1] < hk[c]) c++;
        if (hk[c] >= k) break;
        hk[i] = hk[c];
        hv[i] = hv[c];
        i = c;
      }
      hk[i] = k;
      hv[i] = lv;
      return v;
    };
    // Keys are minimised; widest path uses −width.
    key[t] = mode === 2 ? -Infinity : 0;
    hpush(key[t], t);
    while (len > 0) {
      const u = hpop();
      if (done[u]) continue;
      done[u] = 1;
      const ku = key[u];
      for (let o = ix.offsets[u], end = ix.offsets[u + 1]; o < end; o++) {
        const v = ix.dst[o];
        if (done[v]) continue;
        let k: number;
        if (mode === 0) k = ku + ix.latencyMs[o];
        else if (mode === 1) k = ku - Math.log(ix.successRate[o]);
        else if (mode === 2) k = Math.max(ku, -ix.bytesPerMs[o]);
        else k = ku + ix.battery[o];
        if (k < key[v]) {
          key[v] = k;
          hpush(k, v);
        }
      }
    }
    return key;
  };
  const latency = run(0);
  const reliability = run(1).map((x) => Math.exp(-x));
  const widest = run(2).map((x) => -x);
  const battery = run(3);
  return { latency, reliability, widest, battery };
}

const scratch = new WeakMap<GraphIndex, { hops: Int32Array; head: Int32Array }>();

function checkInt(field: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new RangeError(`${field} must be an integer in [${lo}, ${hi}], got ${v}`);
  }
}

/**
 * Best path from `from` to `to` under the SmartRouter score, choosing the transport of every
 * hop, plus up to `alternatives` next-best paths over different peers.
 *
 * Exact label-setting search (A*-style best-first on an optimistic score bound) over
 * hop-bounded simple paths with Pareto-dominance pruning on
 * (latency, bottleneck throughput, reliability, battery, hops). See README.
 */
export function bestRoute(graph: P2PGraph | GraphIndex, from: string, to: string, options: RouteOptions): RouteResult {
  const ix = 'offsets' in graph ? graph : indexGraph(graph);
  const size = options.messageSize;
  if (!Number.isFinite(size) || size <= 0) throw new RangeError(`messageSize must be > 0 bytes, got ${size}`);
  const maxHops = options.maxHops ?? 7;
  checkInt('maxHops', maxHops, 1, MAX_TTL);
  const alternatives = options.alternatives ?? 3;
  checkInt('alternatives', alternatives, 0, 16);
  const s = peerIndex(ix, from, 'from');
  const t = peerIndex(ix, to, 'to');
  if (s === t) throw new RangeError(`to must differ from from (${to})`);

  let sc = scratch.get(ix);
  if (!sc) {
    sc = { hops: new Int32Array(ix.n), head: new Int32Array(ix.n).fill(-1) };
    scratch.set(ix, sc);
  }
  // Hop distance to the target: prunes paths that cannot arrive within maxHops, and bounds
  // the latency / reliability still to come.
  const h = bfsHops(ix, t, Infinity, undefined, sc.hops);
  if (h[s] < 0) return { found: false, reason: 'disconnected', minHops: null };
  if (h[s] > maxHops) return { found: false, reason: 'beyond-max-hops', minHops: h[s] };

  const head = sc.head;
  const touched: number[] = [];
  const K = alternatives + 1;
  const strongAfter = options.strongBoundAfter ?? STRONG_BOUND_AFTER;
  const minLat = ix.minLatencyMs;
  const relPow = new Float64Array(MAX_TTL + 2);
  relPow[0] = 1;
  for (let i = 1; i < relPow.length; i++) relPow[i] = relPow[i - 1] * ix.maxSuccessRate;
  const W = SCORE_WEIGHTS;
  // Optimistic score of any completion of a label at v. Cheap bound: ≥ h[v] more hops, each
  // with latency ≥ the smallest and success ≤ the largest in the graph. Strong bound (computed
  // only when a query turns out hard): per-node shortest latency, most reliable, widest and
  // least-battery paths to the target (four reverse Dijkstra runs, each ignoring the others
  // and the hop limit, so each stays optimistic).
  let strong: StrongBounds | null = null;
  const bound = (lat: number, bw: number, rel: number, bat: number, v: number) => {
    if (strong === null) {
      const r = h[v];
      return (
        W.latency / (lat + r * minLat + 1) +
        W.throughput * (bw / size) +
        W.reliability * rel * relPow[r] +
        W.battery * (1 - bat)
      );
    }
    const wid = strong.widest[v];
    const b2 = bat + strong.battery[v];
    return (
      W.latency / (lat + strong.latency[v] + 1) +
      W.throughput * ((wid < bw ? wid : bw) / size) +
      W.reliability * rel * strong.reliability[v] +
      W.battery * (1 - (b2 > 1 ? 1 : b2))
    );
  };

  grow(1024);
  let nLabels = 0;
  let heapLen = 0;
  const push = (id: number) => {
    let i = heapLen++;
    const f = lF[id];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (lF[heap[p]] >= f) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = id;
  };
  const pop = () => {
    const top = heap[0];
    const last = heap[--heapLen];
    const f = lF[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= heapLen) break;
      if (c + 1 < heapLen && lF[heap[c + 1]] > lF[heap[c]]) c++;
      if (lF[heap[c]] <= f) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
    return top;
  };

  // Start label. Throughput is clamped to the message size: above it the score saturates,
  // so clamping makes more labels comparable without changing any score.
  lNode[0] = s;
  lParent[0] = -1;
  lOpt[0] = -1;
  lHops[0] = 0;
  lLat[0] = 0;
  lBw[0] = size;
  lRel[0] = 1;
  lBat[0] = 0;
  lF[0] = bound(0, size, 1, 0, s);
  lNext[0] = -1;
  head[s] = 0;
  touched.push(s);
  nLabels = 1;
  push(0);

  const found: number[] = [];
  const seen = new Set<string>();
  let expanded = 0;
  while (heapLen > 0 && found.length < K) {
    if (strong === null && nLabels > strongAfter) {
      strong = strongBounds(ix, t);
      for (let i = 0; i < heapLen; i++) {
        const q = heap[i];
        lF[q] = bound(lLat[q], lBw[q], lRel[q], lBat[q], lNode[q]);
      }
      const ids = heap.slice(0, heapLen);
      heapLen = 0;
      for (const q of ids) push(q);
    }
    const id = pop();
    const u = lNode[id];
    if (u === t) {
      const key = peerKey(id);
      if (!seen.has(key)) {
        seen.add(key);
        found.push(id);
      }
      continue;
    }
    const hu = lHops[id];
    if (hu >= maxHops) continue;
    expanded++;
    const lat = lLat[id];
    const bw = lBw[id];
    const rel = lRel[id];
    const bat = lBat[id];
    for (let o = ix.offsets[u], end = ix.offsets[u + 1]; o < end; o++) {
      const v = ix.dst[o];
      const hv = h[v];
      if (hv < 0 || hu + 1 + hv > maxHops) continue;
      // Simple paths only.
      let onPath = false;
      for (let p = id; p >= 0; p = lParent[p]) {
        if (lNode[p] === v) {
          onPath = true;
          break;
        }
      }
      if (onPath) continue;
      const lat2 = lat + ix.latencyMs[o];
      const b = ix.bytesPerMs[o];
      const bw2 = b < bw ? b : bw;
      const rel2 = rel * ix.successRate[o];
      const bt = bat + ix.battery[o];
      const bat2 = bt > 1 ? 1 : bt;
      const hops2 = hu + 1;
      // Dominance: drop the label if K labels at v are at least as good on every criterion.
      let dom = 0;
      for (let q = head[v]; q >= 0; q = lNext[q]) {
        if (lLat[q] <= lat2 && lBw[q] >= bw2 && lRel[q] >= rel2 && lBat[q] <= bat2 && lHops[q] <= hops2) {
          if (++dom >= K) break;
        }
      }
      if (dom >= K) continue;
      if (nLabels >= cap) grow(nLabels + 1);
      const nl = nLabels++;
      lNode[nl] = v;
      lParent[nl] = id;
      lOpt[nl] = o;
      lHops[nl] = hops2;
      lLat[nl] = lat2;
      lBw[nl] = bw2;
      lRel[nl] = rel2;
      lBat[nl] = bat2;
      lF[nl] = bound(lat2, bw2, rel2, bat2, v);
      if (head[v] < 0) touched.push(v);
      lNext[nl] = head[v];
      head[v] = nl;
      push(nl);
    }
  }
  for (const v of touched) head[v] = -1;
  lastSearchStats.labels = nLabels;
  lastSearchStats.expanded = expanded;

  const routes = found.map((id) => buildRoute(ix, id, size));
  return { found: true, best: routes[0], alternatives: routes.slice(1) };

  function peerKey(id: number): string {
    let k = '';
    for (let p = id; p >= 0; p = lParent[p]) k += `${lNode[p]},`;
    return k;
  }
}

function buildRoute(ix: GraphIndex, id: number, size: number): Route {
  const opts: number[] = [];
  const nodes: number[] = [];
  for (let p = id; p >= 0; p = lParent[p]) {
    nodes.push(lNode[p]);
    if (lOpt[p] >= 0) opts.push(lOpt[p]);
  }
  nodes.reverse();
  opts.reverse();
  let latencyMs = 0;
  let bottleneck = Infinity;
  let rel = 1;
  let bat = 0;
  let expected = 0;
  const hops: RouteHop[] = opts.map((o, i) => {
    latencyMs += ix.latencyMs[o];
    bottleneck = Math.min(bottleneck, ix.bytesPerMs[o]);
    rel *= ix.successRate[o];
    bat = Math.min(1, bat + ix.battery[o]);
    expected += ix.latencyMs[o] + size / ix.bytesPerMs[o];
    return {
      from: ix.ids[nodes[i]],
      to: ix.ids[nodes[i + 1]],
      transport: TRANSPORT_KINDS[ix.transport[o]],
      latencyMs: ix.latencyMs[o],
      throughputMbps: ix.bytesPerMs[o] / 125,
      successRate: ix.successRate[o],
      batteryImpact: ix.battery[o],
    };
  });
  const metrics: PathMetrics = { latencyMs, bottleneckMbps: bottleneck / 125, successRate: rel, batteryImpact: bat };
  const breakdown = scoreParts(latencyMs, bottleneck, rel, bat, size);
  return { peers: nodes.map((v) => ix.ids[v]), hops, metrics, score: breakdown.score, breakdown, expectedLatencyMs: expected };
}
