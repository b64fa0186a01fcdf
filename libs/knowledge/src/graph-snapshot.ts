/**
 * In-process snapshots of a namespace's knowledge graph, so knowledgeNeighborhood and
 * knowledgePaths walk memory (a CSR, graph-search.ts) instead of sending one SQL round trip
 * per hop, and searchKnowledge's GRAPH leg (`graphLeg`, the same definition as search-sql.ts
 * `graphSql`) needs no round trip at all.
 *
 * A snapshot is tagged with the namespace version (knowledge-cache.ts) read before it was
 * loaded, and is served only while that is still the version: every write that changes the
 * graph bumps it (ingestion, deletion, addRelations), so a snapshot never answers for a graph
 * that has moved on. When it is not current the caller answers through SQL and the snapshot
 * is rebuilt in the background (graph-snapshots.ts): one build at a time per process, started once the version
 * has held still for `debounceMs` (an ingesting namespace keeps being answered by SQL rather
 * than rebuilt per document). A stale snapshot is dropped at once (it can never be served).
 *
 * Results equal the SQL traversal's (knowledge-graph.service.ts), which equal the in-memory
 * reference's: nodes are indexed in `key COLLATE "C"` order (the SQL neighbourhood's order;
 * code-point order), edges in relation-id order (the SQL's tie-break between parallel
 * relations), and the walks are graph-search.ts's own `neighbourhood` and `findPaths`.
 *
 * Memory is bounded by relations: a namespace above `maxRelations` is never loaded, and
 * snapshots are evicted (least recently used first) to keep their total under it. Per
 * relation 60 bytes: id 16, both-way adjacency 16, endpoints 8, confidence 8, evidence chunk
 * 4, per-endpoint lists by confidence 8; per entity its strings (id, key, name, aliases) and
 * two map entries; per evidence chunk 16. See `bytes` and the benchmark for real namespaces.
 */
import type { Entity } from '@aivillage/db';
import { notFound } from '@aivillage/errors';
import { normalizeEntityName } from './extract.js';
import { ENTITY_TYPES } from './graph-model.js';
import { findPaths, neighbourhood, type GraphIndex } from './graph-search.js';
import { UUID } from './knowledge-store.js';
import { GRAPH_LEG_LIMITS, type GraphLegLimits } from './search-sql.js';

type EntityType = Entity['type'];

export interface SnapshotNeighbour {
  node: number;
  distance: number;
  parent: number;
  edge: number;
}

/** What the graph leg needs beyond adjacency: per relation, its endpoints, confidence and evidence chunk. */
export interface SnapshotRelationData {
  src: Int32Array;
  dst: Int32Array;
  confidence: Float64Array;
  /** Index into `chunkIds`, −1 for an explicit relation. */
  evidence: Int32Array;
  /** 16 bytes per evidence chunk, uuid order. */
  chunkIds: Buffer;
}

/** A list per entity (CSR): `edges[offsets[i] .. offsets[i + 1])`. */
export interface EntityLists {
  offsets: Int32Array;
  edges: Int32Array;
}

/** The adjacency a snapshot walks: both ways by (neighbour, relation), and per endpoint strongest first. */
export interface SnapshotIndex {
  csr: { offsets: Int32Array; nbr: Int32Array; edge: Int32Array };
  asSubject: EntityLists;
  asObject: EntityLists;
}

/**
 * Builds a snapshot's adjacency over `n` entities. The steps are also exported one by one, so a
 * loader can yield to the event loop between them (each is a pass or two over the relations).
 */
export function indexRelations(n: number, rel: Pick<SnapshotRelationData, 'src' | 'dst' | 'confidence'>): SnapshotIndex {
  const byStrength = strongestFirst(rel.confidence);
  return { csr: bothWaysCsr(n, rel.src, rel.dst), asSubject: groupBy(n, rel.src, byStrength), asObject: groupBy(n, rel.dst, byStrength) };
}

export interface SnapshotPaths {
  hops: number | null;
  paths: { nodes: number[]; edges: number[] }[];
  truncated: boolean;
}

/** One namespace's graph at one version: entities in key order, relations in id order, both-way CSR. */
export class GraphSnapshot {
  private readonly index: GraphIndex;
  private readonly byKey: Map<string, number>;
  private readonly byId: Map<string, number>;
  /** Per entity, the relations it is the subject (object) of, strongest first, then by id. */
  private readonly asSubject: EntityLists;
  private readonly asObject: EntityLists;
  /** Approximate heap bytes held (typed arrays exactly, strings and maps estimated). */
  readonly bytes: number;

