/**
 * Rolls the live system-metrics samples (an hour kept in Redis) up into one Postgres row
 * per complete minute, so history outlives Redis. Idempotent: a minute is recomputed
 * from the same samples and upserted, so a retried or duplicated job changes nothing.
 */
import { mergeBuckets, percentileOfBuckets } from '@aivillage/metrics';
import type { PrismaClient } from '@aivillage/db';
import type { SystemMetricsPayload } from '@aivillage/pubsub';
import type { Redis } from 'ioredis';
import { platformKeys } from './keys.js';
import { METRIC_HISTORY_MS } from './system-metrics.service.js';

type StoredSample = SystemMetricsPayload & { latencyBuckets: number[] };

export interface MinuteRollup {
  bucketStart: Date;
  samples: number;
  instancesMax: number;
  cpuPercentAvg: number;
  rssBytesMax: bigint;
  heapUsedBytesMax: bigint;
  eventLoopLagP99MsMax: number;
  requests: number;
  p95LatencyMs: number | null;
  activeConnectionsMax: number;
}

const MINUTE = 60_000;

/** Groups samples by minute and summarises each (pure; exported for tests). */
export function rollupByMinute(samples: StoredSample[], periodMs: number): MinuteRollup[] {
  const byMinute = new Map<number, StoredSample[]>();
  for (const s of samples) {
    const minute = Math.floor(Date.parse(s.timestamp) / MINUTE) * MINUTE;
    const list = byMinute.get(minute) ?? [];
    list.push(s);
    byMinute.set(minute, list);
  }
  return [...byMinute.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minute, list]) => ({
      bucketStart: new Date(minute),
      samples: list.length,
      instancesMax: Math.max(...list.map((s) => s.instances)),
      cpuPercentAvg: list.reduce((a, s) => a + s.cpuPercent, 0) / list.length,
      rssBytesMax: BigInt(Math.max(...list.map((s) => s.rssBytes))),
      heapUsedBytesMax: BigInt(Math.max(...list.map((s) => s.heapUsedBytes))),
      eventLoopLagP99MsMax: Math.max(...list.map((s) => s.eventLoopLagP99Ms)),
      requests: Math.round(list.reduce((a, s) => a + (s.requestsPerSecond * periodMs) / 1000, 0)),
      p95LatencyMs: percentileOfBuckets(mergeBuckets(list.map((s) => s.latencyBuckets)), 0.95),
      activeConnectionsMax: Math.max(...list.map((s) => s.activeConnections)),
    }));
}

export interface RollupResult {
  minutes: number;
  samples: number;
}

export async function rollupSystemMetrics(
  deps: { prisma: PrismaClient; redis: Redis; redisPrefix: string; periodMs: number },
  until: Date = new Date(Math.floor(Date.now() / MINUTE) * MINUTE),
): Promise<RollupResult> {
  const keys = platformKeys(deps.redisPrefix);
  const end = Math.floor(until.getTime() / MINUTE) * MINUTE;
  const raw = await deps.redis.zrangebyscore(keys.metricHistory, end - METRIC_HISTORY_MS, `(${end}`);
  const rollups = rollupByMinute(raw.map((j) => JSON.parse(j) as StoredSample), deps.periodMs);
  await deps.prisma.$transaction(
    rollups.map(({ bucketStart, ...rest }) =>
      deps.prisma.systemMetricRollup.upsert({
        where: { bucketStart },
        create: { bucketStart, ...rest },
        update: rest,
      }),
    ),
  );
  return { minutes: rollups.length, samples: raw.length };
}
