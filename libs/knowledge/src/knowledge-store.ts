/**
 * What every knowledge service shares over Postgres: the namespace a call is about with its
 * knowledge settings (the embedding space fixed by the first ingestion), the namespace write
 * lock, and the text form of vectors pgvector parses.
 */
import { notFound } from '@aivillage/errors';
import { Prisma, type PrismaClient } from '@aivillage/db';

/** A transaction client (what `$transaction(async (tx) => …)` hands over). */
export type Tx = Prisma.TransactionClient;

export interface KnowledgeSettingsRow {
  embedderId: string;
  dimension: number;
  chunkCount: number;
}

export interface KnowledgeNamespace {
  id: string;
  name: string;
  /** Null until the first document of the namespace is written. */
  settings: KnowledgeSettingsRow | null;
}

/** First key of the namespace write lock ("KNOW"): ingestion writes, deletions and explicit triples of one namespace serialise on it. */
const NAMESPACE_LOCK_CLASS = 0x4b4e4f57;

/** The namespace and its knowledge settings; NOT_FOUND when the namespace does not exist. */
export async function loadKnowledgeNamespace(db: PrismaClient | Tx, name: string): Promise<KnowledgeNamespace> {
  const rows = await db.$queryRaw<{ id: string; name: string; embedder_id: string | null; dimension: number | null; chunk_count: number | null }[]>`
    SELECT n.id::text, n.name, s.embedder_id, s.dimension, s.chunk_count
      FROM namespaces n LEFT JOIN knowledge_settings s ON s.namespace_id = n.id
     WHERE n.name = ${name}`;
  const r = rows[0];
  if (!r) throw notFound('Namespace', name);
  return {
    id: r.id,
    name: r.name,
    settings: r.dimension === null ? null : { embedderId: r.embedder_id!, dimension: r.dimension, chunkCount: r.chunk_count! },
  };
}

/**
 * Serialises the writes of one namespace until the transaction ends. Entity upserts of two
 * documents would otherwise deadlock on shared keys, and the chunk count would race.
 */
export async function lockNamespace(tx: Tx, namespaceId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NAMESPACE_LOCK_CLASS}::int, hashtext(${namespaceId}))`;
}

/**
 * pgvector's text form `[x,y,…]`. Nine significant digits print any float32 exactly, so the
 * stored vector is bit-for-bit the embedder's.
 */
export function vectorLiteral(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    if (i) s += ',';
    const x = v[i];
    if (!Number.isFinite(x)) throw new RangeError(`vector component ${i} is ${x}`);
    s += x === 0 ? '0' : x.toPrecision(9);
  }
  return `${s}]`;
}

/** Parses pgvector's text form. */
export function parseVector(text: string): Float32Array {
  const body = text.trim().replace(/^\[|\]$/g, '');
  return body === '' ? new Float32Array(0) : Float32Array.from(body.split(','), Number);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The HNSW index of a dimension (a partial expression index; see the knowledge migration). */
export const hnswIndexName = (dimension: number) => `chunks_embedding_${dimension}_hnsw_idx`;
