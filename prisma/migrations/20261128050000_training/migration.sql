-- Training runs: the Agent Forge pipeline's runs, phase executions and metric points, and
-- model versions' lineage to the run and phase that produced them.
CREATE TYPE "TrainingPhase" AS ENUM ('COGNATE', 'EVOMERGE', 'QUIET_STAR', 'BITNET_COMPRESSION', 'FORGE_TRAINING', 'TOOL_PERSONA_BAKING', 'ADAS', 'FINAL_COMPRESSION');
CREATE TYPE "TrainingRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');
CREATE TYPE "TrainingPhaseStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED');

CREATE TABLE "training_runs" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "template" VARCHAR(64) NOT NULL,
    "config" JSONB NOT NULL,
    "status" "TrainingRunStatus" NOT NULL DEFAULT 'QUEUED',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "error" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "training_runs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "training_runs_namespace_id_created_at_idx" ON "training_runs"("namespace_id", "created_at");
CREATE INDEX "training_runs_status_idx" ON "training_runs"("status");

CREATE TABLE "training_phase_executions" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "phase" "TrainingPhase" NOT NULL,
    "position" INTEGER NOT NULL,
    "executor" VARCHAR(16) NOT NULL,
    "status" "TrainingPhaseStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "summary" JSONB,
    "error" TEXT,
    "skip_reason" TEXT,
    "output" BYTEA,
    "checkpoint" BYTEA,
    "checkpoint_at" TIMESTAMPTZ(3),
    CONSTRAINT "training_phase_executions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "training_phase_executions_run_id_phase_key" ON "training_phase_executions"("run_id", "phase");

CREATE TABLE "training_metric_points" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "phase" "TrainingPhase" NOT NULL,
    "step" INTEGER NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "training_metric_points_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "training_metric_points_run_id_name_step_idx" ON "training_metric_points"("run_id", "name", "step");

ALTER TABLE "model_versions" ADD COLUMN "training_phase_id" UUID;
CREATE INDEX "model_versions_training_run_id_idx" ON "model_versions"("training_run_id");

ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "training_phase_executions" ADD CONSTRAINT "training_phase_executions_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "training_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "training_metric_points" ADD CONSTRAINT "training_metric_points_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "training_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Versions registered before this migration may name runs that never existed as rows.
UPDATE "model_versions" SET "training_run_id" = NULL WHERE "training_run_id" IS NOT NULL AND "training_run_id" NOT IN (SELECT "id" FROM "training_runs");
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_training_run_id_fkey" FOREIGN KEY ("training_run_id") REFERENCES "training_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_training_phase_id_fkey" FOREIGN KEY ("training_phase_id") REFERENCES "training_phase_executions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
