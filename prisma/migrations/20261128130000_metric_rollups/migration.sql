-- Hourly roll-ups of metric_samples (libs/observability): one row per hour and series (metric,
-- labels, component, kind, histogram bounds), every process added up; reports read whole hours
-- here and only the partial edge hours from metric_samples. Written by the maintenance queue's
-- `rollup-metric-samples` for completed hours; kept OBSERVABILITY_ROLLUP_RETENTION_DAYS.
CREATE TABLE "metric_samples_hourly" (
    "id" BIGSERIAL NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "metric" VARCHAR(128) NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "component" VARCHAR(32) NOT NULL,
    "kind" "MetricSampleKind" NOT NULL,
    "bounds" DOUBLE PRECISION[] NOT NULL DEFAULT '{}',
    "value" DOUBLE PRECISION NOT NULL,
    "count" DOUBLE PRECISION,
    "buckets" DOUBLE PRECISION[] NOT NULL DEFAULT '{}',
    "samples" INTEGER NOT NULL,
    "min_value" DOUBLE PRECISION NOT NULL,
    "max_value" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "metric_samples_hourly_pkey" PRIMARY KEY ("id")
);
-- One row per hour and series (a second roll-up of an hour replaces its rows; this guards it).
CREATE UNIQUE INDEX "metric_samples_hourly_series_key" ON "metric_samples_hourly"("hour", "metric", "kind", "component", "labels", "bounds");
-- Reports read one metric over a range of hours.
CREATE INDEX "metric_samples_hourly_metric_hour_idx" ON "metric_samples_hourly"("metric", "hour");

-- Which hours are rolled up (also hours without samples), so reports know what to read where.
CREATE TABLE "metric_rollup_hours" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "rows" INTEGER NOT NULL,
    "rolled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "metric_rollup_hours_pkey" PRIMARY KEY ("hour")
);

-- Availability reads the `up` rows of one component over the window (raw: it needs every
-- tick's time); without this it would walk every row of the window through the ts index.
CREATE INDEX "metric_samples_up_component_ts_idx" ON "metric_samples"("component", "ts") INCLUDE ("instance") WHERE "kind" = 'UP';
