-- Profiling (#9): CPU profiles and heap snapshots of live API and worker processes, captured
-- through node:inspector in the target process and stored gzip-compressed (libs/observability).
CREATE TYPE "ProfileKind" AS ENUM ('CPU', 'HEAP');
CREATE TYPE "ProfileStatus" AS ENUM ('PENDING', 'CAPTURING', 'READY', 'FAILED');

CREATE TABLE "profile_artifacts" (
    "id" BIGSERIAL NOT NULL,
    "kind" "ProfileKind" NOT NULL,
    "status" "ProfileStatus" NOT NULL DEFAULT 'PENDING',
    "target_instance" VARCHAR(128) NOT NULL,
    "target_component" VARCHAR(32) NOT NULL,
    "requested_by" VARCHAR(254) NOT NULL,
    "seconds" INTEGER,
    "error" TEXT,
    "size_bytes" INTEGER,
    "sha256" CHAR(64),
    "data" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "profile_artifacts_pkey" PRIMARY KEY ("id")
);
-- One capture at a time per process, across every API instance that might ask for one.
CREATE UNIQUE INDEX "profile_artifacts_target_active_key" ON "profile_artifacts"("target_instance") WHERE "status" IN ('PENDING', 'CAPTURING');
