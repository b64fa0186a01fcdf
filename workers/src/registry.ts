/**
 * The registration table: every queue in the contract maps to its handlers and its
 * repeatable schedules. The `satisfies` clause makes a queue without a processor a
 * type error.
 */
import type { QueueName } from '@aivillage/queues';
import type { JobHandlers } from './processor.js';
import { maintenanceHandlers } from './processors/maintenance.processor.js';

export interface QueueRegistration<Q extends QueueName> {
  handlers: JobHandlers<Q>;
  /** Repeatable jobs, upserted at start-up by id (idempotent across worker processes). */
  schedules?: { id: string; everyMs: number; job: keyof JobHandlers<Q> & string }[];
}

export const registrations = {
  maintenance: {
    handlers: maintenanceHandlers,
    schedules: [{ id: 'rollup-system-metrics', everyMs: 60_000, job: 'rollup-system-metrics' }],
  },
} satisfies { [Q in QueueName]: QueueRegistration<Q> };
