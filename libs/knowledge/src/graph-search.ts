/**
 * In-memory graph search over a compact adjacency (CSR): all shortest paths between two
 * entities by bidirectional BFS, and the k-hop neighbourhood of one. It is the reference the
 * SQL implementation is tested against and the baseline of the WordNet benchmark, so every
 * result is canonical — independent of the order edges were given in:
 *
 *  - nodes are indexed in id order (code units), adjacency lists sorted by (neighbour, edge);
 *  - paths come in lexicographic order of their node ids; each hop names the smallest edge
 *    index joining its two nodes (parallel edges do not multiply paths);
 *  - a neighbourhood lists nodes by (distance, id); a node's `via` is its smallest-id parent
 *    at the previous distance and the smallest edge index from it.
 *
 * Hops are bounded by MAX_HOPS = 5 (the guide's max_traversal_depth): beyond that a
 * neighbourhood is most of a real graph (WordNet nouns are ~7 hops across via hypernyms).
 */
import { notFound } from '@aivillage/errors';
import { RELATION_KINDS, type RelationKind } from './graph-model.js';
import { checkInt, KnowledgeInputError } from './knowledge-errors.js';

export const MAX_HOPS = 5;
export const DEFAULT_HOPS = 3;
export const DEFAULT_PATH_LIMIT = 10;
export const DEFAULT_NEIGHBOURHOOD_LIMIT = 100;
const MAX_LIMIT = 100_000;
const NO_KIND = 255;

export interface GraphEdgeInput {
  readonly source: string;
  readonly target: string;
  readonly kind?: RelationKind;
}

/** `out` follows edges source → target, `in` target → source, `both` either way (default). */
export type Direction = 'out' | 'in' | 'both';

interface Csr {
  readonly offsets: Int32Array;
  readonly nbr: Int32Array;
  readonly edge: Int32Array;
}

export interface GraphIndex {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node ids in index order (sorted). */
  readonly ids: readonly string[];
  readonly idOf: ReadonlyMap<string, number>;
  readonly edges: readonly GraphEdgeInput[];
  /** RELATION_KINDS index per edge, 255 when the edge has no kind. */
  readonly edgeKind: Uint8Array;
  readonly out: Csr;
  readonly in: Csr;
  readonly both: Csr;
}

export interface TraversalOptions {
  /** 1..MAX_HOPS; default 3. */
  readonly maxHops?: number;
  readonly direction?: Direction;
  /** Only edges of these kinds (edges without a kind never match); default all edges. */
  readonly kinds?: readonly RelationKind[];
  /** Paths (findPaths) or nodes (neighbourhood) returned at most; default 10 / 100. */
  readonly limit?: number;
}

export interface GraphPath {
  /** From the start to the goal. */
  readonly nodes: readonly string[];
  /** Edge indices (into the input edges), one per hop. */
  readonly edges: readonly number[];
}

export interface PathResult {
  /** Shortest path length in hops, or null when none is within maxHops. */
  readonly hops: number | null;
  /** Shortest paths, lexicographic by node ids, at most `limit`. */
  readonly paths: readonly GraphPath[];
  /** More shortest paths exist than were returned. */
  readonly truncated: boolean;
}

export interface NeighbourhoodNode {
  readonly id: string;
  readonly distance: number;
  /** Parent at distance − 1 and the edge from it. */
  readonly via: { readonly parent: string; readonly edge: number };
}

export interface NeighbourhoodResult {
  /** Nodes within maxHops, the start excluded, by (distance, id), at most `limit`. */
  readonly nodes: readonly NeighbourhoodNode[];
  readonly truncated: boolean;
}

