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
 */
import { badInput } from '@aivillage/errors';
import type { PrismaClient } from '@aivillage/db';
import type { Embedder } from './embedder.js';
import { reciprocalRankFusion, type FusionLegInput, type RetrievalLeg } from './fusion.js';
import type { KnowledgeCache } from './knowledge-cache.js';
import { EmbeddingDimensionError, KnowledgeInputError } from './knowledge-errors.js';
import { loadKnowledgeNamespace, type KnowledgeNamespace } from './knowledge-store.js';
import { longestMentions, queryEntityCandidates } from './query-entities.js';
import { exactVectorSql, graphSql, hnswVectorSql, hydrateSql, keywordSql, searchSettingsSql } from './search-sql.js';

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
  constructor(private readonly deps: SearchServiceDeps) {}

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
    const ns = await loadKnowledgeNamespace(this.deps.prisma, input.namespace);
    if (vector) {
      // Before the namespace has chunks, the dimension it will get is the embedder's.
      const expected = ns.settings?.dimension ?? (await this.deps.embedder()).dimension;
      if (vector.length !== expected) {
        throw new EmbeddingDimensionError(expected, vector.length, `the query vector in namespace ${JSON.stringify(ns.name)} (its chunks have ${expected} dimensions)`);
      }
    }
    const identity = ['search', input.mode, query, input.topK, input.minScore ?? null, vector];
    const cached = await this.deps.cache.lookup<SearchResult>(ns.id, identity);
    if (cached.hit) {
      this.deps.onSearch?.(input.mode, (performance.now() - started) / 1000, true);
      return { ...cached.value, cached: true };
    }
    const result = await this.compute(ns, query, vector, input);
    await cached.store(result);
    this.deps.onSearch?.(input.mode, (performance.now() - started) / 1000, false);
    return result;
  }

  private async compute(ns: KnowledgeNamespace, query: string, vector: readonly number[] | null, input: SearchInput): Promise<SearchResult> {
    if (!ns.settings) return { hits: [], cached: false, vectorScan: null };
    const single = input.mode !== 'HYBRID';
    // Each leg brings more candidates than asked in HYBRID: agreement further down a leg still counts.
    const candidates = single ? input.topK : Math.min(200, Math.max(3 * input.topK, 30));
    const legs: FusionLegInput[] = [];
    let vectorScan: SearchResult['vectorScan'] = null;
    const tasks: Promise<void>[] = [];
    if (input.mode === 'VECTOR' || input.mode === 'HYBRID') {
      tasks.push((async () => {
        const v = vector ?? (await this.embedQuery(ns, query));
        if (!v) return;
        const r = await this.vectorLeg(ns, v, candidates);
        vectorScan = r.scan;
        legs.push({ leg: 'VECTOR', hits: r.hits });
      })());
    }
    if ((input.mode === 'KEYWORD' || input.mode === 'HYBRID') && query) {
      tasks.push(this.deps.prisma.$queryRaw<{ id: string; score: number }[]>(keywordSql(ns.id, query, candidates)).then((hits) => void legs.push({ leg: 'KEYWORD', hits })));
    }
    if ((input.mode === 'GRAPH' || input.mode === 'HYBRID') && query) {
      tasks.push(this.graphLeg(ns, query, candidates).then((hits) => void legs.push({ leg: 'GRAPH', hits })));
    }
    await Promise.all(tasks);
    const fused = reciprocalRankFusion(legs, single ? {} : { minScore: input.minScore ?? undefined, limit: input.topK });
    const picked = fused
      .map((f) => ({ id: f.id, legs: f.legs, score: single ? f.legs[input.mode as RetrievalLeg]!.score : f.score }))
      .filter((f) => !single || input.minScore == null || f.score >= input.minScore)
      .slice(0, input.topK);
    return { hits: await this.hydrate(picked), cached: false, vectorScan };
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
   * what the index does); otherwise HNSW with an iterative scan in a transaction, and exact
   * when that still came back short.
   */
  async vectorLeg(ns: Pick<KnowledgeNamespace, 'id' | 'settings'>, v: ArrayLike<number>, k: number): Promise<{ hits: LegHits; scan: 'hnsw' | 'exact' }> {
    const { prisma } = this.deps;
    const chunks = ns.settings?.chunkCount ?? 0;
    if (chunks <= this.deps.exactMaxChunks) {
      const rows = await prisma.$queryRaw<{ id: string; distance: number }[]>(exactVectorSql(ns.id, v, k));
      return { hits: rows.map((r) => ({ id: r.id, score: 1 - r.distance })), scan: 'exact' };
    }
    const ef = Math.max(this.deps.efSearch, 2 * k);
    const [, rows] = await prisma.$transaction([
      prisma.$queryRaw(searchSettingsSql(Math.min(ef, 1000), this.deps.maxScanTuples)),
      prisma.$queryRaw<{ id: string; distance: number }[]>(hnswVectorSql(ns.id, v, k)),
    ]);
    let scan: 'hnsw' | 'exact' = 'hnsw';
    let hits = rows;
    if (rows.length < k && chunks > rows.length) {
      hits = await prisma.$queryRaw<{ id: string; distance: number }[]>(exactVectorSql(ns.id, v, k));
      scan = 'exact';
    }
    return { hits: hits.map((r) => ({ id: r.id, score: 1 - r.distance })), scan };
  }

  private async graphLeg(ns: KnowledgeNamespace, query: string, k: number): Promise<LegHits> {
    const candidates = queryEntityCandidates(query);
    if (candidates.length === 0) return [];
    const found = await this.deps.prisma.$queryRaw<{ key: string }[]>`
      SELECT key FROM entities WHERE namespace_id = ${ns.id}::uuid AND key = ANY(${[...new Set(candidates.map((c) => c.key))]}::text[])`;
    const existing = new Set(found.map((r) => r.key));
    const keys = longestMentions(candidates, (key) => existing.has(key));
    if (keys.length === 0) return [];
    return this.deps.prisma.$queryRaw<{ id: string; score: number }[]>(graphSql(ns.id, keys, k));
  }

  private async hydrate(picked: { id: string; score: number; legs: SearchHit['legs'] }[]): Promise<SearchHit[]> {
    if (picked.length === 0) return [];
    type Row = {
      id: string; position: number; text: string; token_count: number; char_start: number; char_end: number; document_id: string; namespace_id: string;
      title: string; source: string | null; metadata: unknown; status: string; error: string | null; chunk_count: number; entity_count: number; relation_count: number;
      embedder_id: string | null; dimension: number | null; size_bytes: number; content_hash: string; attempts: number; created_at: Date; updated_at: Date; processed_at: Date | null;
    };
    const rows = await this.deps.prisma.$queryRaw<Row[]>(hydrateSql(picked.map((p) => p.id)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    // A chunk deleted between the legs and here is dropped.
    return picked.flatMap((p) => {
      const r = byId.get(p.id);
      if (!r) return [];
      return [{
        chunk: { id: r.id, position: r.position, text: r.text, tokenCount: r.token_count, charStart: r.char_start, charEnd: r.char_end, documentId: r.document_id },
        document: {
          id: r.document_id, namespaceId: r.namespace_id, title: r.title, source: r.source, metadata: r.metadata, status: r.status, error: r.error,
          chunkCount: r.chunk_count, entityCount: r.entity_count, relationCount: r.relation_count, embedderId: r.embedder_id, dimension: r.dimension,
          sizeBytes: r.size_bytes, contentHash: r.content_hash, attempts: r.attempts, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
          processedAt: r.processed_at?.toISOString() ?? null,
        },
        score: p.score,
        legs: p.legs,
      }];
    });
  }
}
