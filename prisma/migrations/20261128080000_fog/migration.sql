-- Fog computing: fog nodes (agents), content-addressed WASI modules, admin command templates,
-- fog jobs with their lifecycle timestamps and assignment guard, usage records, GPU-hour quotas.
CREATE TYPE "FogNodePool" AS ENUM ('SHARED', 'GOLD_DEDICATED');
CREATE TYPE "FogRuntime" AS ENUM ('WASI', 'COMMAND');
CREATE TYPE "FogJobStatus" AS ENUM ('QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT');

CREATE TABLE "fog_nodes" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "cpu_cores" DOUBLE PRECISION NOT NULL,
    "memory_mb" INTEGER NOT NULL,
    "gpus" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "gpu_model" VARCHAR(64),
    "runtimes" TEXT[],
    "region" VARCHAR(64),
    "pool" "FogNodePool" NOT NULL DEFAULT 'SHARED',
    "cordoned" BOOLEAN NOT NULL DEFAULT false,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "utilisation" JSONB,
    "agent_version" VARCHAR(32),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "fog_nodes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "fog_nodes_namespace_id_name_key" ON "fog_nodes"("namespace_id", "name");

CREATE TABLE "fog_modules" (
    "sha256" CHAR(64) NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "fog_modules_pkey" PRIMARY KEY ("sha256")
);

CREATE TABLE "fog_command_templates" (
    "name" VARCHAR(64) NOT NULL,
    "description" TEXT,
    "command" TEXT[],
    "arg_patterns" TEXT[],
    "created_by" VARCHAR(254),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "fog_command_templates_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "fog_jobs" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" VARCHAR(128),
    "runtime" "FogRuntime" NOT NULL,
    "module_sha256" CHAR(64),
    "command_template" VARCHAR(64),
    "args" TEXT[],
    "env" JSONB NOT NULL,
    "cpu_cores" DOUBLE PRECISION NOT NULL,
    "memory_mb" INTEGER NOT NULL,
    "gpus" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "timeout_ms" INTEGER NOT NULL,
    "sla" CHAR(1) NOT NULL,
    "tier" "Tier" NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "status" "FogJobStatus" NOT NULL DEFAULT 'QUEUED',
    "node_id" UUID,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 2,
    "assignment_token" VARCHAR(64),
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "hold_reason" TEXT,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scheduled_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "exit_code" INTEGER,
    "error_code" VARCHAR(32),
    "error" TEXT,
    "stdout" TEXT NOT NULL DEFAULT '',
    "stderr" TEXT NOT NULL DEFAULT '',
    "stdout_bytes" INTEGER NOT NULL DEFAULT 0,
    "stderr_bytes" INTEGER NOT NULL DEFAULT 0,
    "timings" JSONB,
    "cpu_ms" DOUBLE PRECISION,
    "submitted_by" VARCHAR(254),
    CONSTRAINT "fog_jobs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "fog_jobs_status_queued_at_idx" ON "fog_jobs"("status", "queued_at");
CREATE INDEX "fog_jobs_namespace_id_queued_at_idx" ON "fog_jobs"("namespace_id", "queued_at");
CREATE INDEX "fog_jobs_node_id_status_idx" ON "fog_jobs"("node_id", "status");

CREATE TABLE "fog_usage_records" (
    "id" BIGSERIAL NOT NULL,
    "namespace_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "node_id" UUID,
    "tier" "Tier" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "cpu_core_seconds" DOUBLE PRECISION NOT NULL,
    "gpu_seconds" DOUBLE PRECISION NOT NULL,
    "memory_gb_seconds" DOUBLE PRECISION NOT NULL,
    "cpu_ms" DOUBLE PRECISION,
    CONSTRAINT "fog_usage_records_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "fog_usage_records_job_id_key" ON "fog_usage_records"("job_id");
CREATE INDEX "fog_usage_records_namespace_id_started_at_idx" ON "fog_usage_records"("namespace_id", "started_at");

CREATE TABLE "fog_quotas" (
    "namespace_id" UUID NOT NULL,
    "gpu_hours_per_month" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "fog_quotas_pkey" PRIMARY KEY ("namespace_id")
);

ALTER TABLE "fog_nodes" ADD CONSTRAINT "fog_nodes_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "fog_jobs" ADD CONSTRAINT "fog_jobs_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "fog_jobs" ADD CONSTRAINT "fog_jobs_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "fog_nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "fog_jobs" ADD CONSTRAINT "fog_jobs_module_sha256_fkey" FOREIGN KEY ("module_sha256") REFERENCES "fog_modules"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "fog_usage_records" ADD CONSTRAINT "fog_usage_records_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "fog_quotas" ADD CONSTRAINT "fog_quotas_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