/** Builds the index. Nodes are the edges' endpoints plus `nodes` (isolated nodes allowed). */
export function buildGraphIndex(edges: readonly GraphEdgeInput[], nodes: readonly string[] = []): GraphIndex {
  const idSet = new Set<string>(nodes);
  for (const e of edges) {
    if (typeof e.source !== 'string' || typeof e.target !== 'string') throw new KnowledgeInputError('every edge needs a string source and target');
    idSet.add(e.source);
    idSet.add(e.target);
  }
  const ids = [...idSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const idOf = new Map<string, number>();
  ids.forEach((id, i) => idOf.set(id, i));
  const m = edges.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const edgeKind = new Uint8Array(m);
  edges.forEach((e, i) => {
    src[i] = idOf.get(e.source)!;
    dst[i] = idOf.get(e.target)!;
    if (e.kind === undefined) edgeKind[i] = NO_KIND;
    else {
      const k = RELATION_KINDS.indexOf(e.kind);
      if (k < 0) throw new KnowledgeInputError(`edge ${i} has unknown kind ${JSON.stringify(e.kind)}`);
      edgeKind[i] = k;
    }
  });
  const n = ids.length;
  const all = new Int32Array(m);
  for (let i = 0; i < m; i++) all[i] = i;
  return {
    nodeCount: n,
    edgeCount: m,
    ids,
    idOf,
    edges,
    edgeKind,
    out: buildCsr(n, all, src, dst),
    in: buildCsr(n, all, dst, src),
    both: buildCsr(n, concat(all, all), concat(src, dst), concat(dst, src)),
  };
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const c = new Int32Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}

/** CSR of entries (from[i] → to[i], edge[i]) sorted by (from, to, edge): two stable counting sorts. */
function buildCsr(n: number, edge: Int32Array, from: Int32Array, to: Int32Array): Csr {
  const m = edge.length;
  // Entries are given in edge order within each half; sort by `to` (stable), then by `from` (stable).
  const byTo = countingSort(n, to, identity(m));
  const order = countingSort(n, from, byTo);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < m; i++) offsets[from[i] + 1]++;
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  const nbr = new Int32Array(m);
  const edges = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    nbr[k] = to[order[k]];
    edges[k] = edge[order[k]];
  }
  // Parallel entries with equal (from, to) come out in input position order; for `both` the
  // two halves are each in edge order, so fix up to edge order within equal neighbours.
  for (let v = 0; v < n; v++) {
    for (let k = offsets[v] + 1; k < offsets[v + 1]; k++) {
      let j = k;
      while (j > offsets[v] && nbr[j - 1] === nbr[j] && edges[j - 1] > edges[j]) {
        [edges[j - 1], edges[j]] = [edges[j], edges[j - 1]];
        j--;
      }
    }
  }
  return { offsets, nbr, edge: edges };
}

function identity(m: number): Int32Array {
  const a = new Int32Array(m);
  for (let i = 0; i < m; i++) a[i] = i;
  return a;
}

/** Stable sort of positions `order` by key[position] in [0, n). */
function countingSort(n: number, key: Int32Array, order: Int32Array): Int32Array {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < order.length; i++) count[key[order[i]] + 1]++;
  for (let v = 0; v < n; v++) count[v + 1] += count[v];
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) out[count[key[order[i]]]++] = order[i];
  return out;
}

interface Resolved {
  readonly maxHops: number;
  readonly fwd: Csr;
  readonly bwd: Csr;
  readonly allowed: (edge: number) => boolean;
  readonly limit: number;
}

function resolve(g: GraphIndex, options: TraversalOptions, defaultLimit: number): Resolved {
  const maxHops = options.maxHops ?? DEFAULT_HOPS;
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > MAX_HOPS) {
    throw new KnowledgeInputError(`maxHops must be an integer in [1, ${MAX_HOPS}], got ${maxHops}`, { option: 'maxHops', max: MAX_HOPS, value: maxHops });
  }
  const limit = checkInt('limit', options.limit ?? defaultLimit, 1, MAX_LIMIT);
  const direction = options.direction ?? 'both';
  const [fwd, bwd] = direction === 'out' ? [g.out, g.in] : direction === 'in' ? [g.in, g.out] : direction === 'both' ? [g.both, g.both] : [null, null];
  if (!fwd || !bwd) throw new KnowledgeInputError(`direction must be out, in or both, got ${JSON.stringify(direction)}`);
  let allowed: (edge: number) => boolean = () => true;
  if (options.kinds) {
    const mask = new Uint8Array(256);
    for (const k of options.kinds) {
      const i = RELATION_KINDS.indexOf(k);
      if (i < 0) throw new KnowledgeInputError(`unknown relation kind ${JSON.stringify(k)}`);
      mask[i] = 1;
    }
    const kinds = g.edgeKind;
    allowed = (e) => mask[kinds[e]] === 1;
  }
  return { maxHops, fwd, bwd, allowed, limit };
}

function nodeIndex(g: GraphIndex, id: string): number {
  const i = g.idOf.get(id);
  if (i === undefined) throw notFound('Graph node', id);
  return i;
}

/**
 * All shortest paths from `from` to `to` of at most maxHops hops (see the module header for
 * the order). Bidirectional BFS, expanding the side whose frontier has fewer adjacency
 * entries; then the paths are enumerated through the meeting layer without dead ends.
 * Throws NOT_FOUND for an unknown node, BAD_USER_INPUT for maxHops outside 1..5.
 */
