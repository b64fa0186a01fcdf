/**
 * The worker runtime against real Redis and Postgres (isolated schema and prefix):
 * contract enforcement, the maintenance rollup, heartbeats and graceful shutdown.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { QueueEvents } from 'bullmq';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, loadConfig, workerConfigSchema } from '@aivillage/config';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { createLogger } from '@aivillage/log';
import { liveWorkers, platformKeys } from '@aivillage/platform';
import { bullPrefix, createRedis, deleteKeysMatching, QueueSet } from '@aivillage/queues';
import { createWorkerRuntime, selectQueues, type WorkerRuntime } from './runtime.js';

const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;

describe('worker runtime', () => {
  let db: IsolatedDatabase;
  let runtime: WorkerRuntime;
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  const redis = createRedis(redisUrl);
  const queues = new QueueSet(redis, prefix);
  let events: QueueEvents;
  const eventsConnection = createRedis(redisUrl);

  before(async () => {
    db = await createIsolatedDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'wrk');
    const config = loadConfig(workerConfigSchema, { ...process.env, REDIS_PREFIX: prefix, WORKER_HEARTBEAT_MS: '100', LOG_LEVEL: 'silent' });
    runtime = createWorkerRuntime(config, { prisma: db.prisma, log: createLogger('test', 'silent') });
    events = new QueueEvents('maintenance', { connection: eventsConnection, prefix: bullPrefix(prefix) });
    await events.waitUntilReady();
    await runtime.start();
  });

  after(async () => {
    await runtime.stop();
    await events.close();
    await eventsConnection.quit();
    await queues.close();
    await deleteKeysMatching(redis, `${prefix}:*`);
    await redis.quit();
    await db.drop();
  });

  test('WORKER_QUEUES selects queues and rejects unknown names', () => {
    assert.deepEqual(selectQueues('*'), ['maintenance', 'inference', 'training', 'p2p', 'knowledge', 'fog']);
    assert.deepEqual(selectQueues('inference'), ['inference']);
    assert.deepEqual(selectQueues(' maintenance '), ['maintenance']);
    assert.throws(() => selectQueues('maintenance,gpu-magic'), /unknown queues: gpu-magic/);
  });

  test('a live worker is visible to readers through its heartbeat', async () => {
    const live = await liveWorkers(redis, prefix, 1000);
    assert.equal(live.length, 1);
    assert.equal(live[0].id, runtime.id);
    assert.deepEqual(live[0].queues, ['maintenance', 'inference', 'training', 'p2p', 'knowledge', 'fog']);
  });

  test('the rollup job writes one row per minute of samples, idempotently', async () => {
    const keys = platformKeys(prefix);
    const sample = (at: number, rps: number, cpu: number) => JSON.stringify({
      timestamp: new Date(at).toISOString(), cpuPercent: cpu, rssBytes: 100 + cpu, heapUsedBytes: 50, eventLoopLagP99Ms: cpu / 10,
      requestsPerSecond: rps, p95LatencyMs: null, activeConnections: 2, instances: 1, queueDepths: [],
      latencyBuckets: [],
    });
    const now = Date.now();
    // Samples are scored by publish time; keep them inside the hour the job looks back over.
    const base = Math.floor(now / 60_000) * 60_000 - 3 * 60_000;
    await redis.zadd(keys.metricHistory, base, sample(base, 10, 10), base + 1000, sample(base + 1000, 20, 30), base + 60_000, sample(base + 60_000, 5, 50));
    const until = new Date(base + 120_000).toISOString();
    for (let run = 0; run < 2; run++) {
      const job = await queues.add('maintenance', 'rollup-system-metrics', { until });
      const result = await job.waitUntilFinished(events, 10_000);
      assert.deepEqual(result, { minutes: 2, samples: 3 });
    }
    const rows = await db.prisma.systemMetricRollup.findMany({ orderBy: { bucketStart: 'asc' } });
    assert.equal(rows.length, 2, 'running twice did not duplicate rows');
    assert.equal(rows[0].bucketStart.getTime(), base);
    assert.equal(rows[0].samples, 2);
    assert.equal(rows[0].cpuPercentAvg, 20);
    assert.equal(rows[0].rssBytesMax, 130n);
    assert.equal(rows[1].samples, 1);
  });

  test('a payload that breaks the contract fails at once, without retries', async () => {
    const job = await queues.get('maintenance').add('rollup-system-metrics', { until: 'yesterday' }, { attempts: 5 });
    await assert.rejects(job.waitUntilFinished(events, 10_000), /Invalid maintenance\/rollup-system-metrics payload/);
    const failed = await queues.get('maintenance').getJob(job.id!);
    assert.equal(failed?.attemptsMade, 1);
  });

  test('producers validate payloads against the contract before enqueueing', async () => {
    await assert.rejects(queues.add('maintenance', 'rollup-system-metrics', { until: 'soon' } as never), /datetime|Invalid/i);
  });

  test('the rollup, the peer sweep and the observability jobs run on repeatable schedules registered once however many workers start', async () => {
    const schedulers = await queues.get('maintenance').getJobSchedulers();
    assert.deepEqual(schedulers.map((s) => s.key ?? s.id).sort(), ['detect-anomalies', 'prune-metric-samples', 'rollup-metric-samples', 'rollup-system-metrics', 'sweep-peers']);
  });
});
