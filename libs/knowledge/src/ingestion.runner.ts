/**
 * Ingestion, worker side: one document from PENDING to READY. Chunk (with the embedder's
 * tokenizer when it has one), embed in batches, extract entities and relations, then write
 * everything in ONE transaction — chunks, entities, mentions and relations each as a single
 * INSERT … SELECT FROM unnest(…) — so a worker killed at any point leaves either nothing or
 * the whole document; BullMQ's stalled-job recovery then runs the job again elsewhere.
 *
 * Idempotent: a job for a document that is READY or gone does nothing (BullMQ may deliver a
 * job twice after a crash). Errors in the document itself (no tokens, another namespace's
 * dimension) fail it at once without retries; others are retried by BullMQ and fail the
 * document on the last attempt.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '@aivillage/errors';
import type { PrismaClient } from '@aivillage/db';
import type { KnowledgeIngestionPayload } from '@aivillage/pubsub';
import { chunkText, type Chunk } from './chunker.js';
import type { Embedder } from './embedder.js';
import { extractGraph, type GraphExtraction } from './extract.js';
import { EmbeddingDimensionError, KnowledgeInputError } from './knowledge-errors.js';
import { lockNamespace, vectorLiteral, type Tx } from './knowledge-store.js';

export interface IngestionRunnerDeps {
  prisma: PrismaClient;
  /** The configured embedder (created once per process, on the first job). */
  embedder(): Promise<Embedder>;
  publish(payload: KnowledgeIngestionPayload): Promise<void>;
  /** Called after a document is written (bumps the namespace's cache version). */
  onChanged(namespaceId: string): Promise<void>;
  chunkTokens: number;
  overlapTokens: number;
  embedBatch: number;
  maxDocumentBytes: number;
  /** Figures of each finished document (Prometheus). */
  onDocument?(outcome: 'ready' | 'failed', figures: IngestionFigures | null): void;
}

export interface IngestionFigures {
  chunks: number;
  entities: number;
  relations: number;
  /** Wall time per stage, ms. */
  stages: { chunking: number; embedding: number; extracting: number; writing: number };
  totalMs: number;
}

export type IngestionOutcome = { status: 'READY'; figures: IngestionFigures } | { status: 'SKIPPED'; reason: string };

/** A document problem retrying cannot fix: the processor turns it into an UnrecoverableError. */
export class IngestionRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestionRejectedError';
  }
}

/** Progress events at most this often while embedding (plus the last one). */
const PROGRESS_EVERY_MS = 100;
const MAX_ALIASES = 32;

export class IngestionRunner {
  constructor(private readonly deps: IngestionRunnerDeps) {}

  /**
   * Ingests one document. `finalAttempt`: BullMQ will not retry this job if it fails, so a
   * transient failure marks the document FAILED instead of leaving it for a retry.
   */
  async ingest(documentId: string, finalAttempt: boolean): Promise<IngestionOutcome> {
    const { prisma } = this.deps;
    const claimed = await prisma.$queryRaw<{ namespace_id: string; namespace: string; content: string }[]>`
      UPDATE documents d SET status = 'PROCESSING', attempts = attempts + 1, updated_at = now()
        FROM namespaces n
       WHERE d.id = ${documentId}::uuid AND n.id = d.namespace_id AND d.status <> 'READY'
      RETURNING d.namespace_id::text, n.name AS namespace, d.content`;
    if (claimed.length === 0) return { status: 'SKIPPED', reason: 'document is READY or was deleted' };
    const { namespace_id: namespaceId, namespace, content } = claimed[0];
    const event = (stage: KnowledgeIngestionPayload['stage'], extra: Partial<KnowledgeIngestionPayload> = {}) =>
      this.deps.publish({ documentId, namespace, at: new Date().toISOString(), stage, ...extra }).catch(() => undefined);
    try {
      const outcome = await this.run(documentId, namespaceId, content, event);
      if (outcome.status === 'READY') {
        await this.deps.onChanged(namespaceId);
        const f = outcome.figures;
        await event('READY', { chunks: f.chunks, embedded: f.chunks, entities: f.entities, relations: f.relations });
        this.deps.onDocument?.('ready', f);
      }
      return outcome;
    } catch (error) {
      const rejected = error instanceof IngestionRejectedError || (error instanceof AppError && error.isUserError);
      const message = (error as Error).message;
      if (rejected || finalAttempt) {
        await prisma.$executeRaw`UPDATE documents SET status = 'FAILED', error = ${message}, updated_at = now() WHERE id = ${documentId}::uuid AND status <> 'READY'`;
        await event('FAILED', { error: message });
        this.deps.onDocument?.('failed', null);
      } else {
        // BullMQ retries it; say why meanwhile.
        await prisma.$executeRaw`UPDATE documents SET status = 'PENDING', error = ${message}, updated_at = now() WHERE id = ${documentId}::uuid AND status = 'PROCESSING'`;
      }
      throw rejected && !(error instanceof IngestionRejectedError) ? new IngestionRejectedError(message) : error;
    }
  }

