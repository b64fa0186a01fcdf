/** Training phases: thin over PhaseRunner (libs/forge/worker). */
import type { Job } from 'bullmq';
import type { WorkerContext } from '../context.js';
import type { JobHandlers } from '../processor.js';

export const trainingHandlers: JobHandlers<'training'> = {
  'run-phase': (payload, _job, ctx) => ctx.training().run(payload),
};

/**
 * BullMQ failed a phase job without our processor deciding it (a worker died with it more
 * often than maxStalledCount allows): record it on the run, which would otherwise stay RUNNING.
 */
export async function onTrainingJobFailed(job: Job, error: Error, ctx: WorkerContext): Promise<void> {
  if (!/stalled/i.test(error.message)) return; // our own failures are recorded by PhaseRunner
  await ctx.training().fail(job.data, `the workers running it stopped repeatedly (${error.message})`);
}
