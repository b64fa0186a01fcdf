-- Platform foundation: extensions, namespaces, system metric rollups.
-- Pinned to `public` so schema-isolated test runs never own (and drop) the extension.
CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;

CREATE TABLE "namespaces" (
    "id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "namespaces_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "namespaces_name_key" ON "namespaces"("name");

CREATE TABLE "system_metric_rollups" (
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "instances_max" INTEGER NOT NULL,
    "cpu_percent_avg" DOUBLE PRECISION NOT NULL,
    "rss_bytes_max" BIGINT NOT NULL,
    "heap_used_bytes_max" BIGINT NOT NULL,
    "event_loop_lag_p99_ms_max" DOUBLE PRECISION NOT NULL,
    "requests" INTEGER NOT NULL,
    "p95_latency_ms" DOUBLE PRECISION,
    "active_connections_max" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "system_metric_rollups_pkey" PRIMARY KEY ("bucket_start")
);
