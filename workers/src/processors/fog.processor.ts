/** Thin processor for the `fog` queue: the scheduling pass (libs/fog FogSchedulerService). */
import type { JobHandlers } from '../processor.js';

export const fogHandlers: JobHandlers<'fog'> = {
  schedule: async (_payload, _job, ctx) => {
    const passes = await ctx.fogScheduler().runUntilSettled();
    const result = {
      passes: passes.length,
      assigned: passes.reduce((s, p) => s + p.assigned, 0),
      reclaimed: passes.reduce((s, p) => s + p.reclaimed, 0),
      considered: passes.reduce((s, p) => s + p.considered, 0),
      queueReads: passes.filter((p) => p.readQueue).length,
      ms: Math.round(passes.reduce((s, p) => s + p.totalMs, 0) * 10) / 10,
    };
    ctx.log.debug(result, 'fog scheduling passes');
    return result;
  },
};
