/**
 * Asking for a scheduling pass now (submit, a node registering, a job finishing) instead of
 * waiting for the periodic one. Requests are counted in Redis and the BullMQ job is
 * deduplicated; the pass re-runs while the counter moved during it, so a request made while
 * a pass is running is served by that pass's next round. The one gap (a request landing
 * between a pass's last check and its job completing) is closed by the periodic pass.
 */
import type { QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';

export const schedulingRequestsKey = (prefix: string) => `${prefix}:fog:schedule-requests`;

export type WakeReason = 'submit' | 'node' | 'finished';

export async function requestSchedulingPass(d: { queues: QueueSet; redis: Redis; redisPrefix: string }, reason: WakeReason): Promise<void> {
  await d.redis.incr(schedulingRequestsKey(d.redisPrefix));
  await d.queues.add('fog', 'schedule', { reason }, { jobId: undefined, deduplication: { id: 'fog-schedule-now' }, attempts: 1, removeOnComplete: true, removeOnFail: 100 });
}
