/**
 * The SQL of the retrieval legs, kept apart so tests and benchmarks run exactly what the
 * search service runs.
 *
 * Vector leg. Chunks keep an untyped `vector`; the HNSW index of a dimension is on the
 * expression `embedding::vector(<d>)` WHERE dimension = <d>, so the approximate query must be
 * written with that expression (`hnswVectorSql`). Filtered by namespace, a plain HNSW scan
 * returns at most ef_search candidates before the filter, i.e. fewer hits than asked when the
 * namespace is a small share of the table; pgvector 0.8's iterative scan (relaxed order)
 * keeps scanning until enough rows pass the filter (or max_scan_tuples), so the query runs in
 * a transaction after `searchSettingsSql` (SET LOCAL through set_config) and re-sorts its
 * materialised result (relaxed order may be slightly out of order). It compares the namespace
 * as text so the planner cannot trade the index for the namespace B-tree: the service decides
 * between approximate and exact itself, from the namespace's size, and an EXPLAIN shows which
 * ran. `exactVectorSql` uses the untyped expression, which no HNSW index matches: an exact
 * scan of the namespace's rows (chunks_namespace_id_idx) for small namespaces, the fallback,
 * and the benchmark's ground truth.
 */
import { Prisma } from '@aivillage/db';
import { vectorLiteral } from './knowledge-store.js';

/**
 * `SET LOCAL hnsw.iterative_scan/ef_search/max_scan_tuples` as one statement (a transaction's
 * first), plus `enable_seqscan = off`: the service has decided on the index (the namespace is
 * large), and the planner, blind to the text-compared namespace's selectivity, would otherwise
 * sometimes prefer a sequential scan of a small table.
 */
export function searchSettingsSql(efSearch: number, maxScanTuples: number): Prisma.Sql {
  return Prisma.sql`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${String(efSearch)}, true),
                           set_config('hnsw.max_scan_tuples', ${String(maxScanTuples)}, true), set_config('enable_seqscan', 'off', true)`;
}

function typed(dimension: number): Prisma.Sql {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16_000) throw new RangeError(`bad dimension ${dimension}`);
  return Prisma.raw(`vector(${dimension})`);
}

/** Approximate top-k by cosine distance through the dimension's HNSW index. Rows: id, distance. */
export function hnswVectorSql(namespaceId: string, query: ArrayLike<number>, k: number): Prisma.Sql {
  const t = typed(query.length);
  const q = vectorLiteral(query);
  return Prisma.sql`
    WITH nearest AS MATERIALIZED (
      SELECT c.id, (c.embedding::${t} <=> ${q}::${t}) AS distance
        FROM chunks c
       WHERE c.namespace_id::text = ${namespaceId} AND c.dimension = ${query.length}::int
       ORDER BY c.embedding::${t} <=> ${q}::${t}
       LIMIT ${k}::int)
    SELECT id::text, distance FROM nearest ORDER BY distance, id`;
}

/** Exact top-k (no index can serve the untyped expression). Rows: id, distance. */
export function exactVectorSql(namespaceId: string, query: ArrayLike<number>, k: number): Prisma.Sql {
  const q = vectorLiteral(query);
  return Prisma.sql`
    SELECT c.id::text, (c.embedding <=> ${q}::vector) AS distance
      FROM chunks c
     WHERE c.namespace_id = ${namespaceId}::uuid AND c.dimension = ${query.length}::int
     ORDER BY distance, c.id
     LIMIT ${k}::int`;
}

