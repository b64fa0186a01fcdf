/** Thin processor for the `maintenance` queue: parse (done by createProcessor), call the service. */
import { rollupSystemMetrics } from '@aivillage/platform';
import type { JobHandlers } from '../processor.js';

export const maintenanceHandlers: JobHandlers<'maintenance'> = {
  'rollup-system-metrics': (payload, _job, ctx) =>
    rollupSystemMetrics(
      { prisma: ctx.prisma, redis: ctx.redis, redisPrefix: ctx.config.REDIS_PREFIX, periodMs: ctx.config.METRICS_SAMPLE_MS },
      payload.until ? new Date(payload.until) : undefined,
    ),
};
