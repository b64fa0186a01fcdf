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
import { embedderConfigFrom, lazyEmbedder } from '@aivillage/knowledge';
import { bumpKnowledgeVersion, IngestionRunner } from '@aivillage/knowledge/worker';
import { Counter, Gauge, Histogram } from 'prom-client';
import { FogNodeService, FogSchedulerService } from '@aivillage/fog';
import { builtinExecutors, CommandExecutor, PhaseRunner } from '@aivillage/forge/worker';
import { ArtifactStore, ModelRegistryService } from '@aivillage/models';
import { publishTopic } from '@aivillage/pubsub';
import { InferenceWorkerService } from '@aivillage/models/runtime';
import { WorkerHeartbeat } from '@aivillage/platform';
import { AlertService, createTrainingGauges, MetricSampler, ProfilingAgent, registerGpuGauge } from '@aivillage/observability/server';
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
  // training_loss / training_accuracy{phase}, set from the pipeline's metric points as they are written.
  const trainingGauges = createTrainingGauges(metrics);
  // This process's KPI series (memory, queue waits, GPU, training) into metric_samples.
  const sampler = new MetricSampler({ prisma, registry: metrics, component: 'worker', instance: id, intervalMs: config.OBSERVABILITY_SAMPLE_INTERVAL_MS, log });
  let alerts: AlertService | null = null;
  let inference: InferenceWorkerService | null = null;
  let training: PhaseRunner | null = null;
  let mesh: MeshSimulationRunner | null = null;
  let knowledge: IngestionRunner | null = null;
  const embedder = lazyEmbedder(embedderConfigFrom(config)); // a bad KNOWLEDGE_* combination fails start-up here
  let fogScheduler: FogSchedulerService | null = null;
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
          publish: (payload) => {
            if (payload.points) trainingGauges.record(payload.points);
            return publishTopic(redis, config.REDIS_PREFIX, 'TRAINING_PROGRESS', payload);
          },
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
    knowledge() {
      knowledge ??= createIngestionRunner(config, { prisma, redis, registry: metrics, embedder });
      return knowledge;
    },
    alerts() {
      alerts ??= new AlertService({
        prisma, log,
        publish: (payload) => publishTopic(redis, config.REDIS_PREFIX, 'ALERTS', payload),
        webhook: config.OBSERVABILITY_ALERT_WEBHOOK_URL ? { url: config.OBSERVABILITY_ALERT_WEBHOOK_URL, timeoutMs: config.OBSERVABILITY_ALERT_WEBHOOK_TIMEOUT_MS } : null,
      });
      return alerts;
    },
    fogScheduler() {
      fogScheduler ??= new FogSchedulerService({
        prisma, queues, redis, redisPrefix: config.REDIS_PREFIX, defaultGpuHourQuota: config.FOG_DEFAULT_GPU_HOUR_QUOTA,
        nodes: new FogNodeService({ prisma, heartbeat: { intervalMs: config.FOG_HEARTBEAT_MS, missedBeforeOffline: config.FOG_MISSED_HEARTBEATS } }),
        publish: (payload) => publishTopic(redis, config.REDIS_PREFIX, 'FOG_JOB_UPDATES', payload),
      });
      return fogScheduler;
    },
  };
  const heartbeat = new WorkerHeartbeat(redis, config.REDIS_PREFIX, id, served, config.WORKER_HEARTBEAT_MS, () => metrics.getMetricsAsJSON());
  // CPU profiles / heap snapshots of this process on request (captureCpuProfile with this worker's id);
  // its control channel needs a connection of its own in subscriber mode.
  const controlSubscriber = createRedis(config.REDIS_URL, { connectionName: 'workers-control' });
  const profiling = new ProfilingAgent({
    prisma, subscriber: controlSubscriber, redisPrefix: config.REDIS_PREFIX, instanceId: id, component: 'worker',
    maxBytes: config.PROFILING_MAX_BYTES, retain: config.PROFILING_RETAIN, log,
  });
  const workers: Worker[] = [];
  // Blocking connections, one per Worker (BullMQ does not close connections it was given).
  const connections: Redis[] = [];

  // The guide's job-queue KPI (< 30 s average wait), per queue; zeroed at start so every
  // served queue has series before its first job.
  const queueWait = new Histogram({
    name: 'aivillage_queue_wait_seconds',
    help: 'Time a job waited in its BullMQ queue before a worker took it (from enqueue or the end of its delay), by queue',
    labelNames: ['queue'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
    registers: [metrics],
  });

  return {
    id,
    queues: served,
    async start() {
      for (const queue of served) {
        const registration = registrations[queue] as QueueRegistration<typeof queue>;
        const connection = createRedis(config.REDIS_URL, { connectionName: `worker:${queue}` });
        connections.push(connection);
        queueWait.zero({ queue });
        const worker = new Worker(queue, createProcessor(queue, registration.handlers, ctx, (ms) => queueWait.observe({ queue }, ms / 1000)), {
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
      // gpu_utilization_percent only where nvidia-smi answers: absent, not zero, without a GPU.
      if (await registerGpuGauge(metrics)) log.info('GPU found: gpu_utilization_percent is reported');
      await profiling.start(); // listening before the heartbeat makes this worker a target
      heartbeat.start((err) => log.warn({ err }, 'heartbeat failed'));
      sampler.start();
      log.info({ id, queues: served }, 'workers started');
    },
    async stop() {
      await heartbeat.stop().catch(() => {});
      await profiling.stop();
      // close() waits for active jobs to finish; stalled-job recovery covers a hard kill.
      await Promise.all(workers.map((w) => w.close()));
      await inference?.close();
      await sampler.stop();
      await alerts?.whenDelivered();
      await queues.close();
      await Promise.allSettled([redis, controlSubscriber, ...connections].map((c) => c.quit()));
      if (!overrides.prisma) await prisma.$disconnect();
    },
  };
}

/** The ingestion runner with its Prometheus series (published to the API's /metrics through the heartbeat). */
function createIngestionRunner(
  config: WorkerConfig,
  d: { prisma: PrismaClient; redis: Redis; registry: ReturnType<typeof createRegistry>; embedder: ReturnType<typeof lazyEmbedder> },
): IngestionRunner {
  const chunks = new Counter({ name: 'aivillage_knowledge_ingested_chunks_total', help: 'Chunks written by ingestion (rate() = chunks/s)', registers: [d.registry] });
  const documents = new Counter({ name: 'aivillage_knowledge_ingested_documents_total', help: 'Documents ingested, by outcome', labelNames: ['outcome'], registers: [d.registry] });
  const duration = new Histogram({
    name: 'aivillage_knowledge_document_duration_seconds',
    help: 'Ingestion of one document, claim to commit',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [d.registry],
  });
  const stages = new Histogram({
    name: 'aivillage_knowledge_ingest_stage_seconds',
    help: 'Ingestion time per stage (chunking, embedding, extracting, writing)',
    labelNames: ['stage'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [d.registry],
  });
  const throughput = new Gauge({ name: 'aivillage_knowledge_ingest_chunks_per_second', help: "The last document's chunks per second, end to end", registers: [d.registry] });
  return new IngestionRunner({
    prisma: d.prisma, embedder: d.embedder,
    publish: (payload) => publishTopic(d.redis, config.REDIS_PREFIX, 'KNOWLEDGE_INGESTION', payload),
    onChanged: (namespaceId) => bumpKnowledgeVersion(d.redis, config.REDIS_PREFIX, namespaceId),
    chunkTokens: config.KNOWLEDGE_CHUNK_TOKENS, overlapTokens: config.KNOWLEDGE_CHUNK_OVERLAP, embedBatch: config.KNOWLEDGE_EMBED_BATCH,
    maxDocumentBytes: config.KNOWLEDGE_MAX_DOCUMENT_BYTES,
    onDocument: (outcome, f) => {
      documents.inc({ outcome });
      if (!f) return;
      chunks.inc(f.chunks);
      duration.observe(f.totalMs / 1000);
      for (const [stage, ms] of Object.entries(f.stages)) stages.observe({ stage }, ms / 1000);
      if (f.totalMs > 0) throughput.set(f.chunks / (f.totalMs / 1000));
    },
  });
}
