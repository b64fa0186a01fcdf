/** Thin processor for the `fog` queue: the scheduling pass (libs/fog FogSchedulerService). */
import type { JobHandlers } from '../processor.js';

export const fogHandlers: JobHandlers<'fog'> = {
  schedule: async (_payload, _job, ctx) => {
    const passes = await ctx.fogScheduler().runUntilSettled();
    return { passes: passes.length, assigned: passes.reduce((s, p) => s + p.assigned, 0), reclaimed: passes.reduce((s, p) => s + p.reclaimed, 0) };
  },
};
