import { mbpsToBytesPerMs, TRANSPORT_KINDS, type TransportKind } from './transports.js';

/** Largest graph accepted by `generateTopology` and `indexGraph`. */
export const MAX_NODES = 100_000;
/** Largest gossip TTL / route hop bound. */
export const MAX_TTL = 16;

export interface Peer {
  readonly id: string;
  /** Battery-powered device: its links' battery impact counts in route scores. */
  readonly mobile: boolean;
}

/** Measured (or sampled) figures of one transport on one link. Links are undirected. */
export interface LinkTransport {
  readonly transport: TransportKind;
  readonly latencyMs: number;
  readonly throughputMbps: number;
  readonly setupMs: number;
  /** In [0, 1]. */
  readonly successRate: number;
  /** Fraction per hour, in [0, 1]; charged only when an endpoint is mobile. */
  readonly batteryImpact: number;
}

export interface Link {
  readonly a: string;
  readonly b: string;
  /** At least one; a link may be usable over several transports. */
  readonly transports: readonly LinkTransport[];
}

export interface P2PGraph {
  readonly peers: readonly Peer[];
  readonly links: readonly Link[];
}

/**
 * Compact adjacency (CSR) built once per graph. Every (directed edge, transport) is one
 * "option" `o` in `[offsets[u], offsets[u+1])`.
 */
export interface GraphIndex {
  readonly graph: P2PGraph;
  readonly n: number;
  readonly ids: readonly string[];
  readonly idOf: ReadonlyMap<string, number>;
  readonly mobile: Uint8Array;
  readonly offsets: Int32Array;
  readonly dst: Int32Array;
  readonly latencyMs: Float64Array;
  readonly bytesPerMs: Float64Array;
  readonly setupMs: Float64Array;
  readonly successRate: Float64Array;
  /** Battery impact of the hop: the link-transport's impact if either endpoint is mobile, else 0. */
  readonly battery: Float64Array;
  readonly transport: Uint8Array;
  /** Id of the undirected link-transport (shared by both directions), for connection state. */
  readonly connection: Int32Array;
  readonly connections: number;
  /** Neighbour CSR (distinct peers), for gossip and BFS. */
  readonly nbrOffsets: Int32Array;
  readonly nbr: Int32Array;
  /** Smallest latency / largest success rate over all options (search bounds). */
  readonly minLatencyMs: number;
  readonly maxSuccessRate: number;
}

function checkNumber(field: string, v: number, lo: number, hi: number): void {
  if (!Number.isFinite(v) || v < lo || v > hi) {
    throw new RangeError(`${field} must be in [${lo}, ${hi}], got ${v}`);
  }
}

const cache = new WeakMap<P2PGraph, GraphIndex>();

/**
 * Validates and indexes a graph. Results are cached per graph object, so treat a graph as
 * immutable once queried (build a new object after changing peers or links).
 */
