/**
 * Building the HNSW index of one embedding dimension. The knowledge migration creates the
 * 384-dimension index with the guide's parameters (m = 16, ef_construction = 200) because a
 * migration cannot read configuration; this rebuilds it with other parameters
 * (KNOWLEDGE_HNSW_M / KNOWLEDGE_HNSW_EF_CONSTRUCTION) or adds the index of another dimension,
 * without blocking writes (CREATE INDEX CONCURRENTLY under a temporary name, then a swap).
 * Also used by the benchmark to index vectors after bulk-loading them (much faster than
 * inserting into a live index).
 */
import pg from 'pg';
import { hnswIndexName } from './knowledge-store.js';

export interface HnswIndexOptions {
  dimension: number;
  m: number;
  efConstruction: number;
  /** Without CONCURRENTLY the build locks writes but is faster (a bulk load, a benchmark). */
  concurrently?: boolean;
  /** SET maintenance_work_mem for the build (the graph should fit in it), e.g. '1GB'. */
  maintenanceWorkMem?: string;
  log?: (message: string) => void;
}

/** Creates or replaces `chunks_embedding_<d>_hnsw_idx`; resolves with the build time in ms. */
export async function buildHnswIndex(client: pg.ClientBase, o: HnswIndexOptions): Promise<number> {
  for (const [name, v, min, max] of [['dimension', o.dimension, 1, 16_000], ['m', o.m, 2, 100], ['efConstruction', o.efConstruction, 4, 1000]] as const) {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
  if (o.efConstruction < 2 * o.m) throw new RangeError(`efConstruction must be at least 2 × m (pgvector), got ${o.efConstruction} with m ${o.m}`);
  const name = hnswIndexName(o.dimension);
  const temp = `${name}_new`;
  const concurrently = o.concurrently === false ? '' : 'CONCURRENTLY';
  if (o.maintenanceWorkMem) await client.query(`SET maintenance_work_mem = ${pg.escapeLiteral(o.maintenanceWorkMem)}`);
  const started = performance.now();
  await client.query(`DROP INDEX ${concurrently} IF EXISTS ${pg.escapeIdentifier(temp)}`);
  o.log?.(`building ${name} (m = ${o.m}, ef_construction = ${o.efConstruction}) …`);
  await client.query(
    `CREATE INDEX ${concurrently} ${pg.escapeIdentifier(temp)} ON chunks USING hnsw ((embedding::vector(${o.dimension})) vector_cosine_ops)
       WITH (m = ${o.m}, ef_construction = ${o.efConstruction}) WHERE dimension = ${o.dimension}`,
  );
  await client.query(`DROP INDEX ${concurrently} IF EXISTS ${pg.escapeIdentifier(name)}`);
  await client.query(`ALTER INDEX ${pg.escapeIdentifier(temp)} RENAME TO ${pg.escapeIdentifier(name)}`);
  const ms = performance.now() - started;
  o.log?.(`built ${name} in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** Drops the dimension's index (before a bulk load). */
export async function dropHnswIndex(client: pg.ClientBase, dimension: number): Promise<void> {
  await client.query(`DROP INDEX IF EXISTS ${pg.escapeIdentifier(hnswIndexName(dimension))}`);
}
