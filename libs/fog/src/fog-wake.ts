/**
 * Asking for a scheduling pass now (submit, a node registering, a job finishing) instead of
 * waiting for the periodic one. Requests are counted in Redis and the BullMQ job is
 * deduplicated; the pass re-runs while the counter moved during it, so a request made while
 * a pass is running is served by that pass's next round. Before its last look at the counter
 * a pass deletes the deduplication key, so a request after that look enqueues a new pass
 * instead of being folded into the one that is ending (see FogSchedulerService.runUntilSettled).
 */
import type { QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';

export const schedulingRequestsKey = (prefix: string) => `${prefix}:fog:schedule-requests`;

/** Bumped whenever jobs enter the queue (submit, hand-back, reclaim): the scheduler's cached queue heads are stale then. */
export const queueVersionKey = (prefix: string) => `${prefix}:fog:queue-version`;

/** Bumped by every scheduling pass of any process: a gap tells a process another one ran a pass. */
export const passSeqKey = (prefix: string) => `${prefix}:fog:pass-seq`;

/** BullMQ deduplication id of requested passes: one waiting at a time. */
export const SCHEDULE_NOW_DEDUP_ID = 'fog-schedule-now';

/** Why a pass is asked for: jobs entered the queue (`submit`: new or handed back), a node came, capacity freed. */
export type WakeReason = 'submit' | 'node' | 'finished';

export async function requestSchedulingPass(d: { queues: QueueSet; redis: Redis; redisPrefix: string }, reason: WakeReason): Promise<void> {
  const counters = d.redis.multi().incr(schedulingRequestsKey(d.redisPrefix));
  if (reason === 'submit') counters.incr(queueVersionKey(d.redisPrefix));
  await counters.exec();
  await d.queues.add('fog', 'schedule', { reason }, { jobId: undefined, deduplication: { id: SCHEDULE_NOW_DEDUP_ID }, attempts: 1, removeOnComplete: true, removeOnFail: 100 });
}