export function findPaths(g: GraphIndex, from: string, to: string, options: TraversalOptions = {}): PathResult {
  const { maxHops, fwd, bwd, allowed, limit } = resolve(g, options, DEFAULT_PATH_LIMIT);
  const s = nodeIndex(g, from);
  const t = nodeIndex(g, to);
  if (s === t) return { hops: 0, paths: [{ nodes: [from], edges: [] }], truncated: false };

  const n = g.nodeCount;
  const distF = new Int32Array(n).fill(-1);
  const distB = new Int32Array(n).fill(-1);
  distF[s] = 0;
  distB[t] = 0;
  const layersF: number[][] = [[s]];
  const layersB: number[][] = [[t]];
  let dF = 0;
  let dB = 0;
  let met = false;
  const cost = (layer: number[], csr: Csr) => layer.reduce((c, u) => c + csr.offsets[u + 1] - csr.offsets[u], 0);
  while (!met && dF + dB < maxHops) {
    const forward = cost(layersF[dF], fwd) <= cost(layersB[dB], bwd);
    const [layers, dist, other, csr, d] = forward ? [layersF, distF, distB, fwd, dF] : [layersB, distB, distF, bwd, dB];
    const next: number[] = [];
    for (const u of layers[d]) {
      for (let k = csr.offsets[u]; k < csr.offsets[u + 1]; k++) {
        const v = csr.nbr[k];
        if (dist[v] !== -1 || !allowed(csr.edge[k])) continue;
        dist[v] = d + 1;
        next.push(v);
        if (other[v] !== -1) met = true;
      }
    }
    if (next.length === 0) return { hops: null, paths: [], truncated: false };
    layers.push(next);
    if (forward) dF++;
    else dB++;
  }
  if (!met) return { hops: null, paths: [], truncated: false };
  const hops = dF + dB;

  // good[v]: a forward-layer node from which the meeting layer is reachable along the layers.
  const good = new Uint8Array(n);
  for (const v of layersF[dF]) if (distB[v] === dB) good[v] = 1;
  for (let p = dF - 1; p >= 0; p--) {
    for (const u of layersF[p]) {
      for (let k = fwd.offsets[u]; k < fwd.offsets[u + 1]; k++) {
        const v = fwd.nbr[k];
        if (good[v] && distF[v] === p + 1 && allowed(fwd.edge[k])) {
          good[u] = 1;
          break;
        }
      }
    }
  }

  const paths: GraphPath[] = [];
  let truncated = false;
  const nodes = [s];
  const edges: number[] = [];
  // Depth-first in neighbour order = lexicographic in node ids. Every step has a continuation
  // (good marks on the forward half; every node at distB = q > 0 has a neighbour at q − 1).
  const walk = (u: number, p: number): boolean => {
    if (p === hops) {
      if (paths.length === limit) {
        truncated = true;
        return false;
      }
      paths.push({ nodes: nodes.map((i) => g.ids[i]), edges: [...edges] });
      return true;
    }
    let last = -1;
    for (let k = fwd.offsets[u]; k < fwd.offsets[u + 1]; k++) {
      const v = fwd.nbr[k];
      if (v === last || !allowed(fwd.edge[k])) continue;
      const ok = p < dF ? distF[v] === p + 1 && good[v] === 1 : distB[v] === hops - p - 1;
      if (!ok) continue;
      last = v;
      nodes.push(v);
      edges.push(fwd.edge[k]);
      const more = walk(v, p + 1);
      nodes.pop();
      edges.pop();
      if (!more) return false;
    }
    return true;
  };
  walk(s, 0);
  return { hops, paths, truncated };
}

/**
 * Nodes within maxHops of `start` (excluded), by (distance, id), at most `limit` (the last
 * distance cut in id order). Throws NOT_FOUND for an unknown node, BAD_USER_INPUT for maxHops
 * outside 1..5.
 */
export function neighbourhood(g: GraphIndex, start: string, options: TraversalOptions = {}): NeighbourhoodResult {
  const { maxHops, fwd, allowed, limit } = resolve(g, options, DEFAULT_NEIGHBOURHOOD_LIMIT);
  const s = nodeIndex(g, start);
  const dist = new Int32Array(g.nodeCount).fill(-1);
  dist[s] = 0;
  const out: NeighbourhoodNode[] = [];
  let frontier = [s];
  for (let d = 1; d <= maxHops && frontier.length > 0; d++) {
    const next: number[] = [];
    const via = new Map<number, { parent: number; edge: number }>();
    // The frontier is in index order, so the first discovery of a node is from its smallest parent.
    for (const u of frontier) {
      for (let k = fwd.offsets[u]; k < fwd.offsets[u + 1]; k++) {
        const v = fwd.nbr[k];
        if (dist[v] !== -1 || !allowed(fwd.edge[k])) continue;
        dist[v] = d;
        next.push(v);
        via.set(v, { parent: u, edge: fwd.edge[k] });
      }
    }
    next.sort((a, b) => a - b);
    for (const v of next) {
      if (out.length === limit) return { nodes: out, truncated: true };
      const p = via.get(v)!;
      out.push({ id: g.ids[v], distance: d, via: { parent: g.ids[p.parent], edge: p.edge } });
    }
    frontier = next;
  }
  return { nodes: out, truncated: false };
}
