/**
 * Typed producers over the contract. `QueueSet` opens one BullMQ `Queue` per name lazily
 * and shares one Redis connection between them.
 */
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { fogNodeQueueName, parseJobPayload, queueNames, type JobName, type JobPayload, type QueueName } from './contract.js';

/** BullMQ key prefix for a deployment prefix, e.g. `aivillage` → `aivillage:bull`. */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}:bull`;

/** Defaults every job gets: a few retries with backoff, bounded history so Redis does not grow forever. */
export const defaultJobOptions: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

export interface QueueDepth {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export class QueueSet {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly nodeQueues = new Map<string, Queue>();
  private flows?: FlowProducer;
  constructor(
    private readonly connection: Redis,
    readonly redisPrefix: string,
  ) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: bullPrefix(this.redisPrefix), defaultJobOptions });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Validates the payload against the contract, then enqueues it. */
  async add<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    payload: JobPayload<Q, N>,
    opts?: JobsOptions,
  ) {
    const data = parseJobPayload(queue, name, payload);
    return this.get(queue).add(name, data, opts);
  }

  /** A fog node's own queue (see fogNodeQueueName), opened lazily like the others. */
  fogNode(nodeId: string): Queue {
    const name = fogNodeQueueName(nodeId);
    let queue = this.nodeQueues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: bullPrefix(this.redisPrefix), defaultJobOptions });
      this.nodeQueues.set(name, queue);
    }
    return queue;
  }

  async depth(name: QueueName): Promise<QueueDepth> {
    const c = await this.get(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
    return {
      queue: name,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  depths(): Promise<QueueDepth[]> {
    return Promise.all(queueNames.map((q) => this.depth(q)));
  }

  /** A FlowProducer on the same connection (jobs with dependencies, e.g. training phases). */
  flowProducer(): FlowProducer {
    this.flows ??= new FlowProducer({ connection: this.connection, prefix: bullPrefix(this.redisPrefix) });
    return this.flows;
  }

  async close(): Promise<void> {
    await this.flows?.close();
    this.flows = undefined;
    await Promise.all([...this.queues.values(), ...this.nodeQueues.values()].map((q) => q.close()));
    this.queues.clear();
    this.nodeQueues.clear();
  }
}
