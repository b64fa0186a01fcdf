/** Thin processor for the `maintenance` queue: parse (done by createProcessor), call the service. */
import { PeerGraphVersions, sweepPeers } from '@aivillage/p2p';
import { rollupSystemMetrics } from '@aivillage/platform';
import { pruneMetricRollups, pruneMetricSamples, rollupMetricSamples, runDetection } from '@aivillage/observability/server';
import { publishTopic } from '@aivillage/pubsub';
import type { JobHandlers } from '../processor.js';

export const maintenanceHandlers: JobHandlers<'maintenance'> = {
  'rollup-system-metrics': (payload, _job, ctx) =>
    rollupSystemMetrics(
      { prisma: ctx.prisma, redis: ctx.redis, redisPrefix: ctx.config.REDIS_PREFIX, periodMs: ctx.config.METRICS_SAMPLE_MS },
      payload.until ? new Date(payload.until) : undefined,
    ),
  'sweep-peers': async (_payload, _job, ctx) => {
    const prefix = ctx.config.REDIS_PREFIX;
    await sweepPeers(
      {
        prisma: ctx.prisma,
        versions: new PeerGraphVersions(ctx.redis, prefix),
        publish: (namespace, events) => publishTopic(ctx.redis, prefix, 'PEER_EVENTS', { namespace, events }),
      },
      ctx.config.P2P_PEER_TIMEOUT_MS,
    );
  },
  'detect-anomalies': (_payload, _job, ctx) =>
    runDetection({ prisma: ctx.prisma, alerts: ctx.alerts() }, {
      recentMs: ctx.config.OBSERVABILITY_REGRESSION_RECENT_MS, baselineMs: ctx.config.OBSERVABILITY_REGRESSION_BASELINE_MS,
      minSamples: ctx.config.OBSERVABILITY_REGRESSION_MIN_SAMPLES, leakWindowMs: ctx.config.OBSERVABILITY_LEAK_WINDOW_MS,
      leakMinWindowMs: ctx.config.OBSERVABILITY_LEAK_MIN_WINDOW_MS, sampleIntervalMs: ctx.config.OBSERVABILITY_SAMPLE_INTERVAL_MS,
    }),
  'prune-metric-samples': async (_payload, _job, ctx) => ({
    deleted: await pruneMetricSamples(ctx.prisma, new Date(Date.now() - ctx.config.OBSERVABILITY_RETENTION_HOURS * 3600_000)),
    rollupsDeleted: await pruneMetricRollups(ctx.prisma, new Date(Date.now() - ctx.config.OBSERVABILITY_ROLLUP_RETENTION_DAYS * 86_400_000)),
  }),
  'rollup-metric-samples': (_payload, _job, ctx) =>
    rollupMetricSamples(ctx.prisma, { retentionDays: ctx.config.OBSERVABILITY_ROLLUP_RETENTION_DAYS }),
};
