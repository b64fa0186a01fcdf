/**
 * Worker liveness through Redis alone: each worker process writes a heartbeat every
 * period; readers count a worker alive while its last beat is under 3 periods old.
 * Any API instance can then tell which queues have live workers, on any machine.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { platformKeys } from './keys.js';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  startedAt: string;
  lastSeenAt: string;
  /** Resident memory at the last beat. */
  rssBytes?: number;
}

/** Dead workers' entries are removed after this long, so the hash cannot grow forever. */
const FORGET_AFTER_MS = 3600_000;

export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout;
  private readonly info: Omit<WorkerInfo, 'lastSeenAt'>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly id: string,
    queues: string[],
    private readonly periodMs: number,
    /** The process's Prometheus metrics (prom-client's getMetricsAsJSON), published with each beat for /metrics. */
    private readonly metrics?: () => Promise<unknown[]>,
  ) {
    this.info = { id, host: hostname(), pid: process.pid, queues, startedAt: new Date().toISOString() };
  }

  async beat(now = Date.now()): Promise<void> {
    const keys = platformKeys(this.prefix);
    const info: WorkerInfo = { ...this.info, lastSeenAt: new Date(now).toISOString(), rssBytes: process.memoryUsage.rss() };
    const multi = this.redis.multi().zadd(keys.workers, now, this.id).hset(keys.workerInfo, this.id, JSON.stringify(info));
    if (this.metrics) multi.hset(keys.workerMetrics, this.id, JSON.stringify(await this.metrics()));
    await multi.exec();
    await forgetDeadWorkers(this.redis, this.prefix, now);
  }

  start(onError: (e: unknown) => void): void {
    const tick = () => this.beat().catch(onError);
    void tick();
    this.timer = setInterval(tick, this.periodMs);
    this.timer.unref();
  }

  /** Stops beating and removes this worker at once, so readers don't wait for it to expire. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const keys = platformKeys(this.prefix);
    await this.redis.multi().zrem(keys.workers, this.id).hdel(keys.workerInfo, this.id).hdel(keys.workerMetrics, this.id).exec();
  }
}

/** Workers whose last heartbeat is newer than `maxAgeMs`. */
export async function liveWorkers(redis: Redis, prefix: string, maxAgeMs: number, now = Date.now()): Promise<WorkerInfo[]> {
  const keys = platformKeys(prefix);
  const ids = await redis.zrangebyscore(keys.workers, now - maxAgeMs, '+inf');
  if (ids.length === 0) return [];
  const infos = await redis.hmget(keys.workerInfo, ...ids);
  return infos.filter((s): s is string => s !== null).map((s) => JSON.parse(s) as WorkerInfo);
}

/** The Prometheus metrics (getMetricsAsJSON form) each live worker published with its last beat. */
export async function liveWorkerMetrics(redis: Redis, prefix: string, maxAgeMs: number, now = Date.now()): Promise<{ id: string; metrics: unknown[] }[]> {
  const keys = platformKeys(prefix);
  const ids = await redis.zrangebyscore(keys.workers, now - maxAgeMs, '+inf');
  if (ids.length === 0) return [];
  const all = await redis.hmget(keys.workerMetrics, ...ids);
  return ids.flatMap((id, i) => (all[i] ? [{ id, metrics: JSON.parse(all[i]!) as unknown[] }] : []));
}

async function forgetDeadWorkers(redis: Redis, prefix: string, now: number): Promise<void> {
  const keys = platformKeys(prefix);
  const dead = await redis.zrangebyscore(keys.workers, '-inf', now - FORGET_AFTER_MS);
  if (dead.length === 0) return;
  await redis.multi().zrem(keys.workers, ...dead).hdel(keys.workerInfo, ...dead).hdel(keys.workerMetrics, ...dead).exec();
}