  /** Records a document whose job BullMQ gave up on without our processor deciding (it stalled too often). */
  async fail(documentId: string, message: string): Promise<void> {
    const rows = await this.deps.prisma.$queryRaw<{ namespace: string }[]>`
      UPDATE documents d SET status = 'FAILED', error = ${message}, updated_at = now() FROM namespaces n
       WHERE d.id = ${documentId}::uuid AND n.id = d.namespace_id AND d.status <> 'READY' RETURNING n.name AS namespace`;
    if (rows[0]) await this.deps.publish({ documentId, namespace: rows[0].namespace, at: new Date().toISOString(), stage: 'FAILED', error: message }).catch(() => undefined);
  }

  private async run(
    documentId: string,
    namespaceId: string,
    content: string,
    event: (stage: KnowledgeIngestionPayload['stage'], extra?: Partial<KnowledgeIngestionPayload>) => Promise<unknown>,
  ): Promise<IngestionOutcome> {
    const started = performance.now();
    const embedder = await this.deps.embedder();
    await this.checkSpace(namespaceId, embedder);

    await event('CHUNKING');
    let t = performance.now();
    const maxTokens = Math.min(this.deps.chunkTokens, embedder.maxInputTokens ?? Number.POSITIVE_INFINITY);
    let chunks: Chunk[];
    try {
      chunks = chunkText(content, { tokenizer: embedder.tokenizer, maxTokens, overlapTokens: Math.min(this.deps.overlapTokens, maxTokens - 1), maxBytes: this.deps.maxDocumentBytes });
    } catch (error) {
      throw error instanceof KnowledgeInputError ? new IngestionRejectedError((error as Error).message) : error;
    }
    const chunking = performance.now() - t;

    t = performance.now();
    await event('EMBEDDING', { chunks: chunks.length, embedded: 0 });
    const vectors: Float32Array[] = [];
    let lastEvent = performance.now();
    for (let i = 0; i < chunks.length; i += this.deps.embedBatch) {
      const batch = await embedder.embed(chunks.slice(i, i + this.deps.embedBatch).map((c) => c.text));
      for (const v of batch) {
        if (v.length !== embedder.dimension) throw new EmbeddingDimensionError(embedder.dimension, v.length, `embedder ${embedder.id}`);
        vectors.push(v);
      }
      const now = performance.now();
      if (now - lastEvent >= PROGRESS_EVERY_MS || vectors.length === chunks.length) {
        lastEvent = now;
        await event('EMBEDDING', { chunks: chunks.length, embedded: vectors.length });
      }
    }
    const embedding = performance.now() - t;

    t = performance.now();
    await event('EXTRACTING', { chunks: chunks.length, embedded: chunks.length });
    const graph = extractGraph(chunks.map((c) => ({ index: c.index, text: c.text })), { maxBytes: this.deps.maxDocumentBytes * 2 });
    const extracting = performance.now() - t;

    t = performance.now();
    await event('WRITING', { chunks: chunks.length, embedded: chunks.length, entities: graph.entities.length, relations: graph.relations.length });
    const written = await this.deps.prisma.$transaction((tx) => this.write(tx, documentId, namespaceId, embedder, chunks, vectors, graph), { timeout: 300_000, maxWait: 30_000 });
    if (!written) return { status: 'SKIPPED', reason: 'document was deleted or finished meanwhile' };
    const writing = performance.now() - t;
    return {
      status: 'READY',
      figures: {
        chunks: chunks.length, entities: graph.entities.length, relations: written.relations,
        stages: { chunking, embedding, extracting, writing }, totalMs: performance.now() - started,
      },
    };
  }

