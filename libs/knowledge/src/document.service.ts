/**
 * Documents, API side: validate and store a document (PENDING) and queue its ingestion,
 * idempotently by content hash; read documents and their chunks; delete a document with the
 * graph evidence only it carried. The heavy work (chunk, embed, extract, write) is the
 * worker's (ingestion.runner.ts).
 *
 * Callers check the namespace role (DEVELOPER to write) before calling; reads take the
 * caller's visibility filter. Storage is reserved per document (its UTF-8 bytes) before the
 * row is written and released when it is deleted.
 */
import { createHash } from 'node:crypto';
import { badInput, notFound } from '@aivillage/errors';
import { Prisma, type Document, type PrismaClient } from '@aivillage/db';
import type { KnowledgeIngestionPayload } from '@aivillage/pubsub';
import type { QueueSet } from '@aivillage/queues';
import { checkDocumentSize } from './chunker.js';
import { EmbeddingDimensionError, KnowledgeInputError } from './knowledge-errors.js';
import { loadKnowledgeNamespace, lockNamespace, UUID } from './knowledge-store.js';

/** What the service needs from StorageQuotaService (@aivillage/auth). */
export interface StorageQuota {
  reserve(namespace: string, bytes: number): Promise<unknown>;
  release(namespace: string, bytes: number): Promise<void>;
}