export function indexGraph(graph: P2PGraph): GraphIndex {
  const hit = cache.get(graph);
  if (hit) return hit;
  const n = graph.peers.length;
  if (n > MAX_NODES) throw new RangeError(`peers: at most ${MAX_NODES} peers, got ${n}`);
  const idOf = new Map<string, number>();
  const ids: string[] = [];
  const mobile = new Uint8Array(n);
  graph.peers.forEach((p, i) => {
    if (idOf.has(p.id)) throw new RangeError(`peers: duplicate peer id ${p.id}`);
    idOf.set(p.id, i);
    ids.push(p.id);
    mobile[i] = p.mobile ? 1 : 0;
  });
  const deg = new Int32Array(n + 1);
  const nbrDeg = new Int32Array(n + 1);
  const ends: Array<[number, number]> = [];
  for (const l of graph.links) {
    const a = idOf.get(l.a);
    const b = idOf.get(l.b);
    if (a === undefined) throw new RangeError(`links.a: unknown peer ${l.a}`);
    if (b === undefined) throw new RangeError(`links.b: unknown peer ${l.b}`);
    if (a === b) throw new RangeError(`links: self-loop on ${l.a}`);
    if (l.transports.length === 0) throw new RangeError(`links.transports: link ${l.a}–${l.b} has none`);
    for (const t of l.transports) {
      if (!TRANSPORT_KINDS.includes(t.transport)) {
        throw new RangeError(`links.transports.transport: unknown transport ${t.transport}`);
      }
      checkNumber('links.transports.latencyMs', t.latencyMs, 0, Number.MAX_VALUE);
      checkNumber('links.transports.throughputMbps', t.throughputMbps, Number.MIN_VALUE, Number.MAX_VALUE);
      checkNumber('links.transports.setupMs', t.setupMs, 0, Number.MAX_VALUE);
      checkNumber('links.transports.successRate', t.successRate, 0, 1);
      checkNumber('links.transports.batteryImpact', t.batteryImpact, 0, 1);
    }
    ends.push([a, b]);
    deg[a] += l.transports.length;
    deg[b] += l.transports.length;
    nbrDeg[a]++;
    nbrDeg[b]++;
  }
  const offsets = new Int32Array(n + 1);
  const nbrOffsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    offsets[i + 1] = offsets[i] + deg[i];
    nbrOffsets[i + 1] = nbrOffsets[i] + nbrDeg[i];
  }
  const m = offsets[n];
  const dst = new Int32Array(m);
  const latencyMs = new Float64Array(m);
  const bytesPerMs = new Float64Array(m);
  const setupMs = new Float64Array(m);
  const successRate = new Float64Array(m);
  const battery = new Float64Array(m);
  const transport = new Uint8Array(m);
  const connection = new Int32Array(m);
  const nbr = new Int32Array(nbrOffsets[n]);
  const fill = offsets.slice(0, n);
  const nfill = nbrOffsets.slice(0, n);
  let conn = 0;
  let minLatencyMs = Infinity;
  let maxSuccessRate = 0;
  graph.links.forEach((l, li) => {
    const [a, b] = ends[li];
    nbr[nfill[a]++] = b;
    nbr[nfill[b]++] = a;
    const mob = mobile[a] === 1 || mobile[b] === 1;
    for (const t of l.transports) {
      for (const [u, v] of [[a, b], [b, a]] as const) {
        const o = fill[u]++;
        dst[o] = v;
        latencyMs[o] = t.latencyMs;
        bytesPerMs[o] = mbpsToBytesPerMs(t.throughputMbps);
        setupMs[o] = t.setupMs;
        successRate[o] = t.successRate;
        battery[o] = mob ? t.batteryImpact : 0;
        transport[o] = TRANSPORT_KINDS.indexOf(t.transport);
        connection[o] = conn;
      }
      conn++;
      minLatencyMs = Math.min(minLatencyMs, t.latencyMs);
      maxSuccessRate = Math.max(maxSuccessRate, t.successRate);
    }
  });
  const index: GraphIndex = {
    graph, n, ids, idOf, mobile, offsets, dst, latencyMs, bytesPerMs, setupMs, successRate,
    battery, transport, connection, connections: conn, nbrOffsets, nbr,
    minLatencyMs: Number.isFinite(minLatencyMs) ? minLatencyMs : 0,
    maxSuccessRate,
  };
  cache.set(graph, index);
  return index;
}

/** Peer index of `id`, or RangeError naming `field`. */
export function peerIndex(index: GraphIndex, id: string, field: string): number {
  const i = index.idOf.get(id);
  if (i === undefined) throw new RangeError(`${field}: unknown peer ${id}`);
  return i;
}

/** Hop distances from `src` (-1 = unreachable), optionally skipping `blocked` nodes, up to `maxDepth`. */
export function bfsHops(
  index: GraphIndex,
  src: number,
  maxDepth = Infinity,
  blocked?: Uint8Array,
  out: Int32Array = new Int32Array(index.n),
): Int32Array {
  out.fill(-1);
  const queue = new Int32Array(index.n);
  let head = 0;
  let tail = 0;
  out[src] = 0;
  queue[tail++] = src;
  while (head < tail) {
    const u = queue[head++];
    const d = out[u];
    if (d >= maxDepth) continue;
    for (let k = index.nbrOffsets[u]; k < index.nbrOffsets[u + 1]; k++) {
      const v = index.nbr[k];
      if (out[v] !== -1 || (blocked && blocked[v] === 1)) continue;
      out[v] = d + 1;
      queue[tail++] = v;
    }
  }
  return out;
}
