/** Maps knowledge rows and libs/knowledge results to their GraphQL shapes. */
import type { Chunk, Entity, Relation } from '@aivillage/db';
import type { DocumentRow, HitDocument, SearchHit } from '@aivillage/knowledge/store';
import type { KnowledgeIngestionPayload } from '@aivillage/pubsub';
import {
  ChunkType, DocumentType, EntityObject, IngestionProgress, KnowledgeHit, RelationObject,
  type DocumentStatus, type EntityKind, type IngestionStage, type RelationKind,
} from './knowledge.type.js';

export function toDocument(d: DocumentRow | HitDocument, namespace: string): DocumentType {
  const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
  return {
    id: d.id, namespaceId: d.namespaceId, namespace, title: d.title, source: d.source, metadata: d.metadata, contentHash: d.contentHash, sizeBytes: d.sizeBytes,
    status: d.status as DocumentStatus, error: d.error, chunkCount: d.chunkCount, entityCount: d.entityCount, relationCount: d.relationCount,
    embedder: d.embedderId, dimension: d.dimension, attempts: d.attempts, createdAt: date(d.createdAt), updatedAt: date(d.updatedAt),
    processedAt: d.processedAt === null ? null : date(d.processedAt),
  };
}

export function toChunk(c: Pick<Chunk, 'id' | 'documentId' | 'position' | 'text' | 'tokenCount' | 'charStart' | 'charEnd'>): ChunkType {
  return { id: c.id, documentId: c.documentId, position: c.position, text: c.text, tokenCount: c.tokenCount, charStart: c.charStart, charEnd: c.charEnd };
}

export function toEntity(e: Entity): EntityObject {
  return { id: e.id, namespaceId: e.namespaceId, key: e.key, name: e.name, type: e.type as EntityKind, aliases: e.aliases };
}

export function toRelation(r: Relation): RelationObject {
  return {
    id: r.id, subjectId: r.subjectId, objectId: r.objectId, evidenceChunkId: r.evidenceChunkId, kind: r.kind as RelationKind,
    label: r.label, confidence: r.confidence, support: r.support,
  };
}

export function toHit(h: SearchHit, namespace: string): KnowledgeHit {
  return {
    chunk: toChunk(h.chunk), document: toDocument(h.document, namespace), score: h.score,
    vector: h.legs.VECTOR ?? null, keyword: h.legs.KEYWORD ?? null, graph: h.legs.GRAPH ?? null,
  };
}

export function toProgress(p: KnowledgeIngestionPayload): IngestionProgress {
  return {
    documentId: p.documentId, namespace: p.namespace, at: new Date(p.at), stage: p.stage as IngestionStage, chunks: p.chunks ?? null,
    embedded: p.embedded ?? null, entities: p.entities ?? null, relations: p.relations ?? null, error: p.error ?? null,
  };
}
