/**
 * A worker process: one BullMQ Worker per served queue (WORKER_QUEUES), a heartbeat that
 * lets any API instance see it, and graceful shutdown that lets active jobs finish.
 * Everything that matters lives in Redis and Postgres, so any number of these processes
 * on any number of machines cooperate through them alone.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { WorkerConfig } from '@aivillage/config';
import { createPrisma, type PrismaClient } from '@aivillage/db';
import { createLogger, type Logger } from '@aivillage/log';
import { createRegistry } from '@aivillage/metrics';
import { StorageQuotaService } from '@aivillage/auth';
import { MeshSimulationRunner } from '@aivillage/p2p/worker';
import { builtinExecutors, CommandExecutor, PhaseRunner } from '@aivillage/forge/worker';
import { ArtifactStore, ModelRegistryService } from '@aivillage/models';
import { publishTopic } from '@aivillage/pubsub';
import { InferenceWorkerService } from '@aivillage/models/runtime';
import { WorkerHeartbeat } from '@aivillage/platform';
import type { Redis } from 'ioredis';
import { bullPrefix, createRedis, isQueueName, QueueSet, queueNames, type QueueName } from '@aivillage/queues';
import type { WorkerContext } from './context.js';
import { createProcessor } from './processor.js';
import { registrations, type QueueRegistration } from './registry.js';

export function selectQueues(spec: string): QueueName[] {
  if (spec.trim() === '*') return [...queueNames];
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !isQueueName(n));
  if (unknown.length) throw new Error(`WORKER_QUEUES names unknown queues: ${unknown.join(', ')} (known: ${queueNames.join(', ')})`);
  return names as QueueName[];
}

export interface WorkerRuntime {
  id: string;
  queues: QueueName[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWorkerRuntime(config: WorkerConfig, overrides: { prisma?: PrismaClient; log?: Logger } = {}): WorkerRuntime {
  const served = selectQueues(config.WORKER_QUEUES);
  const log = overrides.log ?? createLogger('workers', config.LOG_LEVEL);
  const prisma = overrides.prisma ?? createPrisma({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, schema: config.DATABASE_SCHEMA });
  const redis = createRedis(config.REDIS_URL, { connectionName: 'workers' });
  const queues = new QueueSet(redis, config.REDIS_PREFIX);
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const metrics = createRegistry('worker');
  let inference: InferenceWorkerService | null = null;
  let training: PhaseRunner | null = null;
  let mesh: MeshSimulationRunner | null = null;
  const ctx: WorkerContext = {
    config,
    prisma,
    redis,
    queues,
    log,
    metrics,
    inference() {
      inference ??= new InferenceWorkerService({
        workerId: id,
        store: new ArtifactStore(config.MODEL_ARTIFACT_DIR),
        redis,
        cache: {
          budgetBytes: config.INFERENCE_SESSION_CACHE_MB * 1024 * 1024,
          sessionOptions: config.INFERENCE_THREADS > 0 ? { intraOpNumThreads: config.INFERENCE_THREADS, interOpNumThreads: 1 } : {},
        },
        batcher: { maxBatch: config.INFERENCE_MAX_BATCH, maxDelayMs: config.INFERENCE_MAX_DELAY_MS },
        registry: metrics,
        log,
      });
      return inference;
    },
    training() {
      if (!training) {
        const store = new ArtifactStore(config.MODEL_ARTIFACT_DIR);
        const registry = new ModelRegistryService({
          prisma, store, storage: new StorageQuotaService(prisma),
          // API instances cache what names resolve to: tell them a version was added.
          onChange: (namespace, model) => void publishTopic(redis, config.REDIS_PREFIX, 'MODEL_CHANGED', { namespace, model }).catch(() => undefined),
        });
        training = new PhaseRunner({
          prisma, registry, store, log,
          publish: (payload) => publishTopic(redis, config.REDIS_PREFIX, 'TRAINING_PROGRESS', payload),
          builtins: builtinExecutors(),
          command: new CommandExecutor({ commands: config.TRAINING_COMMANDS }),
        });
      }
      return training;
    },
    mesh() {
      mesh ??= new MeshSimulationRunner({ prisma });
      return mesh;
    },
  };
  const heartbeat = new WorkerHeartbeat(redis, config.REDIS_PREFIX, id, served, config.WORKER_HEARTBEAT_MS, () => metrics.getMetricsAsJSON());
  const workers: Worker[] = [];
  // Blocking connections, one per Worker (BullMQ does not close connections it was given).
  const connections: Redis[] = [];

  return {
    id,
    queues: served,
    async start() {
      for (const queue of served) {
        const registration = registrations[queue] as QueueRegistration<typeof queue>;
        const connection = createRedis(config.REDIS_URL, { connectionName: `worker:${queue}` });
        connections.push(connection);
        const worker = new Worker(queue, createProcessor(queue, registration.handlers, ctx), {
          connection,
          prefix: bullPrefix(config.REDIS_PREFIX),
          concurrency: registration.concurrency?.(config) ?? config.WORKER_CONCURRENCY,
          // Stalled-job recovery: a job whose worker died is moved back to wait after
          // this long (30 s unless the queue says otherwise) and retried, up to twice, before it is failed.
          stalledInterval: registration.stalledIntervalMs?.(config) ?? 30_000,
          ...(registration.lockDurationMs ? { lockDuration: registration.lockDurationMs(config) } : {}),
          maxStalledCount: 2,
        });
        worker.on('failed', (job, err) => {
          log.warn({ queue, job: job?.id, name: job?.name, err }, 'job failed');
          if (job && registration.onFailed) void registration.onFailed(job, err, ctx).catch((e) => log.error({ err: e, queue }, 'onFailed hook failed'));
        });
        worker.on('error', (err) => log.error({ queue, err }, 'worker error'));
        workers.push(worker);
        for (const s of registration.schedules ?? []) {
          await queues.get(queue).upsertJobScheduler(s.id, { every: typeof s.everyMs === 'function' ? s.everyMs(config) : s.everyMs }, { name: s.job, data: {} });
        }
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      heartbeat.start((err) => log.warn({ err }, 'heartbeat failed'));
      log.info({ id, queues: served }, 'workers started');
    },
    async stop() {
      await heartbeat.stop().catch(() => {});
      // close() waits for active jobs to finish; stalled-job recovery covers a hard kill.
      await Promise.all(workers.map((w) => w.close()));
      await inference?.close();
      await queues.close();
      await Promise.allSettled([redis, ...connections].map((c) => c.quit()));
      if (!overrides.prisma) await prisma.$disconnect();
    },
  };
}
