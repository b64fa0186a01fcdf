/**
 * Pure aggregation of API instances' metric reports into one `systemMetrics` sample.
 * Kept free of I/O so it is tested directly.
 */
import { mergeBuckets, percentileOfBuckets } from '@aivillage/metrics';
import type { QueueDepthPayload, SystemMetricsPayload } from '@aivillage/pubsub';
import type { ProcessSample } from './process-sampler.js';
import type { InferenceWindows } from './inference-metrics.js';

/** What each API instance writes to Redis every period. */
export interface InstanceReport extends ProcessSample {
  instanceId: string;
  /** Epoch ms when the report was made. */
  at: number;
  /** Length of the window the request figures cover. */
  windowMs: number;
  requests: number;
  latencyBuckets: number[];
  activeConnections: number;
  /** Per-model inference windows (see inference-metrics.ts). */
  inference?: InferenceWindows;
}

export function aggregateReports(
  reports: InstanceReport[],
  queueDepths: QueueDepthPayload[],
  now: Date,
): SystemMetricsPayload & { latencyBuckets: number[] } {
  const sum = (f: (r: InstanceReport) => number) => reports.reduce((acc, r) => acc + f(r), 0);
  const latencyBuckets = mergeBuckets(reports.map((r) => r.latencyBuckets));
  return {
    timestamp: now.toISOString(),
    cpuPercent: round(sum((r) => r.cpuPercent), 2),
    rssBytes: sum((r) => r.rssBytes),
    heapUsedBytes: sum((r) => r.heapUsedBytes),
    eventLoopLagP99Ms: round(Math.max(0, ...reports.map((r) => r.eventLoopLagP99Ms)), 3),
    requestsPerSecond: round(sum((r) => (r.windowMs > 0 ? (r.requests * 1000) / r.windowMs : 0)), 2),
    p95LatencyMs: nullableRound(percentileOfBuckets(latencyBuckets, 0.95), 3),
    activeConnections: sum((r) => r.activeConnections),
    instances: reports.length,
    queueDepths,
    latencyBuckets,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const nullableRound = (v: number | null, digits: number) => (v === null ? null : round(v, digits));