/** Full-text top-k: websearch syntax ("quoted phrases", or, -not), ranked by ts_rank_cd. Rows: id, score. */
export function keywordSql(namespaceId: string, text: string, k: number): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id::text, ts_rank_cd(c.tsv, q.query)::float8 AS score
      FROM chunks c, websearch_to_tsquery('english', ${text}) AS q(query)
     WHERE c.namespace_id = ${namespaceId}::uuid AND c.tsv @@ q.query
     ORDER BY score DESC, c.id
     LIMIT ${k}::int`;
}

/**
 * Graph-expanded candidates: the entities the query names (`keys`), their `perEntity`
 * strongest relations (hop 1) and, through their strongest `fanout` neighbours, those
 * neighbours' `perNeighbour` strongest relations (hop 2) — all read from the covering
 * (endpoint, confidence DESC) indexes, so a hub costs `perEntity` index entries, not its
 * thousands of heap rows. A chunk's weight s sums the confidences of the relations it is
 * evidence of (a hop-2 one times half the hop-1 edge that led there); nearer evidence ranks
 * first: score = 1 + s/(1+s) for evidence of the named entities' own relations, s/(1+s) for
 * hop-2-only evidence. Rows: id, score.
 */
export function graphSql(namespaceId: string, keys: readonly string[], k: number, o: { perEntity?: number; fanout?: number; perNeighbour?: number } = {}): Prisma.Sql {
  const perEntity = o.perEntity ?? 1000;
  const fanout = o.fanout ?? 32;
  const perNeighbour = o.perNeighbour ?? 100;
  return Prisma.sql`
    WITH seeds AS (SELECT id FROM entities WHERE namespace_id = ${namespaceId}::uuid AND key = ANY(${[...keys]}::text[])),
    hop1 AS (
      SELECT x.* FROM seeds s, LATERAL (
        (SELECT r.evidence_chunk_id, r.confidence, r.object_id AS other FROM relations r WHERE r.subject_id = s.id ORDER BY r.confidence DESC LIMIT ${perEntity}::int)
        UNION ALL
        (SELECT r.evidence_chunk_id, r.confidence, r.subject_id FROM relations r WHERE r.object_id = s.id ORDER BY r.confidence DESC LIMIT ${perEntity}::int)) x),
    near AS (
      SELECT other AS id, max(confidence) AS w FROM hop1 WHERE other NOT IN (SELECT id FROM seeds)
       GROUP BY other ORDER BY w DESC, other LIMIT ${fanout}::int),
    hop2 AS (
      SELECT x.evidence_chunk_id, x.confidence * n.w * 0.5 AS weight
        FROM near n, LATERAL (
          (SELECT r.evidence_chunk_id, r.confidence FROM relations r WHERE r.subject_id = n.id AND r.evidence_chunk_id IS NOT NULL ORDER BY r.confidence DESC LIMIT ${perNeighbour}::int)
          UNION ALL
          (SELECT r.evidence_chunk_id, r.confidence FROM relations r WHERE r.object_id = n.id AND r.evidence_chunk_id IS NOT NULL ORDER BY r.confidence DESC LIMIT ${perNeighbour}::int)) x),
    weighted AS (
      SELECT evidence_chunk_id AS id, confidence AS weight, 1 AS hop FROM hop1 WHERE evidence_chunk_id IS NOT NULL
      UNION ALL
      SELECT evidence_chunk_id, weight, 2 FROM hop2),
    scored AS (SELECT id, sum(weight) AS s, min(hop) AS hop FROM weighted GROUP BY id)
    SELECT id::text, ((CASE WHEN hop = 1 THEN 1 ELSE 0 END) + s / (1 + s))::float8 AS score FROM scored ORDER BY score DESC, id LIMIT ${k}::int`;
}

/** The chunks (with their documents, content omitted) of hits. */
export function hydrateSql(chunkIds: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id::text, c.position, c.text, c.token_count, c.char_start, c.char_end,
           d.id::text AS document_id, d.namespace_id::text, d.title, d.source, d.metadata, d.status::text, d.error, d.chunk_count, d.entity_count, d.relation_count,
           d.embedder_id, d.dimension, d.size_bytes, d.content_hash, d.attempts, d.created_at, d.updated_at, d.processed_at
      FROM chunks c JOIN documents d ON d.id = c.document_id
     WHERE c.id = ANY(${[...chunkIds]}::uuid[])`;
}
