/**
 * `platformStatus`: version, uptime and the measured health of Postgres, Redis and each
 * worker queue. Every figure is a real round trip made for the request; concurrent
 * requests share one in-flight probe (single flight), so a burst of 1,000 callers costs
 * one set of round trips rather than 1,000 while each still gets a fresh measurement.
 */
import { PLATFORM_VERSION } from '@aivillage/config';
import { pingPostgres, type PrismaClient } from '@aivillage/db';
import { pingRedis, queueNames, type QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import { liveWorkers, type WorkerInfo } from './worker-heartbeat.service.js';

export interface DependencyHealth {
  name: string;
  ok: boolean;
  latencyMs: number | null;
  error: string | null;
}

export interface QueueHealth extends DependencyHealth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Live worker processes serving this queue. */
  workers: number;
}

export interface PlatformStatus {
  version: string;
  startedAt: Date;
  uptimeSeconds: number;
  healthy: boolean;
  postgres: DependencyHealth;
  redis: DependencyHealth;
  queues: QueueHealth[];
  workers: WorkerInfo[];
}

export interface PlatformStatusDeps {
  prisma: PrismaClient;
  redis: Redis;
  queues: QueueSet;
  redisPrefix: string;
  /** A worker is live while its last heartbeat is younger than this. */
  workerMaxAgeMs: number;
  startedAt?: Date;
}

const PROBE_TIMEOUT_MS = 2000;

async function timed<T>(name: string, probe: () => Promise<T>): Promise<{ health: DependencyHealth; value?: T }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { value, health: { name, ok: true, latencyMs: performance.now() - started, error: null } };
  } catch (error) {
    return { health: { name, ok: false, latencyMs: null, error: (error as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}

export class PlatformStatusService {
  private inFlight?: Promise<PlatformStatus>;
  readonly startedAt: Date;

  constructor(private readonly deps: PlatformStatusDeps) {
    this.startedAt = deps.startedAt ?? new Date();
  }

  status(): Promise<PlatformStatus> {
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async probe(): Promise<PlatformStatus> {
    const { prisma, redis, queues, redisPrefix, workerMaxAgeMs } = this.deps;
    const [postgres, redisHealth, workersResult, ...queueResults] = await Promise.all([
      timed('postgres', () => pingPostgres(prisma)),
      timed('redis', () => pingRedis(redis, PROBE_TIMEOUT_MS)),
      timed('workers', () => liveWorkers(redis, redisPrefix, workerMaxAgeMs)),
      ...queueNames.map((q) => timed(q, () => queues.depth(q))),
    ]);
    const workers = workersResult.value ?? [];
    const queueHealth: QueueHealth[] = queueResults.map(({ health, value }) => {
      const serving = workers.filter((w) => w.queues.includes(health.name)).length;
      return {
        ...health,
        ok: health.ok && serving > 0,
        error: health.error ?? (serving > 0 ? null : 'no live worker serves this queue'),
        waiting: value?.waiting ?? 0,
        active: value?.active ?? 0,
        delayed: value?.delayed ?? 0,
        failed: value?.failed ?? 0,
        completed: value?.completed ?? 0,
        workers: serving,
      };
    });
    return {
      version: PLATFORM_VERSION,
      startedAt: this.startedAt,
      uptimeSeconds: (Date.now() - this.startedAt.getTime()) / 1000,
      healthy: postgres.health.ok && redisHealth.health.ok && queueHealth.every((q) => q.ok),
      postgres: postgres.health,
      redis: redisHealth.health,
      queues: queueHealth,
      workers,
    };
  }
}
