/**
 * Turns a table of per-job-name handlers into a BullMQ processor: the payload is parsed
 * with the contract's schema first; a payload that fails the contract or an unknown job
 * name fails at once without retries (UnrecoverableError), since retrying cannot fix it.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { ZodError } from 'zod';
import { parseJobPayload, type JobName, type JobPayload, type QueueName } from '@aivillage/queues';
import type { WorkerContext } from './context.js';

export type JobHandlers<Q extends QueueName> = {
  [N in JobName<Q>]: (payload: JobPayload<Q, N>, job: Job, ctx: WorkerContext) => Promise<unknown>;
};

/**
 * How long `job` waited in its queue before this worker took it: from when it became runnable
 * (added, or its delay ran out) to processedOn, which BullMQ sets as the job moves to active.
 * The delay is read from `opts.delay`: BullMQ zeroes `job.delay` when it promotes the job.
 * Only first attempts are measured (see createProcessor): a retry's wait is its backoff.
 */
export function queueWaitMs(job: Pick<Job, 'timestamp' | 'processedOn' | 'opts'>, now = Date.now()): number {
  return Math.max(0, (job.processedOn ?? now) - job.timestamp - (job.opts?.delay ?? 0));
}

export function createProcessor<Q extends QueueName>(
  queue: Q,
  handlers: JobHandlers<Q>,
  ctx: WorkerContext,
  onTaken?: (waitMs: number) => void,
) {
  return async (job: Job): Promise<unknown> => {
    if (job.attemptsMade === 0) onTaken?.(queueWaitMs(job));
    const handler = (handlers as Record<string, JobHandlers<Q>[JobName<Q>] | undefined>)[job.name];
    if (!handler) throw new UnrecoverableError(`Queue ${queue} has no handler for job ${job.name}`);
    let payload: JobPayload<Q, JobName<Q>>;
    try {
      payload = parseJobPayload(queue, job.name as JobName<Q>, job.data);
    } catch (error) {
      if (error instanceof ZodError) throw new UnrecoverableError(`Invalid ${queue}/${job.name} payload: ${error.message}`);
      throw error;
    }
    return handler(payload as never, job, ctx);
  };
}
