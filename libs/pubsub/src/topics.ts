/**
 * Every live topic and its payload. Payloads are JSON-safe (ISO strings, not Dates)
 * because they cross Redis between processes.
 */
export interface QueueDepthPayload {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
}

export interface SystemMetricsPayload {
  /** ISO time the sample was published. */
  timestamp: string;
  /** CPU used by API processes, percent of one core, summed over instances. */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Worst event-loop delay p99 among instances over the last period. */
  eventLoopLagP99Ms: number;
  requestsPerSecond: number;
  /** p95 of request durations over the last period, merged over instances (null when idle). */
  p95LatencyMs: number | null;
  activeConnections: number;
  /** API instances that reported in this period. */
  instances: number;
  queueDepths: QueueDepthPayload[];
}

export interface Topics {
  SYSTEM_METRICS: SystemMetricsPayload;
}
export type TopicName = keyof Topics;
