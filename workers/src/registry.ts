/**
 * The registration table: every queue in the contract maps to its handlers and its
 * repeatable schedules. The `satisfies` clause makes a queue without a processor a
 * type error.
 */
import type { QueueName } from '@aivillage/queues';
import type { JobHandlers } from './processor.js';
import type { WorkerConfig } from '@aivillage/config';
import type { Job } from 'bullmq';
import type { WorkerContext } from './context.js';
import { inferenceHandlers } from './processors/inference.processor.js';
import { onTrainingJobFailed, trainingHandlers } from './processors/training.processor.js';
import { p2pHandlers } from './processors/p2p.processor.js';
import { maintenanceHandlers } from './processors/maintenance.processor.js';
import { knowledgeHandlers, onKnowledgeJobFailed } from './processors/knowledge.processor.js';
import { fogHandlers } from './processors/fog.processor.js';

export interface QueueRegistration<Q extends QueueName> {
  handlers: JobHandlers<Q>;
  /** Repeatable jobs, upserted at start-up by id (idempotent across worker processes). */
  schedules?: { id: string; everyMs: number | ((config: WorkerConfig) => number); job: keyof JobHandlers<Q> & string }[];
  /** Jobs one process runs at once (default WORKER_CONCURRENCY). */
  concurrency?: (config: WorkerConfig) => number;
  /** Stalled-job check period (default 30 s). */
  stalledIntervalMs?: (config: WorkerConfig) => number;
  /** Job lock duration (default BullMQ's 30 s). */
  lockDurationMs?: (config: WorkerConfig) => number;
  /** Called when BullMQ gives up on a job (e.g. it stalled too often); must not throw. */
  onFailed?: (job: Job, error: Error, ctx: WorkerContext) => Promise<void>;
}

export const registrations = {
  maintenance: {
    handlers: maintenanceHandlers,
    schedules: [
      { id: 'rollup-system-metrics', everyMs: 60_000, job: 'rollup-system-metrics' },
      { id: 'sweep-peers', everyMs: (config) => Math.max(1000, Math.round(config.P2P_PEER_TIMEOUT_MS / 3)), job: 'sweep-peers' },
      { id: 'detect-anomalies', everyMs: (config) => config.OBSERVABILITY_DETECT_INTERVAL_MS, job: 'detect-anomalies' },
      { id: 'prune-metric-samples', everyMs: 3600_000, job: 'prune-metric-samples' },
      // Completed hours are rolled up within minutes; reports read the newest hours raw meanwhile.
      { id: 'rollup-metric-samples', everyMs: 300_000, job: 'rollup-metric-samples' },
    ],
  },
  p2p: {
    handlers: p2pHandlers,
    // Simulations are CPU-bound: one at a time per process.
    concurrency: () => 1,
  },
  inference: {
    handlers: inferenceHandlers,
    concurrency: (config) => config.INFERENCE_CONCURRENCY,
    // Inference requests time out in seconds; recover a dead worker's job quickly so the
    // deadline check can drop it (or a fresh worker can still answer in time).
    stalledIntervalMs: () => 5_000,
  },
  training: {
    handlers: trainingHandlers,
    concurrency: (config) => config.TRAINING_CONCURRENCY,
    // A dead worker's phase is noticed once its lock lapses, then resumed from its checkpoint.
    lockDurationMs: (config) => config.TRAINING_LOCK_MS,
    stalledIntervalMs: (config) => config.TRAINING_LOCK_MS,
    onFailed: onTrainingJobFailed,
  },
  knowledge: {
    handlers: knowledgeHandlers,
    // Chunking, embedding and extraction are CPU-bound.
    concurrency: (config) => config.KNOWLEDGE_CONCURRENCY,
    // A worker killed mid-document is noticed once its lock lapses; the job then runs again
    // elsewhere (the write is one transaction, so nothing half-written is left behind).
    lockDurationMs: (config) => config.KNOWLEDGE_LOCK_MS,
    stalledIntervalMs: (config) => config.KNOWLEDGE_LOCK_MS,
    onFailed: onKnowledgeJobFailed,
  },
  fog: {
    handlers: fogHandlers,
    // One pass at a time per process; across processes a Postgres advisory lock elects the leader.
    concurrency: () => 1,
    schedules: [{ id: 'fog-schedule', everyMs: (config) => config.FOG_SCHEDULER_INTERVAL_MS, job: 'schedule' }],
  },
} satisfies { [Q in QueueName]: QueueRegistration<Q> };
