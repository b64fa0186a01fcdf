-- Models: the registry (models, immutable versions stored by sha256, aliases).
CREATE TABLE "models" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "task" VARCHAR(64) NOT NULL,
    "description" TEXT,
    "tags" TEXT[],
    "last_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "models_namespace_id_name_key" ON "models"("namespace_id", "name");

CREATE TABLE "model_versions" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "opset" INTEGER NOT NULL,
    "ir_version" INTEGER NOT NULL,
    "producer" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "outputs" JSONB NOT NULL,
    "parameter_count" BIGINT NOT NULL,
    "quantisation" VARCHAR(16) NOT NULL,
    "metrics" JSONB,
    "training_run_id" UUID,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "model_versions_sha256_idx" ON "model_versions"("sha256");
CREATE UNIQUE INDEX "model_versions_model_id_version_key" ON "model_versions"("model_id", "version");

CREATE TABLE "model_aliases" (
    "model_id" UUID NOT NULL,
    "alias" VARCHAR(64) NOT NULL,
    "version_id" UUID NOT NULL,
    CONSTRAINT "model_aliases_pkey" PRIMARY KEY ("model_id", "alias")
);
CREATE INDEX "model_aliases_version_id_idx" ON "model_aliases"("version_id");

ALTER TABLE "models" ADD CONSTRAINT "models_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "model_versions"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