  constructor(
    readonly namespaceId: string,
    readonly version: string,
    private readonly ids: readonly string[],
    private readonly keys: readonly string[],
    private readonly names: readonly string[],
    private readonly types: Uint8Array,
    private readonly aliases: readonly (readonly string[] | null)[],
    private readonly createdAt: Float64Array,
    /** 16 bytes per relation, relation-id order. */
    private readonly relationIds: Buffer,
    { csr, asSubject, asObject }: SnapshotIndex,
    private readonly rel: SnapshotRelationData,
    readonly buildMs: number,
  ) {
    this.byKey = new Map(keys.map((k, i) => [k, i]));
    this.byId = new Map(ids.map((id, i) => [id, i]));
    // graph-search's walks over this CSR. Traversal here is always both ways (their default
    // direction), so `out` and `in` name the same adjacency; `edges`/`edgeKind` are read only
    // when filtering by kind, which these queries never do.
    this.index = { nodeCount: keys.length, edgeCount: relationIds.length / 16, ids: keys, idOf: this.byKey, edges: [], edgeKind: new Uint8Array(0), out: csr, in: csr, both: csr };
    this.asSubject = asSubject;
    this.asObject = asObject;
    let strings = 0;
    for (let i = 0; i < keys.length; i++) {
      strings += 3 * 40 + ids[i].length + keys[i].length * 2 + names[i].length * 2;
      for (const a of aliases[i] ?? []) strings += 40 + a.length * 2;
    }
    const typed = [types, createdAt, relationIds, csr.offsets, csr.nbr, csr.edge, rel.src, rel.dst, rel.confidence, rel.evidence, rel.chunkIds,
      asSubject.offsets, asSubject.edges, asObject.offsets, asObject.edges].reduce((t, a) => t + a.byteLength, 0);
    this.bytes = typed + strings + 2 * 48 * keys.length;
  }

  entityId(i: number): string {
    return this.ids[i];
  }

  get entityCount(): number {
    return this.keys.length;
  }

  get relationCount(): number {
    return this.index.edgeCount;
  }

  /** The entity a name (or key, or id) denotes, as the SQL lookup: a key match first, then an id. */
  lookup(name: string): number | undefined {
    const key = normalizeEntityName(name ?? '');
    const byKey = key ? this.byKey.get(key) : undefined;
    if (byKey !== undefined) return byKey;
    return UUID.test(name) ? this.byId.get(name.toLowerCase()) : undefined;
  }

  /** `lookup`, NOT_FOUND (the SQL path's error) when nothing matches. */
  resolve(namespaceName: string, name: string): number {
    const i = this.lookup(name);
    if (i === undefined) throw notFound(`Entity in namespace ${JSON.stringify(namespaceName)}:`, name);
    return i;
  }

  entity(i: number): Entity {
    return {
      id: this.ids[i], namespaceId: this.namespaceId, key: this.keys[i], name: this.names[i], type: ENTITY_TYPES[this.types[i]] as EntityType,
      aliases: [...(this.aliases[i] ?? [])], createdAt: new Date(this.createdAt[i]),
    };
  }

  relationId(edge: number): string {
    return uuidAt(this.relationIds, edge);
  }

  /** Nodes within `hops` of `start` by (distance, key), each with its smallest-key parent and the smallest relation from it. */
  neighbourhood(start: number, hops: number, limit: number): { nodes: SnapshotNeighbour[]; truncated: boolean } {
    const r = neighbourhood(this.index, this.keys[start], { maxHops: hops, limit });
    return {
      truncated: r.truncated,
      nodes: r.nodes.map((n) => ({ node: this.byKey.get(n.id)!, distance: n.distance, parent: this.byKey.get(n.via.parent)!, edge: n.via.edge })),
    };
  }

  /** Whether an entity has this key (the graph leg's test of which word runs are entities). */
  hasKey(key: string): boolean {
    return this.byKey.has(key);
  }

