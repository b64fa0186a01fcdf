import { JSONResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

export enum DocumentStatus {
  PENDING = 'PENDING',
  PROCESSING = 'PROCESSING',
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(DocumentStatus, { name: 'DocumentStatus', description: 'PENDING: queued; PROCESSING: a worker is ingesting it; READY: searchable; FAILED: see error' });

export enum KnowledgeSearchMode {
  VECTOR = 'VECTOR',
  KEYWORD = 'KEYWORD',
  GRAPH = 'GRAPH',
  HYBRID = 'HYBRID',
}
registerEnumType(KnowledgeSearchMode, {
  name: 'KnowledgeSearchMode',
  description: 'VECTOR: cosine similarity (HNSW); KEYWORD: full text (websearch syntax, ts_rank_cd); GRAPH: chunks that are evidence of relations within 2 hops of entities the query names; HYBRID: the three fused by reciprocal rank fusion',
});

export enum RelationKind {
  SEMANTIC = 'SEMANTIC',
  CAUSAL = 'CAUSAL',
  TEMPORAL = 'TEMPORAL',
  HIERARCHICAL = 'HIERARCHICAL',
  ASSOCIATIVE = 'ASSOCIATIVE',
  CONTRADICTION = 'CONTRADICTION',
  EVIDENCE = 'EVIDENCE',
  INFERENCE = 'INFERENCE',
}
registerEnumType(RelationKind, { name: 'RelationKind', description: "HyperRAG's relation kinds; each relation also has a free label (e.g. HIERARCHICAL/is_a, CAUSAL/causes)" });

export enum EntityKind {
  PERSON = 'PERSON',
  ORG = 'ORG',
  PLACE = 'PLACE',
  CONCEPT = 'CONCEPT',
}
registerEnumType(EntityKind, { name: 'EntityType', description: 'CONCEPT also means "unknown": PERSON, ORG and PLACE are claimed only on a specific cue' });

export enum IngestionStage {
  QUEUED = 'QUEUED',
  CHUNKING = 'CHUNKING',
  EMBEDDING = 'EMBEDDING',
  EXTRACTING = 'EXTRACTING',
  WRITING = 'WRITING',
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(IngestionStage, { name: 'IngestionStage', description: 'Stages of an ingestion in order; READY and FAILED are final' });

@ObjectType('Document', { description: 'A source text in the knowledge base, chunked, embedded and mined for entities and relations by a worker' })
export class DocumentType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) source!: string | null;
  @Field(() => JSONResolver) metadata!: unknown;
  @Field({ description: 'sha256 hex of the UTF-8 text: the same text twice in a namespace is one document' }) contentHash!: string;
  @Field(() => Int, { description: 'UTF-8 bytes of the text' }) sizeBytes!: number;
  @Field(() => DocumentStatus) status!: DocumentStatus;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) chunkCount!: number;
  @Field(() => Int) entityCount!: number;
  @Field(() => Int) relationCount!: number;
  @Field(() => String, { nullable: true, description: 'The embedding space of its chunks, e.g. hashing-ngram-v1-d384' }) embedder!: string | null;
  @Field(() => Int, { nullable: true }) dimension!: number | null;
  @Field(() => Int, { description: 'Ingestion attempts started (retries and recoveries from dead workers included)' }) attempts!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Date, { nullable: true }) processedAt!: Date | null;
}

