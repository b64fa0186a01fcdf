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
 *
 * The service sends the HNSW query as ONE simple-protocol script (`hnswVectorScript`: BEGIN,
 * the SET LOCALs, the query, COMMIT) on one pooled connection — one round trip instead of
 * four. A simple-protocol script cannot carry parameters, so its query is written with
 * literals: the namespace id (a uuid the service read from the database, checked again here),
 * the vector (formatted from finite numbers by `vectorLiteral`), k and the dimension
 * (integers). No user text is ever inlined; the keyword and graph legs stay parameterised.
 * `withHitColumns` joins a leg's rows to their chunk and document, so a single-leg search
 * returns hydrated hits from the same statement.
 */
import { Prisma } from '@aivillage/db';
import { UUID, vectorLiteral } from './knowledge-store.js';

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

function typedText(dimension: number): string {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16_000) throw new RangeError(`bad dimension ${dimension}`);
  return `vector(${dimension})`;
}

function checkedInt(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** A uuid written into SQL text: it must look like one (it comes from the database, never from a user). */
function uuidText(id: string): string {
  if (!UUID.test(id)) throw new RangeError(`not a uuid: ${JSON.stringify(id)}`);
  return `'${id.toLowerCase()}'`;
}

/**
 * The approximate query with literals only (what both hnswVectorSql and hnswVectorScript send).
 * ORDER BY names the distance column, so the vector is written once; it is still the index's
 * expression, and EXPLAIN shows the HNSW scan.
 */
function hnswVectorText(namespaceId: string, query: ArrayLike<number>, k: number): string {
  const t = typedText(query.length);
  const q = `'${vectorLiteral(query)}'::${t}`;
  return `
    WITH nearest AS MATERIALIZED (
      SELECT c.id, (c.embedding::${t} <=> ${q}) AS distance
        FROM chunks c
       WHERE c.namespace_id::text = ${uuidText(namespaceId)} AND c.dimension = ${query.length}
       ORDER BY distance
       LIMIT ${checkedInt('k', k, 1, 100_000)})
    SELECT id::text, distance FROM nearest ORDER BY distance, id`;
}

/** Approximate top-k by cosine distance through the dimension's HNSW index. Rows: id, distance. */
export function hnswVectorSql(namespaceId: string, query: ArrayLike<number>, k: number): Prisma.Sql {
  return Prisma.raw(hnswVectorText(namespaceId, query, k));
}

export interface HnswScanSettings {
  /** hnsw.ef_search (1..1000). */
  efSearch: number;
  /** hnsw.max_scan_tuples. */
  maxScanTuples: number;
}

/**
 * The whole approximate search as one simple-protocol script: the settings of
 * `searchSettingsSql` as SET LOCALs, the query of `hnswVectorSql` (hydrated with
 * `withHitColumns` when `hydrate`), in its own transaction. Send it with no parameters (pg:
 * `client.query(text)`); its results are [BEGIN, 4 × SET, the rows, COMMIT]. After an error the
 * connection is left in the aborted transaction: roll back before releasing it.
 */
export function hnswVectorScript(namespaceId: string, query: ArrayLike<number>, k: number, s: HnswScanSettings, hydrate: boolean): string {
  const select = hnswVectorText(namespaceId, query, k);
  return `BEGIN;
    SET LOCAL hnsw.iterative_scan = relaxed_order;
    SET LOCAL hnsw.ef_search = ${checkedInt('efSearch', s.efSearch, 1, 1000)};
    SET LOCAL hnsw.max_scan_tuples = ${checkedInt('maxScanTuples', s.maxScanTuples, 1, 2 ** 31 - 1)};
    SET LOCAL enable_seqscan = off;
    ${hydrate ? hitColumnsText(select, 'distance') : select};
    COMMIT`;
}

/** Index of the query's rows in hnswVectorScript's results. */
export const HNSW_SCRIPT_ROWS = 5;

/** Exact top-k (no index can serve the untyped expression). Rows: id, distance. */
export function exactVectorSql(namespaceId: string, query: ArrayLike<number>, k: number): Prisma.Sql {
  return Prisma.raw(`
    SELECT c.id::text, (c.embedding <=> '${vectorLiteral(query)}'::vector) AS distance
      FROM chunks c
     WHERE c.namespace_id = ${uuidText(namespaceId)}::uuid AND c.dimension = ${checkedInt('dimension', query.length, 1, 16_000)}
     ORDER BY distance, c.id
     LIMIT ${checkedInt('k', k, 1, 100_000)}`);
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

export interface GraphLegLimits {
  /** Relations read per named entity and direction (hop 1). */
  perEntity: number;
  /** Strongest hop-1 neighbours expanded (hop 2). */
  fanout: number;
  /** Relations with evidence read per such neighbour and direction. */
  perNeighbour: number;
}

export const GRAPH_LEG_LIMITS: GraphLegLimits = { perEntity: 1000, fanout: 32, perNeighbour: 100 };

/**
 * Graph-expanded candidates: the entities the query names (`keys`), their `perEntity`
 * strongest relations (hop 1) and, through their strongest `fanout` neighbours, those
 * neighbours' `perNeighbour` strongest relations (hop 2) — all read from the covering
 * (endpoint, confidence DESC) indexes, so a hub costs `perEntity` index entries, not its
 * thousands of heap rows. A chunk's weight s sums the confidences of the relations it is
 * evidence of (a hop-2 one times half the hop-1 edge that led there); nearer evidence ranks
 * first: score = 1 + s/(1+s) for evidence of the named entities' own relations, s/(1+s) for
 * hop-2-only evidence. Rows: id, score.
 *
 * Every choice is deterministic — equal confidences are taken in relation-id order, sums add
 * their terms in ascending order — so an in-memory graph snapshot (`GraphSnapshot.graphLeg`)
 * computes exactly the same rows, bit for bit.
 */
export function graphSql(namespaceId: string, keys: readonly string[], k: number, o: Partial<GraphLegLimits> = {}): Prisma.Sql {
  const { perEntity, fanout, perNeighbour } = { ...GRAPH_LEG_LIMITS, ...o };
  return Prisma.sql`
    WITH seeds AS (SELECT id FROM entities WHERE namespace_id = ${namespaceId}::uuid AND key = ANY(${[...keys]}::text[])),
    hop1 AS (
      SELECT x.* FROM seeds s, LATERAL (
        (SELECT r.evidence_chunk_id, r.confidence, r.object_id AS other FROM relations r WHERE r.subject_id = s.id ORDER BY r.confidence DESC, r.id LIMIT ${perEntity}::int)
        UNION ALL
        (SELECT r.evidence_chunk_id, r.confidence, r.subject_id FROM relations r WHERE r.object_id = s.id ORDER BY r.confidence DESC, r.id LIMIT ${perEntity}::int)) x),
    near AS (
      SELECT other AS id, max(confidence) AS w FROM hop1 WHERE other NOT IN (SELECT id FROM seeds)
       GROUP BY other ORDER BY w DESC, other LIMIT ${fanout}::int),
    hop2 AS (
      SELECT x.evidence_chunk_id, x.confidence * n.w * 0.5::float8 AS weight
        FROM near n, LATERAL (
          (SELECT r.evidence_chunk_id, r.confidence FROM relations r WHERE r.subject_id = n.id AND r.evidence_chunk_id IS NOT NULL ORDER BY r.confidence DESC, r.id LIMIT ${perNeighbour}::int)
          UNION ALL
          (SELECT r.evidence_chunk_id, r.confidence FROM relations r WHERE r.object_id = n.id AND r.evidence_chunk_id IS NOT NULL ORDER BY r.confidence DESC, r.id LIMIT ${perNeighbour}::int)) x),
    weighted AS (
      SELECT evidence_chunk_id AS id, confidence AS weight, 1 AS hop FROM hop1 WHERE evidence_chunk_id IS NOT NULL
      UNION ALL
      SELECT evidence_chunk_id, weight, 2 FROM hop2),
    scored AS (SELECT id, sum(weight ORDER BY weight) AS s, min(hop) AS hop FROM weighted GROUP BY id)
    SELECT id::text, ((CASE WHEN hop = 1 THEN 1 ELSE 0 END) + s / (1 + s))::float8 AS score FROM scored ORDER BY score DESC, id LIMIT ${k}::int`;
}

/** The chunk and document columns of a hit (the document's content omitted), aliased as HitRow's fields. */
const HIT_COLUMNS = `c.position, c.text, c.token_count, c.char_start, c.char_end,
           d.id::text AS document_id, d.namespace_id::text, d.title, d.source, d.metadata, d.status::text, d.error, d.chunk_count, d.entity_count, d.relation_count,
           d.embedder_id, d.dimension, d.size_bytes, d.content_hash, d.attempts, d.created_at, d.updated_at, d.processed_at`;

/** A hit's row: the leg's id and score (or distance), its chunk and its document. */
export interface HitRow {
  id: string;
  score?: number;
  distance?: number;
  position: number; text: string; token_count: number; char_start: number; char_end: number; document_id: string; namespace_id: string;
  title: string; source: string | null; metadata: unknown; status: string; error: string | null; chunk_count: number; entity_count: number; relation_count: number;
  embedder_id: string | null; dimension: number | null; size_bytes: number; content_hash: string; attempts: number; created_at: Date; updated_at: Date; processed_at: Date | null;
}

function hitColumnsText(legText: string, scoreColumn: 'score' | 'distance'): string {
  return `
    WITH leg AS MATERIALIZED (${legText})
    SELECT leg.id, leg.${scoreColumn}, ${HIT_COLUMNS}
      FROM leg JOIN chunks c ON c.id = leg.id::uuid JOIN documents d ON d.id = c.document_id`;
}

/**
 * A leg's rows (id, score or distance) with their chunks and documents (HitRow), in no
 * particular order — the caller ranks by the leg's own order. A chunk deleted meanwhile drops out.
 */
export function withHitColumns(leg: Prisma.Sql, scoreColumn: 'score' | 'distance'): Prisma.Sql {
  return Prisma.sql`
    WITH leg AS MATERIALIZED (${leg})
    SELECT leg.id, leg.${Prisma.raw(scoreColumn)}, ${Prisma.raw(HIT_COLUMNS)}
      FROM leg JOIN chunks c ON c.id = leg.id::uuid JOIN documents d ON d.id = c.document_id`;
}

/** The chunks (with their documents, content omitted) of hits: HitRow without a score. */
export function hydrateSql(chunkIds: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id::text, ${Prisma.raw(HIT_COLUMNS)}
      FROM chunks c JOIN documents d ON d.id = c.document_id
     WHERE c.id = ANY(${[...chunkIds]}::uuid[])`;
}
