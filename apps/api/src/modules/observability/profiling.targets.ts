/**
 * The live processes profiling may target, from what the fleet already publishes: API
 * instances from their system-metrics reports (one per METRICS_SAMPLE_MS) and worker processes
 * from their heartbeats (WORKER_HEARTBEAT_MS); both count as alive for 3 of their periods.
 * This instance is always listed, even before its first report.
 */
import { hostname } from 'node:os';
import type { ProfilingTarget } from '@aivillage/observability/server';
import { liveWorkers, platformKeys, type InstanceReport } from '@aivillage/platform';
import type { Redis } from 'ioredis';

export interface LiveTargetsOptions {
  redis: Redis;
  redisPrefix: string;
  selfId: string;
  apiMaxAgeMs: number;
  workerMaxAgeMs: number;
}

export function liveProfilingTargets(o: LiveTargetsOptions): () => Promise<ProfilingTarget[]> {
  return async () => {
    const now = Date.now();
    const [reports, workers] = await Promise.all([o.redis.hgetall(platformKeys(o.redisPrefix).metricReports), liveWorkers(o.redis, o.redisPrefix, o.workerMaxAgeMs, now)]);
    const apis = new Map<string, ProfilingTarget>();
    apis.set(o.selfId, { id: o.selfId, component: 'api', host: hostname(), pid: process.pid, queues: [], lastSeenAt: new Date(now).toISOString() });
    for (const json of Object.values(reports)) {
      const r = JSON.parse(json) as InstanceReport;
      if (apis.has(r.instanceId) || now - r.at > o.apiMaxAgeMs) continue;
      // API instance ids are `<pid>-<random>` (server.ts).
      const pid = Number(r.instanceId.split('-')[0]);
      apis.set(r.instanceId, { id: r.instanceId, component: 'api', host: null, pid: Number.isInteger(pid) ? pid : null, queues: [], lastSeenAt: new Date(r.at).toISOString() });
    }
    return [
      ...apis.values(),
      ...workers.map((w): ProfilingTarget => ({ id: w.id, component: 'worker', host: w.host, pid: w.pid, queues: w.queues, lastSeenAt: w.lastSeenAt })),
    ];
  };
}