@ObjectType()
export class DocumentConnection {
  @Field(() => [DocumentType]) nodes!: DocumentType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType('Chunk', { description: "A window of a document's text: what search returns" })
export class ChunkType {
  @Field(() => ID) id!: string;
  documentId!: string;
  @Field(() => Int, { description: 'Position in its document, from 0' }) position!: number;
  @Field() text!: string;
  @Field(() => Int) tokenCount!: number;
  @Field(() => Int, { description: "UTF-16 offset of the chunk in its document's text" }) charStart!: number;
  @Field(() => Int) charEnd!: number;
}

@ObjectType('Entity', { description: 'A node of the knowledge graph' })
export class EntityObject {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field({ description: 'Its identity in the namespace: the normalised name (lowercase, singular, no function words)' }) key!: string;
  @Field() name!: string;
  @Field(() => EntityKind) type!: EntityKind;
  @Field(() => [String]) aliases!: string[];
}

@ObjectType('Relation', { description: 'A typed edge subject → object with its confidence and evidence' })
export class RelationObject {
  @Field(() => ID) id!: string;
  subjectId!: string;
  objectId!: string;
  evidenceChunkId!: string | null;
  @Field(() => RelationKind) kind!: RelationKind;
  @Field() label!: string;
  @Field(() => Float) confidence!: number;
  @Field(() => Int, { description: 'Sentences the extractor found it in (1 for explicit relations)' }) support!: number;
}

@ObjectType({ description: "One leg's view of a hit" })
export class KnowledgeLegScore {
  @Field(() => Int, { description: 'Rank within the leg, from 1' }) rank!: number;
  @Field(() => Float, { description: 'VECTOR: cosine similarity; KEYWORD: ts_rank_cd; GRAPH: summed relation confidence' }) score!: number;
}

@ObjectType()
export class KnowledgeHit {
  @Field(() => ChunkType) chunk!: ChunkType;
  @Field(() => DocumentType) document!: DocumentType;
  @Field(() => Float, { description: 'HYBRID: the fused reciprocal-rank score; other modes: that leg\'s score' }) score!: number;
  @Field(() => KnowledgeLegScore, { nullable: true }) vector!: KnowledgeLegScore | null;
  @Field(() => KnowledgeLegScore, { nullable: true }) keyword!: KnowledgeLegScore | null;
  @Field(() => KnowledgeLegScore, { nullable: true }) graph!: KnowledgeLegScore | null;
}

@ObjectType()
export class NeighborhoodNode {
  @Field(() => EntityObject) entity!: EntityObject;
  @Field(() => Int, { description: 'Hops from the start' }) distance!: number;
  parentId!: string;
  relationId!: string;
}

@ObjectType()
export class KnowledgeNeighborhood {
  @Field(() => EntityObject) entity!: EntityObject;
  @Field(() => [NeighborhoodNode], { description: 'By distance, then key; the start is not listed' }) nodes!: NeighborhoodNode[];
  @Field({ description: 'More nodes are within reach than `limit`' }) truncated!: boolean;
}

@ObjectType()
export class KnowledgePath {
  @Field(() => [EntityObject], { description: 'From `from` to `to`' }) entities!: EntityObject[];
  relationIds!: string[];
}

@ObjectType()
export class KnowledgePaths {
  @Field(() => EntityObject) from!: EntityObject;
  @Field(() => EntityObject) to!: EntityObject;
  @Field(() => Int, { nullable: true, description: 'Shortest distance in hops; null when none is within maxHops' }) hops!: number | null;
  @Field(() => [KnowledgePath], { description: 'All shortest paths (either direction of each relation), lexicographic by entity key, at most `limit`' }) paths!: KnowledgePath[];
  @Field() truncated!: boolean;
}

@ObjectType()
export class AddRelationsResult {
  @Field(() => Int, { description: 'Triples written: new, or with a changed confidence' }) relations!: number;
  @Field(() => Int) relationsCreated!: number;
  @Field(() => Int) entitiesCreated!: number;
}

@ObjectType({ description: 'One step of an ingestion' })
export class IngestionProgress {
  @Field(() => ID) documentId!: string;
  @Field() namespace!: string;
  @Field() at!: Date;
  @Field(() => IngestionStage) stage!: IngestionStage;
  @Field(() => Int, { nullable: true }) chunks!: number | null;
  @Field(() => Int, { nullable: true, description: 'Chunks embedded so far' }) embedded!: number | null;
  @Field(() => Int, { nullable: true }) entities!: number | null;
  @Field(() => Int, { nullable: true }) relations!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
}
