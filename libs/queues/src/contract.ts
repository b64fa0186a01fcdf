/**
 * THE queue contract: every queue name, every job name and the zod schema of its payload.
 * Producers (api, scripts) and processors (workers) both import this file, so a payload
 * can only change in one place. A field added while jobs may be in flight must be
 * `.optional()`.
 *
 * How to add a queue: add it to `queueJobs` below with its job schemas, write
 * `workers/src/processors/<queue>.processor.ts`, and register it in
 * `workers/src/registry.ts`. The type checker then forces the processor to handle
 * every job name.
 */
import { z } from 'zod';

export const queueJobs = {
  /** Housekeeping for the platform itself (metric rollups). */
  maintenance: {
    'rollup-system-metrics': z.object({
      /** Roll up samples older than this ISO time; defaults to the start of the current minute. */
      until: z.string().datetime().optional(),
    }),
  },
} as const satisfies Record<string, Record<string, z.ZodType>>;

export type QueueName = keyof typeof queueJobs;
export type JobName<Q extends QueueName> = keyof (typeof queueJobs)[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof queueJobs)[Q][N]>;

export const queueNames = Object.keys(queueJobs) as QueueName[];

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(queueJobs, name);
}

/** Validates a payload against the contract; throws a ZodError listing every problem. */
export function parseJobPayload<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  data: unknown,
): JobPayload<Q, N> {
  const schema = (queueJobs[queue] as Record<string, z.ZodType>)[name];
  if (!schema) throw new Error(`Queue ${queue} has no job named ${name}`);
  return schema.parse(data) as JobPayload<Q, N>;
}
