/** Redis keys owned by the platform lib, all under the deployment's prefix. */
export const platformKeys = (prefix: string) => ({
  /** ZSET workerId → last heartbeat (ms). */
  workers: `${prefix}:workers`,
  /** HASH workerId → WorkerInfo JSON. */
  workerInfo: `${prefix}:workers:info`,
  /** HASH workerId → the worker's Prometheus metrics (JSON), refreshed with each heartbeat. */
  workerMetrics: `${prefix}:workers:metrics`,
  /** HASH instanceId → the API instance's latest metrics report JSON. */
  metricReports: `${prefix}:metrics:reports`,
  /** STRING instanceId of the API instance that aggregates and publishes samples. */
  metricsLeader: `${prefix}:metrics:leader`,
  /** ZSET of published samples (score = ms), kept for an hour for the minute rollups. */
  metricHistory: `${prefix}:metrics:history`,
});
