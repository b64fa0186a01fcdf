/**
 * The live `systemMetrics` feed, correct behind a load balancer:
 *  1. every API instance writes its own report (process sample + request window) to a
 *     Redis hash each period;
 *  2. one instance, elected with a Redis lease, merges the fresh reports, adds queue
 *     depths, and publishes the sample on the SYSTEM_METRICS topic through Redis;
 *  3. every instance relays that topic to its own WebSocket subscribers.
 * If the leader dies its lease lapses after 3 periods and another instance takes over.
 * Published samples are also kept for an hour (sorted set) for the minute rollups.
 */
import type { QueueSet } from '@aivillage/queues';
import type { PlatformPubSub } from '@aivillage/pubsub';
import { LatencyWindow } from '@aivillage/metrics';
import type { Logger } from '@aivillage/log';
import type { Redis } from 'ioredis';
import { platformKeys } from './keys.js';
import { ProcessSampler } from './process-sampler.js';
import { aggregateReports, type InstanceReport } from './system-metrics.js';
import { InferenceStats, mergeInferenceWindows } from './inference-metrics.js';
import { liveWorkers } from './worker-heartbeat.service.js';

export const METRIC_HISTORY_MS = 3600_000;

/** Take or renew the lease when free or already ours; 1 when we hold it. */
const LEASE_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if (not v) or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface SystemMetricsServiceDeps {
  redis: Redis;
  pubsub: PlatformPubSub;
  queues: QueueSet;
  redisPrefix: string;
  instanceId: string;
  periodMs: number;
  activeConnections: () => number;
  /** Workers older than this are dead (heartbeat period × grace). */
  workerMaxAgeMs: number;
  log: Logger;
}

export class SystemMetricsService {
  /** Request durations of this instance in the current period; the HTTP layer records into it. */
  readonly requests = new LatencyWindow();
  /** `runInference` outcomes of this instance in the current period; the inference client records into it. */
  readonly inference = new InferenceStats();
  private readonly sampler = new ProcessSampler();
  private timer?: NodeJS.Timeout;
  private windowStartedAt = performance.now();
  private ticking = false;

  constructor(private readonly deps: SystemMetricsServiceDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.sampler.stop();
    const keys = platformKeys(this.deps.redisPrefix);
    await this.deps.redis
      .multi()
      .hdel(keys.metricReports, this.deps.instanceId)
      .eval(RELEASE_SCRIPT, 1, keys.metricsLeader, this.deps.instanceId)
      .exec()
      .catch(() => {});
  }

  /** One period: report, and publish when this instance leads. Public for tests. */
  async tick(now = new Date()): Promise<void> {
    if (this.ticking) return; // a slow Redis must not pile up overlapping ticks
    this.ticking = true;
    try {
      const { redis, redisPrefix, instanceId, periodMs } = this.deps;
      const keys = platformKeys(redisPrefix);
      const windowMs = performance.now() - this.windowStartedAt;
      this.windowStartedAt = performance.now();
      const { counts, total } = this.requests.drain();
      const report: InstanceReport = {
        instanceId,
        at: now.getTime(),
        windowMs,
        requests: total,
        latencyBuckets: counts,
        activeConnections: this.deps.activeConnections(),
        inference: this.inference.drain(),
        ...this.sampler.sample(),
      };
      const results = await redis
        .multi()
        .hset(keys.metricReports, instanceId, JSON.stringify(report))
        .eval(LEASE_SCRIPT, 1, keys.metricsLeader, instanceId, String(periodMs * 3))
        .exec();
      if (results?.[1]?.[1] === 1) await this.publish(now);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'system metrics tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private async publish(now: Date): Promise<void> {
    const { redis, redisPrefix, periodMs, queues, pubsub } = this.deps;
    const keys = platformKeys(redisPrefix);
    const raw = await redis.hgetall(keys.metricReports);
    const fresh: InstanceReport[] = [];
    const stale: string[] = [];
    for (const [id, json] of Object.entries(raw)) {
      const r = JSON.parse(json) as InstanceReport;
      // Reports older than two periods belong to instances that stopped or stalled.
      if (now.getTime() - r.at <= periodMs * 2) fresh.push(r);
      else stale.push(id);
    }
    const [depths, workers] = await Promise.all([queues.depths(), liveWorkers(redis, redisPrefix, this.deps.workerMaxAgeMs, now.getTime())]);
    const { latencyBuckets, ...sample } = aggregateReports(
      fresh,
      depths.map(({ queue, waiting, active, delayed }) => ({ queue, waiting, active, delayed })),
      now,
    );
    pubsub.publish('SYSTEM_METRICS', sample);
    pubsub.publish('INFERENCE_METRICS', mergeInferenceWindows(fresh, workers, now));
    const at = now.getTime();
    const multi = redis
      .multi()
      .zadd(keys.metricHistory, at, JSON.stringify({ ...sample, latencyBuckets }))
      .zremrangebyscore(keys.metricHistory, '-inf', at - METRIC_HISTORY_MS);
    if (stale.length) multi.hdel(keys.metricReports, ...stale);
    await multi.exec();
  }
}