export interface IngestDocumentInput {
  namespace: string;
  title: string;
  text: string;
  source?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** A document row without its content (reads never need it). */
export type DocumentRow = Omit<Document, 'content'>;

export interface IngestResult {
  document: DocumentRow;
  /** False when the same content was already in the namespace (the existing document is returned). */
  created: boolean;
}

export interface DocumentServiceDeps {
  prisma: PrismaClient;
  queues: QueueSet;
  storage: StorageQuota;
  /** KNOWLEDGE_MAX_DOCUMENT_BYTES. */
  maxDocumentBytes: number;
  /** The dimension this deployment embeds with (KNOWLEDGE_DIMENSION): a namespace created with another is refused. */
  dimension: number;
  publish(payload: KnowledgeIngestionPayload): void;
  /** A write changed what searches in the namespace return. */
  onChanged(namespaceId: string): Promise<void>;
}

const MAX_TITLE = 512;
const MAX_SOURCE = 2048;
const MAX_METADATA_BYTES = 64 * 1024;
const omitContent = { content: true } as const;

export const contentHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export class DocumentService {
  constructor(private readonly deps: DocumentServiceDeps) {}

  /**
   * Checks a document before any work: text present and within the size limit, title, source
   * and metadata well-formed. Throws KnowledgeInputError (BAD_USER_INPUT) or DocumentTooLargeError
   * (PAYLOAD_TOO_LARGE, the limit in its message).
   */
  validate(input: IngestDocumentInput, where = ''): void {
    const at = (m: string) => (where ? `${where}: ${m}` : m);
    if (typeof input.text !== 'string' || input.text.trim() === '') throw new KnowledgeInputError(at('text is empty'), { field: 'text' });
    try {
      checkDocumentSize(input.text, this.deps.maxDocumentBytes);
    } catch (error) {
      if (where) (error as Error).message = at((error as Error).message);
      throw error;
    }
    const title = input.title?.trim() ?? '';
    if (title.length < 1 || title.length > MAX_TITLE) throw new KnowledgeInputError(at(`title must be 1 to ${MAX_TITLE} characters`), { field: 'title' });
    if (input.source != null && (input.source.length < 1 || input.source.length > MAX_SOURCE)) {
      throw new KnowledgeInputError(at(`source must be 1 to ${MAX_SOURCE} characters`), { field: 'source' });
    }
    if (input.metadata != null) {
      if (typeof input.metadata !== 'object' || Array.isArray(input.metadata)) throw new KnowledgeInputError(at('metadata must be a JSON object'), { field: 'metadata' });
      if (Buffer.byteLength(JSON.stringify(input.metadata)) > MAX_METADATA_BYTES) throw new KnowledgeInputError(at(`metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON`), { field: 'metadata' });
    }
  }

  /**
   * Stores the document PENDING and queues its ingestion; returns at once. The same content
   * again in the namespace returns the existing document (a FAILED one is queued again).
   */
  async ingest(input: IngestDocumentInput): Promise<IngestResult> {
    this.validate(input);
    const { prisma, storage } = this.deps;
    const ns = await loadKnowledgeNamespace(prisma, input.namespace);
    if (ns.settings && ns.settings.dimension !== this.deps.dimension) {
      throw new EmbeddingDimensionError(ns.settings.dimension, this.deps.dimension, `namespace ${JSON.stringify(ns.name)} (its chunks have ${ns.settings.dimension} dimensions; this deployment embeds with KNOWLEDGE_DIMENSION=${this.deps.dimension})`);
    }
    const hash = contentHash(input.text);
    const existing = await prisma.document.findUnique({ where: { namespaceId_contentHash: { namespaceId: ns.id, contentHash: hash } }, omit: omitContent });
    if (existing) return { document: await this.requeueIfFailed(existing, ns.name), created: false };
    const sizeBytes = Buffer.byteLength(input.text, 'utf8');
    await storage.reserve(ns.name, sizeBytes);
    let document: DocumentRow;
    try {
      const rows = await prisma.$queryRaw<{ id: string }[]>`
        INSERT INTO documents (id, namespace_id, title, source, metadata, content, content_hash, size_bytes)
        VALUES (gen_random_uuid(), ${ns.id}::uuid, ${input.title.trim()}, ${input.source ?? null}, ${JSON.stringify(input.metadata ?? {})}::jsonb,
                ${input.text}, ${hash}, ${sizeBytes})
        ON CONFLICT (namespace_id, content_hash) DO NOTHING
        RETURNING id::text`;
      if (rows.length === 0) {
        // The same content arrived concurrently: that one wins.
        await storage.release(ns.name, sizeBytes);
        const winner = await prisma.document.findUniqueOrThrow({ where: { namespaceId_contentHash: { namespaceId: ns.id, contentHash: hash } }, omit: omitContent });
        return { document: winner, created: false };
      }
      document = await prisma.document.findUniqueOrThrow({ where: { id: rows[0].id }, omit: omitContent });
    } catch (error) {
      await storage.release(ns.name, sizeBytes);
      throw error;
    }
    try {
      await this.deps.queues.add('knowledge', 'ingest-document', { documentId: document.id }, { jobId: `ingest-${document.id}` });
    } catch (error) {
      // Without a job the row would stay PENDING forever.
      await prisma.document.delete({ where: { id: document.id } });
      await storage.release(ns.name, sizeBytes);
      throw error;
    }
    this.deps.publish({ documentId: document.id, namespace: ns.name, at: new Date().toISOString(), stage: 'QUEUED' });
    return { document, created: true };
  }

  /** Validates every input first (nothing is stored if one is bad), then ingests them in order. */
  async ingestMany(inputs: readonly IngestDocumentInput[], maxBatch: number): Promise<IngestResult[]> {
    if (inputs.length === 0) throw badInput('inputs is empty', { field: 'inputs' });
    if (inputs.length > maxBatch) throw badInput(`at most ${maxBatch} documents per call (KNOWLEDGE_MAX_BATCH_DOCUMENTS), got ${inputs.length}`, { field: 'inputs', max: maxBatch });
    inputs.forEach((input, i) => this.validate(input, `inputs[${i}]`));
    const out: IngestResult[] = [];
    for (const input of inputs) out.push(await this.ingest(input));
    return out;
  }

  private async requeueIfFailed(doc: DocumentRow, namespace: string): Promise<DocumentRow> {
    if (doc.status !== 'FAILED') return doc;
    const updated = await this.deps.prisma.document.updateMany({ where: { id: doc.id, status: 'FAILED' }, data: { status: 'PENDING', error: null } });
    if (updated.count === 1) {
      // A new job id: BullMQ keeps the failed job under the old one.
      await this.deps.queues.add('knowledge', 'ingest-document', { documentId: doc.id }, { jobId: `ingest-${doc.id}-${Date.now()}` });
      this.deps.publish({ documentId: doc.id, namespace, at: new Date().toISOString(), stage: 'QUEUED' });
    }
    return this.deps.prisma.document.findUniqueOrThrow({ where: { id: doc.id }, omit: omitContent });
  }

  async get(id: string, visible: Prisma.DocumentWhereInput): Promise<DocumentRow & { namespace: { name: string } }> {
    const doc = UUID.test(id) ? await this.deps.prisma.document.findFirst({ where: { AND: [{ id }, visible] }, omit: omitContent, include: { namespace: { select: { name: true } } } }) : null;
    if (!doc) throw notFound('Document', id);
    return doc;
  }

  /** Newest first, cursor after a document id. */
  async list(input: { visible: Prisma.DocumentWhereInput; namespace?: string | null; status?: Document['status'] | null; first: number; after?: string | null }) {
    const take = Math.min(Math.max(input.first, 1), 200);
    const rows = await this.deps.prisma.document.findMany({
      where: { AND: [input.visible, input.namespace ? { namespace: { name: input.namespace } } : {}, input.status ? { status: input.status } : {}] },
      omit: omitContent,
      include: { namespace: { select: { name: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: take + 1,
      ...(input.after && UUID.test(input.after) ? { cursor: { id: input.after }, skip: 1 } : {}),
    });
    return { nodes: rows.slice(0, take), hasNextPage: rows.length > take };
  }

  /**
   * Deletes the document, its chunks (their embeddings and mentions), the relations they were
   * the evidence of, and entities left with no relation and no mention — in one transaction.
   */
  async delete(id: string, visible: Prisma.DocumentWhereInput): Promise<DocumentRow & { namespace: { name: string } }> {
    const doc = await this.get(id, visible);
    const { prisma } = this.deps;
    const gone = await prisma.$transaction(async (tx) => {
      await lockNamespace(tx, doc.namespaceId);
      const [row] = await tx.$queryRaw<{ chunk_count: number; status: string; candidates: string[] | null }[]>`
        WITH ch AS (SELECT id FROM chunks WHERE document_id = ${id}::uuid),
             cand AS (SELECT entity_id AS id FROM entity_mentions WHERE chunk_id IN (SELECT id FROM ch)
                      UNION SELECT subject_id FROM relations WHERE evidence_chunk_id IN (SELECT id FROM ch)
                      UNION SELECT object_id FROM relations WHERE evidence_chunk_id IN (SELECT id FROM ch))
        SELECT d.chunk_count, d.status::text, (SELECT array_agg(id::text) FROM cand) AS candidates
          FROM documents d WHERE d.id = ${id}::uuid FOR UPDATE`;
      if (!row) return false; // deleted concurrently
      await tx.$executeRaw`DELETE FROM documents WHERE id = ${id}::uuid`;
      const candidates = row.candidates ?? [];
      if (candidates.length) {
        await tx.$executeRaw`
          DELETE FROM entities e
           WHERE e.id = ANY(${candidates}::uuid[])
             AND NOT EXISTS (SELECT 1 FROM relations r WHERE r.subject_id = e.id)
             AND NOT EXISTS (SELECT 1 FROM relations r WHERE r.object_id = e.id)
             AND NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.entity_id = e.id)`;
      }
      if (row.status === 'READY') {
        await tx.$executeRaw`UPDATE knowledge_settings SET chunk_count = GREATEST(0, chunk_count - ${row.chunk_count}), updated_at = now() WHERE namespace_id = ${doc.namespaceId}::uuid`;
      }
      return true;
    }, { timeout: 60_000 });
    if (gone) {
      await this.deps.storage.release(doc.namespace.name, doc.sizeBytes);
      await this.deps.onChanged(doc.namespaceId);
    }
    return doc;
  }
}
