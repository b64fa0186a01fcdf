import type { SystemMetricsPayload } from '@aivillage/pubsub';
import { badInput } from '@aivillage/errors';
import { Arg, Ctx, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { throttleSamples } from './throttle.js';
import { PlatformStatus } from './platform-status.type.js';
import { SystemMetrics } from './system-metrics.type.js';

const MAX_INTERVAL_MS = 60_000;

@Resolver()
export class PlatformResolver {
  @Query(() => PlatformStatus, { description: 'Version, uptime and the measured health of every dependency' })
  platformStatus(@Ctx() ctx: Context): Promise<PlatformStatus> {
    return ctx.deps.platformStatus.status();
  }

  @Subscription(() => SystemMetrics, {
    description: 'Live samples of the API fleet; every API instance serves the same stream',
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const intervalMs = args.intervalMs as number;
      const minMs = ctx.deps.config.METRICS_SAMPLE_MS;
      if (intervalMs < minMs || intervalMs > MAX_INTERVAL_MS) {
        throw badInput(`intervalMs must be between ${minMs} and ${MAX_INTERVAL_MS}`, { min: minMs, max: MAX_INTERVAL_MS });
      }
      return throttleSamples(ctx.pubsub.subscribe('SYSTEM_METRICS'), intervalMs, minMs);
    },
  })
  systemMetrics(
    @Root() sample: SystemMetricsPayload,
    @Arg('intervalMs', () => Int, { defaultValue: 1000 }) _intervalMs: number,
  ): SystemMetrics {
    return { ...sample, timestamp: new Date(sample.timestamp) };
  }
}
