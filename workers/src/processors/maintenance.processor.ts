/** Thin processor for the `maintenance` queue: parse (done by createProcessor), call the service. */
import { PeerGraphVersions, sweepPeers } from '@aivillage/p2p';
import { rollupSystemMetrics } from '@aivillage/platform';
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
};
