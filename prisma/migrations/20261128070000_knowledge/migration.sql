-- Knowledge (HyperRAG, #3): documents, their chunks with embeddings and full-text vectors,
-- and the knowledge graph (entities, mentions, typed relations with evidence), per namespace.
--
-- Embeddings live in an untyped `vector` column so a namespace may use any dimension (fixed
-- per namespace in knowledge_settings). pgvector's HNSW needs a typed dimension, so each
-- supported dimension gets a partial expression index; queries must use the same expression
-- (`embedding::vector(384) <=> $q::vector(384)` with `dimension = 384`) to reach it. The
-- parameters here are the guide's (m = 16, ef_construction = 200); `npm run knowledge:reindex`
-- rebuilds the index with KNOWLEDGE_HNSW_M / KNOWLEDGE_HNSW_EF_CONSTRUCTION, or adds one for
-- another dimension, since a migration cannot read configuration.
CREATE TYPE "DocumentStatus" AS ENUM ('PENDING', 'PROCESSING', 'READY', 'FAILED');
CREATE TYPE "RelationKind" AS ENUM ('SEMANTIC', 'CAUSAL', 'TEMPORAL', 'HIERARCHICAL', 'ASSOCIATIVE', 'CONTRADICTION', 'EVIDENCE', 'INFERENCE');
CREATE TYPE "EntityType" AS ENUM ('PERSON', 'ORG', 'PLACE', 'CONCEPT');

CREATE TABLE "knowledge_settings" (
    "namespace_id" UUID NOT NULL,
    "embedder_id" VARCHAR(128) NOT NULL,
    "dimension" INTEGER NOT NULL,
    "chunk_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "knowledge_settings_pkey" PRIMARY KEY ("namespace_id"),
    CONSTRAINT "knowledge_settings_dimension_check" CHECK ("dimension" BETWEEN 1 AND 16000)
);

CREATE TABLE "documents" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "title" VARCHAR(512) NOT NULL,
    "source" VARCHAR(2048),
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "content" TEXT NOT NULL,
    "content_hash" CHAR(64) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "status" "DocumentStatus" NOT NULL DEFAULT 'PENDING',
    "error" TEXT,
    "chunk_count" INTEGER NOT NULL DEFAULT 0,
    "entity_count" INTEGER NOT NULL DEFAULT 0,
    "relation_count" INTEGER NOT NULL DEFAULT 0,
    "embedder_id" VARCHAR(128),
    "dimension" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "documents_namespace_id_content_hash_key" ON "documents"("namespace_id", "content_hash");
CREATE INDEX "documents_namespace_id_created_at_idx" ON "documents"("namespace_id", "created_at");

CREATE TABLE "chunks" (
    "id" UUID NOT NULL,
    "document_id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "token_count" INTEGER NOT NULL,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL,
    "dimension" INTEGER NOT NULL,
    "embedding" vector NOT NULL,
    "tsv" tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, "text")) STORED,
    CONSTRAINT "chunks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "chunks_embedding_dimension_check" CHECK (vector_dims("embedding") = "dimension")
);
CREATE UNIQUE INDEX "chunks_document_id_position_key" ON "chunks"("document_id", "position");
-- Exact search in small namespaces (the planner picks it over HNSW when the filter is selective).
CREATE INDEX "chunks_namespace_id_idx" ON "chunks"("namespace_id");
CREATE INDEX "chunks_tsv_idx" ON "chunks" USING GIN ("tsv");
CREATE INDEX "chunks_embedding_384_hnsw_idx" ON "chunks" USING hnsw (("embedding"::vector(384)) vector_cosine_ops)
    WITH (m = 16, ef_construction = 200) WHERE "dimension" = 384;

CREATE TABLE "entities" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "key" VARCHAR(256) NOT NULL,
    "name" VARCHAR(256) NOT NULL,
    "type" "EntityType" NOT NULL DEFAULT 'CONCEPT',
    "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "entities_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "entities_namespace_id_key_key" ON "entities"("namespace_id", "key");

CREATE TABLE "entity_mentions" (
    "entity_id" UUID NOT NULL,
    "chunk_id" UUID NOT NULL,
    CONSTRAINT "entity_mentions_pkey" PRIMARY KEY ("entity_id", "chunk_id")
);
CREATE INDEX "entity_mentions_chunk_id_idx" ON "entity_mentions"("chunk_id");

CREATE TABLE "relations" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "object_id" UUID NOT NULL,
    "kind" "RelationKind" NOT NULL,
    "label" VARCHAR(128) NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "support" INTEGER NOT NULL DEFAULT 1,
    "evidence_chunk_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "relations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "relations_confidence_check" CHECK ("confidence" >= 0 AND "confidence" <= 1)
);
-- One row per (triple, evidence chunk); NULLS NOT DISTINCT makes an explicit triple (no chunk) unique too.
-- Its leading subject_id and the object_id index are the B-trees graph traversal walks.
CREATE UNIQUE INDEX "relations_subject_id_object_id_kind_label_evidence_chunk_id_key"
    ON "relations"("subject_id", "object_id", "kind", "label", "evidence_chunk_id") NULLS NOT DISTINCT;
CREATE INDEX "relations_object_id_idx" ON "relations"("object_id");
CREATE INDEX "relations_evidence_chunk_id_idx" ON "relations"("evidence_chunk_id");
CREATE INDEX "relations_namespace_id_idx" ON "relations"("namespace_id");

ALTER TABLE "knowledge_settings" ADD CONSTRAINT "knowledge_settings_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "documents" ADD CONSTRAINT "documents_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entities" ADD CONSTRAINT "entities_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entity_mentions" ADD CONSTRAINT "entity_mentions_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entity_mentions" ADD CONSTRAINT "entity_mentions_chunk_id_fkey" FOREIGN KEY ("chunk_id") REFERENCES "chunks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "relations" ADD CONSTRAINT "relations_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "relations" ADD CONSTRAINT "relations_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "relations" ADD CONSTRAINT "relations_object_id_fkey" FOREIGN KEY ("object_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "relations" ADD CONSTRAINT "relations_evidence_chunk_id_fkey" FOREIGN KEY ("evidence_chunk_id") REFERENCES "chunks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