  /** The namespace's embedding space must be this embedder's (checked again under the lock when writing). */
  private async checkSpace(namespaceId: string, embedder: Embedder, tx: PrismaClient | Tx = this.deps.prisma, lock = false): Promise<void> {
    const rows = lock
      ? await tx.$queryRaw<{ embedder_id: string; dimension: number }[]>`SELECT embedder_id, dimension FROM knowledge_settings WHERE namespace_id = ${namespaceId}::uuid FOR UPDATE`
      : await tx.$queryRaw<{ embedder_id: string; dimension: number }[]>`SELECT embedder_id, dimension FROM knowledge_settings WHERE namespace_id = ${namespaceId}::uuid`;
    const s = rows[0];
    if (!s) return;
    if (s.dimension !== embedder.dimension) {
      throw new EmbeddingDimensionError(s.dimension, embedder.dimension, `the namespace (its chunks have ${s.dimension} dimensions; the worker's embedder ${embedder.id} makes ${embedder.dimension})`);
    }
    if (s.embedder_id !== embedder.id) {
      throw new IngestionRejectedError(`the namespace is embedded with ${s.embedder_id}, the worker's embedder is ${embedder.id}: vectors of different embedders are not comparable`);
    }
  }

  /** Everything in one transaction; false when the document is no longer there to write. */
  private async write(tx: Tx, documentId: string, namespaceId: string, embedder: Embedder, chunks: Chunk[], vectors: Float32Array[], graph: GraphExtraction): Promise<{ relations: number } | false> {
    await lockNamespace(tx, namespaceId);
    await tx.$executeRaw`
      INSERT INTO knowledge_settings (namespace_id, embedder_id, dimension) VALUES (${namespaceId}::uuid, ${embedder.id}, ${embedder.dimension})
      ON CONFLICT (namespace_id) DO NOTHING`;
    await this.checkSpace(namespaceId, embedder, tx, true);
    const doc = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM documents WHERE id = ${documentId}::uuid FOR UPDATE`;
    if (!doc[0] || doc[0].status === 'READY') return false;
    await tx.$executeRaw`DELETE FROM chunks WHERE document_id = ${documentId}::uuid`;

    const chunkIds = chunks.map(() => randomUUID());
    const dim = embedder.dimension;
    await tx.$executeRaw`
      INSERT INTO chunks (id, document_id, namespace_id, position, text, token_count, char_start, char_end, dimension, embedding)
      SELECT u.id, ${documentId}::uuid, ${namespaceId}::uuid, u.position, u.text, u.tokens, u.cs, u.ce, ${dim}::int, u.e::vector
        FROM unnest(${chunkIds}::uuid[], ${chunks.map((c) => c.index)}::int[], ${chunks.map((c) => c.text)}::text[], ${chunks.map((c) => c.tokenCount)}::int[],
                    ${chunks.map((c) => c.charStart)}::int[], ${chunks.map((c) => c.charEnd)}::int[], ${vectors.map(vectorLiteral)}::text[])
             AS u(id, position, text, tokens, cs, ce, e)`;

    let relations = 0;
    if (graph.entities.length) {
      const ents = graph.entities; // sorted by key: concurrent writers lock rows in the same order
      // New entities are inserted; existing ones gain aliases and lose an unknown (CONCEPT) type, and are
      // only rewritten when that changes something.
      await tx.$executeRaw`
        INSERT INTO entities (id, namespace_id, key, name, type, aliases)
        SELECT gen_random_uuid(), ${namespaceId}::uuid, u.key, left(u.name, 256), u.type::"EntityType",
               ARRAY(SELECT jsonb_array_elements_text(u.aliases::jsonb) LIMIT ${MAX_ALIASES})
          FROM unnest(${ents.map((e) => e.key.slice(0, 256))}::text[], ${ents.map((e) => e.name)}::text[], ${ents.map((e) => e.type)}::text[],
                      ${ents.map((e) => JSON.stringify(e.aliases))}::text[]) AS u(key, name, type, aliases)
        ON CONFLICT (namespace_id, key) DO UPDATE
           SET aliases = ARRAY(SELECT a FROM (SELECT DISTINCT unnest(entities.aliases || EXCLUDED.aliases) AS a) s ORDER BY a LIMIT ${MAX_ALIASES}),
               type = CASE WHEN entities.type = 'CONCEPT' THEN EXCLUDED.type ELSE entities.type END
         WHERE (entities.type = 'CONCEPT' AND EXCLUDED.type <> 'CONCEPT') OR NOT (entities.aliases @> EXCLUDED.aliases)`;
      const ids = await tx.$queryRaw<{ id: string; key: string }[]>`
        SELECT id::text, key FROM entities WHERE namespace_id = ${namespaceId}::uuid AND key = ANY(${ents.map((e) => e.key.slice(0, 256))}::text[])`;
      const idOf = new Map(ids.map((r) => [r.key, r.id]));
      // The chunks are new, so no mention or relation row below can exist yet: plain INSERTs
      // (no ON CONFLICT arbitration), deduplicated here in case truncated keys collide.
      const mentions = new Set<string>();
      for (const e of ents) for (const c of e.chunks) mentions.add(`${idOf.get(e.key.slice(0, 256))!} ${chunkIds[c]}`);
      if (mentions.size) {
        const pairs = [...mentions].map((m) => m.split(' '));
        await tx.$executeRaw`
          INSERT INTO entity_mentions (entity_id, chunk_id) SELECT * FROM unnest(${pairs.map((x) => x[0])}::uuid[], ${pairs.map((x) => x[1])}::uuid[])`;
      }
      const seen = new Set<string>();
      const rels = graph.relations.filter((r) => {
        const s = idOf.get(r.source.slice(0, 256));
        const o = idOf.get(r.target.slice(0, 256));
        const id = `${s} ${o} ${r.kind} ${r.label.slice(0, 128)} ${r.chunkIndex}`;
        if (!s || !o || s === o || seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (rels.length) {
        relations = await tx.$executeRaw`
          INSERT INTO relations (id, namespace_id, subject_id, object_id, kind, label, confidence, support, evidence_chunk_id)
          SELECT gen_random_uuid(), ${namespaceId}::uuid, u.s, u.o, u.k::"RelationKind", left(u.l, 128), u.c, u.n, u.ch
            FROM unnest(${rels.map((r) => idOf.get(r.source.slice(0, 256))!)}::uuid[], ${rels.map((r) => idOf.get(r.target.slice(0, 256))!)}::uuid[],
                        ${rels.map((r) => r.kind)}::text[], ${rels.map((r) => r.label)}::text[], ${rels.map((r) => Math.min(1, Math.max(0, r.confidence)))}::float8[],
                        ${rels.map((r) => r.support)}::int[], ${rels.map((r) => chunkIds[r.chunkIndex])}::uuid[]) AS u(s, o, k, l, c, n, ch)`;
      }
    }
    await tx.$executeRaw`
      UPDATE documents SET status = 'READY', error = NULL, chunk_count = ${chunks.length}, entity_count = ${graph.entities.length}, relation_count = ${relations},
             embedder_id = ${embedder.id}, dimension = ${dim}, processed_at = now(), updated_at = now()
       WHERE id = ${documentId}::uuid`;
    await tx.$executeRaw`UPDATE knowledge_settings SET chunk_count = chunk_count + ${chunks.length}, updated_at = now() WHERE namespace_id = ${namespaceId}::uuid`;
    return { relations };
  }
}
