/**
 * Retrieval: searchKnowledge's four modes over one namespace.
 *  - VECTOR: cosine similarity of the query's embedding (or a vector the caller sends) through
 *    the HNSW index with an iterative scan under the namespace filter (search-sql.ts); when
 *    that still returns fewer hits than asked although the namespace holds more chunks, the
 *    exact scan answers instead, so a filter never costs hits.
 *  - KEYWORD: Postgres full text (websearch_to_tsquery, ts_rank_cd, GIN index).
 *  - GRAPH: chunks that are evidence of relations within 1–2 hops of the entities the query
 *    names (its longest word runs that are entity keys), nearer evidence first.
 *  - HYBRID: the three legs fused by reciprocal rank fusion (k = 60); each hit keeps every
 *    leg's rank and score.
 * Results are cached per namespace version (knowledge-cache.ts).
 *
 * Round trips: the namespace and its settings come from process memory at the namespace's
 * version (one Redis GET, knowledge-namespaces.ts); each leg is one round trip on its own pooled
 * connection (the legs of HYBRID run concurrently); a single-leg search returns its hits with
 * their chunks and documents from that same statement, HYBRID hydrates its fused top-k with
 * one more. The GRAPH leg runs in memory on the namespace's graph snapshot when that is
 * current (graph-snapshot.ts, same results); without one it needs two statements (which of the
 * query's word runs are entities, then the expansion).
 */
import { badInput } from '@aivillage/errors';
import { pgPool, Prisma, type PrismaClient } from '@aivillage/db';
import type pg from 'pg';
import type { Embedder } from './embedder.js';
import { reciprocalRankFusion, type FusionLegInput, type RetrievalLeg } from './fusion.js';
import type { GraphSnapshots } from './graph-snapshots.js';
import type { KnowledgeCache } from './knowledge-cache.js';
import { EmbeddingDimensionError, KnowledgeInputError } from './knowledge-errors.js';
import { KnowledgeNamespaces, type VersionedNamespace } from './knowledge-namespaces.js';
import type { KnowledgeNamespace } from './knowledge-store.js';
import { pooledRows, pooledScript } from './pooled-sql.js';
import { longestMentions, queryEntityCandidates } from './query-entities.js';
import {
  exactVectorSql, graphSql, HNSW_SCRIPT_ROWS, hnswVectorScript, hydrateSql, keywordSql, withHitColumns, type HitRow,
} from './search-sql.js';