  /**
   * search-sql.ts `graphSql`, in memory: the same rows (chunk id, score) in the same order, from
   * the same choices — strongest relations first with ties in relation-id order, neighbours by
   * (weight, id), weights summed in ascending order — so the scores agree bit for bit.
   */
  graphLeg(keys: readonly string[], k: number, o: Partial<GraphLegLimits> = {}): { id: string; score: number }[] {
    const { perEntity, fanout, perNeighbour } = { ...GRAPH_LEG_LIMITS, ...o };
    const { src, dst, confidence, evidence } = this.rel;
    const seeds = new Set<number>();
    for (const key of keys) {
      const i = this.byKey.get(key);
      if (i !== undefined) seeds.add(i);
    }
    const weights = new Map<number, { hop: number; w: number[] }>();
    const add = (chunk: number, weight: number, hop: number) => {
      const at = weights.get(chunk);
      if (!at) weights.set(chunk, { hop, w: [weight] });
      else {
        at.w.push(weight);
        if (hop < at.hop) at.hop = hop;
      }
    };
    const near = new Map<number, number>();
    for (const s of seeds) {
      for (const [side, other] of [[this.asSubject, dst], [this.asObject, src]] as const) {
        const end = Math.min(side.offsets[s + 1], side.offsets[s] + perEntity);
        for (let j = side.offsets[s]; j < end; j++) {
          const e = side.edges[j];
          if (evidence[e] >= 0) add(evidence[e], confidence[e], 1);
          const v = other[e];
          if (!seeds.has(v) && !(near.get(v)! >= confidence[e])) near.set(v, confidence[e]);
        }
      }
    }
    const strongest = [...near].sort((a, b) => b[1] - a[1] || cmpText(this.ids[a[0]], this.ids[b[0]])).slice(0, fanout);
    for (const [v, w] of strongest) {
      for (const side of [this.asSubject, this.asObject]) {
        let taken = 0;
        for (let j = side.offsets[v]; j < side.offsets[v + 1] && taken < perNeighbour; j++) {
          const e = side.edges[j];
          if (evidence[e] < 0) continue;
          add(evidence[e], confidence[e] * w * 0.5, 2);
          taken++;
        }
      }
    }
    const scored: { chunk: number; score: number }[] = [];
    for (const [chunk, { hop, w }] of weights) {
      w.sort((a, b) => a - b);
      let s = 0;
      for (const x of w) s += x;
      scored.push({ chunk, score: (hop === 1 ? 1 : 0) + s / (1 + s) });
    }
    // Chunk indices are in uuid order: comparing them is comparing the ids.
    scored.sort((a, b) => b.score - a.score || a.chunk - b.chunk);
    return scored.slice(0, k).map((x) => ({ id: uuidAt(this.rel.chunkIds, x.chunk), score: x.score }));
  }

  /** Every shortest path (at most `limit`, in key order) of at most maxHops between two entities. */
  paths(from: number, to: number, maxHops: number, limit: number): SnapshotPaths {
    const r = findPaths(this.index, this.keys[from], this.keys[to], { maxHops, limit });
    return { hops: r.hops, truncated: r.truncated, paths: r.paths.map((p) => ({ nodes: p.nodes.map((k) => this.byKey.get(k)!), edges: [...p.edges] })) };
  }
}

/** The i-th of 16-byte uuids, as text. */
function uuidAt(packed: Buffer, i: number): string {
  const h = packed.toString('hex', i * 16, i * 16 + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Relation indices by (confidence descending, index): each confidence's rank among the distinct
 * values (a native sort, then binary search), then a stable counting sort by rank.
 */
export function strongestFirst(confidence: Float64Array): Int32Array {
  const sorted = Float64Array.from(confidence).sort();
  let d = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[d - 1]) sorted[d++] = sorted[i];
  const distinct = sorted.subarray(0, d);
  const ranks = new Int32Array(confidence.length);
  for (let e = 0; e < confidence.length; e++) {
    let lo = 0;
    let hi = d - 1;
    const c = confidence[e];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (distinct[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    ranks[e] = d - 1 - lo; // the strongest gets rank 0
  }
  return countingSort(d, ranks, null);
}

/** Positions in `order` grouped by key[position] (keeping `order` within a group), as CSR. */
export function groupBy(n: number, key: Int32Array, order: Int32Array): { offsets: Int32Array; edges: Int32Array } {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < key.length; i++) offsets[key[i] + 1]++;
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  return { offsets, edges: countingSort(n, key, order) };
}

/** CSR over both directions of every edge, each list sorted by (neighbour, edge): two stable counting sorts. */
export function bothWaysCsr(n: number, src: Int32Array, dst: Int32Array): { offsets: Int32Array; nbr: Int32Array; edge: Int32Array } {
  const m = src.length;
  const total = 2 * m;
  // Entry j is edge j >> 1 read forwards (even j) or backwards (odd j): entries start in edge order.
  const from = new Int32Array(total);
  const to = new Int32Array(total);
  for (let e = 0; e < m; e++) {
    from[2 * e] = src[e];
    to[2 * e] = dst[e];
    from[2 * e + 1] = dst[e];
    to[2 * e + 1] = src[e];
  }
  const byTo = countingSort(n, to, null);
  const order = countingSort(n, from, byTo);
  const offsets = new Int32Array(n + 1);
  for (let j = 0; j < total; j++) offsets[from[j] + 1]++;
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  const nbr = new Int32Array(total);
  const edge = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    nbr[k] = to[order[k]];
    edge[k] = order[k] >> 1;
  }
  return { offsets, nbr, edge };
}

/** Stable sort of positions (`order`, or 0..length−1) by key[position] in [0, n). */
function countingSort(n: number, key: Int32Array, order: Int32Array | null): Int32Array {
  const len = key.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < len; i++) start[key[i] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    const p = order ? order[i] : i;
    out[start[key[p]]++] = p;
  }
  return out;
}
