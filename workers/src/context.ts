/** The `system` context every processor gets: the process's shared clients and services. */
import type { WorkerConfig } from '@aivillage/config';
import type { PrismaClient } from '@aivillage/db';
import type { Logger } from '@aivillage/log';
import type { Registry } from '@aivillage/metrics';
import type { MeshSimulationRunner } from '@aivillage/p2p/worker';
import type { FogSchedulerService } from '@aivillage/fog';
import type { AlertService } from '@aivillage/observability/server';
import type { PhaseRunner } from '@aivillage/forge/worker';
import type { IngestionRunner } from '@aivillage/knowledge/worker';
import type { InferenceWorkerService } from '@aivillage/models/runtime';
import type { QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';

export interface WorkerContext {
  config: WorkerConfig;
  prisma: PrismaClient;
  redis: Redis;
  queues: QueueSet;
  log: Logger;
  /** This process's Prometheus registry (published to /metrics through the heartbeat). */
  metrics: Registry;
  /** The inference service, created on first use (loads onnxruntime); one per process. */
  inference(): InferenceWorkerService;
  /** The training phase runner, created on first use (loads the training math); one per process. */
  training(): PhaseRunner;
  /** Mesh generation and gossip simulation (libs/p2p); one per process. */
  mesh(): MeshSimulationRunner;
  /** Knowledge ingestion (libs/knowledge); one per process, its embedder created on the first job. */
  knowledge(): IngestionRunner;
  /** Alerts of the detectors (stored, published, sent to the webhook); one per process. */
  alerts(): AlertService;
  /** The fog scheduling pass (libs/fog); one per process. */
  fogScheduler(): FogSchedulerService;
}