export const SEARCH_MODES = ['VECTOR', 'KEYWORD', 'GRAPH', 'HYBRID'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export const MAX_TOP_K = 100;
export const MAX_QUERY_CHARS = 2000;

export interface SearchInput {
  namespace: string;
  query: string;
  topK: number;
  mode: SearchMode;
  /** Hits scoring below it are dropped (the fused score in HYBRID, the leg's score otherwise). */
  minScore?: number | null;
  /** A query vector instead of embedding `query` (VECTOR and HYBRID); must have the namespace's dimension. */
  vector?: readonly number[] | null;
}

export interface HitDocument {
  id: string;
  namespaceId: string;
  title: string;
  source: string | null;
  metadata: unknown;
  status: string;
  error: string | null;
  chunkCount: number;
  entityCount: number;
  relationCount: number;
  embedderId: string | null;
  dimension: number | null;
  sizeBytes: number;
  contentHash: string;
  attempts: number;
  /** ISO strings (hits are cached as JSON). */
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
}

export interface SearchHit {
  chunk: { id: string; position: number; text: string; tokenCount: number; charStart: number; charEnd: number; documentId: string };
  document: HitDocument;
  /** HYBRID: the fused RRF score; one leg: that leg's score (cosine similarity, ts_rank_cd, graph score). */
  score: number;
  legs: Partial<Record<RetrievalLeg, { rank: number; score: number }>>;
}

export interface SearchResult {
  hits: SearchHit[];
  cached: boolean;
  /** How the vector leg ran: through HNSW, or exactly after HNSW came back short (null without a vector leg). */
  vectorScan: 'hnsw' | 'exact' | null;
}

export interface SearchServiceDeps {
  prisma: PrismaClient;
  /** The pool raw SQL runs on; default: the one behind `prisma` (pgPool). */
  pool?: pg.Pool;
  /** Namespace resolution shared with the graph service; default: this service's own. */
  namespaces?: KnowledgeNamespaces;
  /** In-process graph snapshots (shared with the graph service): the GRAPH leg runs on a current one. */
  snapshots?: GraphSnapshots;
  /** The query embedder (an ONNX one is loaded on the first call). */
  embedder(): Promise<Embedder>;
  cache: KnowledgeCache;
  /** KNOWLEDGE_HNSW_EF_SEARCH: ef_search = max(this, 2 × candidates). */
  efSearch: number;
  maxScanTuples: number;
  /** KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS: namespaces this small are searched exactly. */
  exactMaxChunks: number;
  /** Every search's duration by mode (Prometheus). */
  onSearch?(mode: SearchMode, seconds: number, cached: boolean): void;
}

type LegHits = { id: string; score: number }[];

export class KnowledgeSearchService {
  private readonly pool: pg.Pool;
  private readonly namespaces: KnowledgeNamespaces;

  constructor(private readonly deps: SearchServiceDeps) {
    this.pool = deps.pool ?? pgPool(deps.prisma);
    this.namespaces = deps.namespaces ?? new KnowledgeNamespaces(deps.prisma, deps.cache);
  }

  async search(input: SearchInput): Promise<SearchResult> {
    const started = performance.now();
    const query = typeof input.query === 'string' ? input.query.trim() : '';
    if (!SEARCH_MODES.includes(input.mode)) throw new KnowledgeInputError(`mode must be one of ${SEARCH_MODES.join(', ')}`, { field: 'mode' });
    if (!Number.isInteger(input.topK) || input.topK < 1 || input.topK > MAX_TOP_K) throw new KnowledgeInputError(`topK must be an integer in [1, ${MAX_TOP_K}], got ${input.topK}`, { field: 'topK' });
    if (query.length > MAX_QUERY_CHARS) throw new KnowledgeInputError(`query must be at most ${MAX_QUERY_CHARS} characters`, { field: 'query' });
    if (input.minScore != null && !Number.isFinite(input.minScore)) throw new KnowledgeInputError('minScore must be a finite number', { field: 'minScore' });
    const vector = input.vector ?? null;
    if (vector && input.mode !== 'VECTOR' && input.mode !== 'HYBRID') throw new KnowledgeInputError('vector is used by the VECTOR and HYBRID modes only', { field: 'vector' });
    if (vector && !vector.every(Number.isFinite)) throw new KnowledgeInputError('vector must hold finite numbers', { field: 'vector' });
    if (!query && !vector) throw new KnowledgeInputError('query is empty', { field: 'query' });
    const named = await this.namespaces.id(input.namespace);
    const identity = ['search', input.mode, query, input.topK, input.minScore ?? null, vector];
    // The version comes with the cache lookup; a hit was computed from valid input at it.
    const cached = await this.deps.cache.lookup<SearchResult>(named.id, identity);
    if (cached.hit) {
      this.deps.onSearch?.(input.mode, (performance.now() - started) / 1000, true);
      return { ...cached.value, cached: true };
    }
    const ns = await this.namespaces.at(named, cached.version);
    if (vector) {
      // Before the namespace has chunks, the dimension it will get is the embedder's.
      const expected = ns.settings?.dimension ?? (await this.deps.embedder()).dimension;
      if (vector.length !== expected) {
        throw new EmbeddingDimensionError(expected, vector.length, `the query vector in namespace ${JSON.stringify(ns.name)} (its chunks have ${expected} dimensions)`);
      }
    }
    const result = await this.compute(ns, query, vector, input);
    await cached.store(result);
    this.deps.onSearch?.(input.mode, (performance.now() - started) / 1000, false);
    return result;
  }

  private async compute(ns: VersionedNamespace, query: string, vector: readonly number[] | null, input: SearchInput): Promise<SearchResult> {
    if (!ns.settings) return { hits: [], cached: false, vectorScan: null };
    const single = input.mode !== 'HYBRID';
    // Each leg brings more candidates than asked in HYBRID: agreement further down a leg still counts.
    const candidates = single ? input.topK : Math.min(200, Math.max(3 * input.topK, 30));
    const legs: FusionLegInput[] = [];
    // A single leg returns its hits' chunks and documents with them; HYBRID hydrates after fusion.
    const rows = new Map<string, HitRow>();
    const keep = (found: HitRow[] | null) => found?.forEach((r) => rows.set(r.id, r));
    let vectorScan: SearchResult['vectorScan'] = null;
    const tasks: Promise<void>[] = [];
    if (input.mode === 'VECTOR' || input.mode === 'HYBRID') {
      tasks.push((async () => {
        const v = vector ?? (await this.embedQuery(ns, query));
        if (!v) return;
        const r = await this.vectorLeg(ns, v, candidates, single);
        vectorScan = r.scan;
        keep(r.rows);
        legs.push({ leg: 'VECTOR', hits: r.hits });
      })());
    }
    if ((input.mode === 'KEYWORD' || input.mode === 'HYBRID') && query) {
      const sql = keywordSql(ns.id, query, candidates);
      tasks.push((async () => {
        const found = await pooledRows<HitRow & { score: number }>(this.pool, single ? withHitColumns(sql, 'score') : sql);
        if (single) keep(found);
        legs.push({ leg: 'KEYWORD', hits: byLegOrder(found) });
      })());
    }
    if ((input.mode === 'GRAPH' || input.mode === 'HYBRID') && query) {
      tasks.push((async () => {
        const found = await this.graphLeg(ns, query, candidates, single);
        if (single) keep(found.filter((r): r is HitRow & { score: number } => r.position !== undefined));
        legs.push({ leg: 'GRAPH', hits: byLegOrder(found) });
      })());
    }
    await Promise.all(tasks);
    const fused = reciprocalRankFusion(legs, single ? {} : { minScore: input.minScore ?? undefined, limit: input.topK });
    const picked = fused
      .map((f) => ({ id: f.id, legs: f.legs, score: single ? f.legs[input.mode as RetrievalLeg]!.score : f.score }))
      .filter((f) => !single || input.minScore == null || f.score >= input.minScore)
      .slice(0, input.topK);
    const missing = picked.filter((p) => !rows.has(p.id)).map((p) => p.id);
    if (missing.length > 0) keep(await pooledRows<HitRow>(this.pool, hydrateSql(missing)));
    // A chunk deleted between the legs and the hydration is dropped.
    return { hits: picked.flatMap((p) => (rows.has(p.id) ? [toSearchHit(rows.get(p.id)!, p.score, p.legs)] : [])), cached: false, vectorScan };
  }

  /** The query's embedding, or null for a query without words (a zero vector has no direction). */
  private async embedQuery(ns: KnowledgeNamespace, query: string): Promise<Float32Array | null> {
    if (!query) return null;
    const embedder = await this.deps.embedder();
    if (ns.settings && embedder.id !== ns.settings.embedderId) {
      throw badInput(`namespace ${JSON.stringify(ns.name)} is embedded with ${ns.settings.embedderId}; this API embeds queries with ${embedder.id} (KNOWLEDGE_EMBEDDER): send a query vector or search with KEYWORD or GRAPH`, { field: 'mode' });
    }
    const [v] = await embedder.embed([query]);
    return v.some((x) => x !== 0) ? v : null;
  }

  /**
   * Exact for a namespace of at most `exactMaxChunks` chunks (a scan of its rows costs about
   * what the index does); otherwise HNSW with an iterative scan (one script: settings, query,
   * transaction), and exact when that still came back short. With `hydrate`, `rows` holds the
   * hits' chunks and documents, read by the same statement.
   */
  async vectorLeg(ns: Pick<KnowledgeNamespace, 'id' | 'settings'>, v: ArrayLike<number>, k: number, hydrate = false): Promise<{ hits: LegHits; scan: 'hnsw' | 'exact'; rows: HitRow[] | null }> {
    const chunks = ns.settings?.chunkCount ?? 0;
    const exact = async () => {
      const sql = exactVectorSql(ns.id, v, k);
      return pooledRows<HitRow & { distance: number }>(this.pool, hydrate ? withHitColumns(sql, 'distance') : sql);
    };
    let scan: 'hnsw' | 'exact' = 'exact';
    let found: (HitRow & { distance: number })[];
    if (chunks <= this.deps.exactMaxChunks) found = await exact();
    else {
      const ef = Math.min(Math.max(this.deps.efSearch, 2 * k), 1000);
      const results = await pooledScript(this.pool, hnswVectorScript(ns.id, v, k, { efSearch: ef, maxScanTuples: this.deps.maxScanTuples }, hydrate));
      found = results[HNSW_SCRIPT_ROWS].rows;
      scan = 'hnsw';
      if (found.length < k && chunks > found.length) {
        found = await exact();
        scan = 'exact';
      }
    }
    const ordered = [...found].sort((a, b) => a.distance - b.distance || cmp(a.id, b.id));
    return { hits: ordered.map((r) => ({ id: r.id, score: 1 - r.distance })), scan, rows: hydrate ? found : null };
  }

  /**
   * From the namespace's graph snapshot when it is current (no round trip; the hits are
   * hydrated with the others), else two statements: which word runs are entities, then graphSql.
   */
  private async graphLeg(ns: VersionedNamespace, query: string, k: number, hydrate: boolean): Promise<(Partial<HitRow> & { id: string; score: number })[]> {
    const candidates = queryEntityCandidates(query);
    if (candidates.length === 0) return [];
    const g = this.deps.snapshots?.current(ns.id, ns.version);
    if (g) {
      const keys = longestMentions(candidates, (key) => g.hasKey(key));
      return keys.length === 0 ? [] : g.graphLeg(keys, k);
    }
    const found = await pooledRows<{ key: string }>(this.pool, Prisma.sql`
      SELECT key FROM entities WHERE namespace_id = ${ns.id}::uuid AND key = ANY(${[...new Set(candidates.map((c) => c.key))]}::text[])`);
    const existing = new Set(found.map((r) => r.key));
    const keys = longestMentions(candidates, (key) => existing.has(key));
    if (keys.length === 0) return [];
    const sql = graphSql(ns.id, keys, k);
    return pooledRows(this.pool, hydrate ? withHitColumns(sql, 'score') : sql);
  }
}

/** A leg's rows by (score descending, id): the order its SQL returns, restored after a hydrating join. */
function byLegOrder(rows: readonly { id: string; score: number }[]): LegHits {
  return rows.map((r) => ({ id: r.id, score: r.score })).sort((a, b) => b.score - a.score || cmp(a.id, b.id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toSearchHit(r: HitRow, score: number, legs: SearchHit['legs']): SearchHit {
  return {
    chunk: { id: r.id, position: r.position, text: r.text, tokenCount: r.token_count, charStart: r.char_start, charEnd: r.char_end, documentId: r.document_id },
    document: {
      id: r.document_id, namespaceId: r.namespace_id, title: r.title, source: r.source, metadata: r.metadata, status: r.status, error: r.error,
      chunkCount: r.chunk_count, entityCount: r.entity_count, relationCount: r.relation_count, embedderId: r.embedder_id, dimension: r.dimension,
      sizeBytes: r.size_bytes, contentHash: r.content_hash, attempts: r.attempts, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
      processedAt: r.processed_at?.toISOString() ?? null,
    },
    score,
    legs,
  };
}
