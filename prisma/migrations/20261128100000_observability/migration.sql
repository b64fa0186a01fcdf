-- Observability (#9): the measurement store every API and worker process samples into
-- (libs/observability), and the alerts its detectors raise.
CREATE TYPE "MetricSampleKind" AS ENUM ('COUNTER', 'GAUGE', 'HISTOGRAM', 'UP');
CREATE TYPE "AlertKind" AS ENUM ('REGRESSION', 'MEMORY_LEAK');
CREATE TYPE "AlertSeverity" AS ENUM ('WARNING', 'CRITICAL');
CREATE TYPE "AlertStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

CREATE TABLE "metric_samples" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "metric" VARCHAR(128) NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "component" VARCHAR(32) NOT NULL,
    "instance" VARCHAR(128) NOT NULL,
    "kind" "MetricSampleKind" NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "count" DOUBLE PRECISION,
    "bounds" DOUBLE PRECISION[],
    "buckets" DOUBLE PRECISION[],
    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("id")
);
-- Reports read one metric over a time range (label filters are jsonb containment, checked on
-- the rows found), so (metric, ts) rather than (metric, labels, ts), which could not range-scan
-- by time; pruning reads by time alone.
CREATE INDEX "metric_samples_metric_ts_idx" ON "metric_samples"("metric", "ts");
CREATE INDEX "metric_samples_ts_idx" ON "metric_samples"("ts");

CREATE TABLE "alerts" (
    "id" BIGSERIAL NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "subject" VARCHAR(256) NOT NULL,
    "message" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "baseline" DOUBLE PRECISION,
    "status" "AlertStatus" NOT NULL DEFAULT 'OPEN',
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" VARCHAR(254),
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" VARCHAR(254),
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "alerts_status_id_idx" ON "alerts"("status", "id");
-- De-duplication: one unresolved alert per (kind, subject); detectors upsert against it.
CREATE UNIQUE INDEX "alerts_kind_subject_unresolved_key" ON "alerts"("kind", "subject") WHERE "status" <> 'RESOLVED';
