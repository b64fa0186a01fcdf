/**
 * THE queue contract: every queue name, every job name and the zod schema of its payload.
 * Producers (api, scripts) and processors (workers) both import this file, so a payload
 * can only change in one place. A field added while jobs may be in flight must be
 * `.optional()`.
 *
 * How to add a queue: add it to `queueJobs` below with its job schemas, write
 * `workers/src/processors/<queue>.processor.ts`, and register it in
 * `workers/src/registry.ts`. The type checker then forces the processor to handle
 * every job name.
 */
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** One `runInference` call inside an inference batch job. */
export const inferenceRequestSchema = z.object({
  /** Unique per API instance; the reply names it. */
  id: z.string().min(1).max(64),
  /** Tensors by input name, as accepted by `runInference` (already checked against the signature). */
  inputs: z.record(z.string(), z.unknown()),
  /** Outputs to return; all when absent. */
  outputs: z.array(z.string()).optional(),
});

export const queueJobs = {
  /** Housekeeping for the platform itself (metric rollups, peer sweeps, observability). */
  maintenance: {
    'rollup-system-metrics': z.object({
      /** Roll up samples older than this ISO time; defaults to the start of the current minute. */
      until: z.string().datetime().optional(),
    }),
    /** Marks peers without a recent heartbeat OFFLINE and announces that they left. */
    'sweep-peers': z.object({}),
    /** Runs the regression and memory-leak detectors over metric_samples (libs/observability) and raises or resolves alerts. */
    'detect-anomalies': z.object({}),
    /** Deletes metric_samples older than OBSERVABILITY_RETENTION_HOURS and roll-ups older than OBSERVABILITY_ROLLUP_RETENTION_DAYS. */
    'prune-metric-samples': z.object({}),
    /** Rolls every completed hour of metric_samples not rolled up yet into metric_samples_hourly. */
    'rollup-metric-samples': z.object({}),
  },
  /**
   * Inference on the worker fleet (the design's GPU workers). One job carries every request
   * for one model version that an API instance received in the same event-loop turn, so the
   * queue's cost is paid per batch, not per request; the worker runs them through its dynamic
   * batcher and publishes each result on `replyTo` (the API instance's reply channel).
   */
  inference: {
    'run-batch': z.object({
      /** Redis pub/sub channel of the API instance waiting for the results. */
      replyTo: z.string().min(1),
      /** Epoch ms after which nobody waits any more; the worker drops requests it reaches later. */
      deadline: z.number().int().positive(),
      /** Epoch ms (with a fraction) when the API sent the job; times the queue leg precisely. */
      sentAt: z.number().positive().optional(),
      model: z.object({
        namespace: z.string().min(1),
        name: z.string().min(1),
        version: z.number().int().positive(),
        /** Content hash of the ONNX artifact: the session cache key. */
        sha256,
      }),
      requests: z.array(inferenceRequestSchema).min(1).max(4096),
    }),
  },
  /**
   * Training runs (libs/forge). A run is a BullMQ flow with one `run-phase` job per phase,
   * each the parent of the one before it, so phases run in order. A retry or resume starts a
   * new flow under a new `generation`; jobs of older generations do nothing.
   */
  training: {
    'run-phase': z.object({
      runId: z.string().uuid(),
      phase: z.enum(['COGNATE', 'EVOMERGE', 'QUIET_STAR', 'BITNET_COMPRESSION', 'FORGE_TRAINING', 'TOOL_PERSONA_BAKING', 'ADAS', 'FINAL_COMPRESSION']),
      generation: z.number().int().positive(),
    }),
  },
  /**
   * The P2P mesh simulator (libs/p2p): generating a mesh and running a gossip simulation on it
   * (or on the registered peers). The rows hold the parameters; the jobs name the rows.
   */
  p2p: {
    'generate-topology': z.object({ topologyId: z.string().uuid() }),
    'simulate-propagation': z.object({ simulationId: z.string().uuid() }),
  },
  /**
   * Knowledge ingestion (libs/knowledge): chunk, embed, extract the graph and write it all in
   * one transaction. The document row holds the text; the job names the row (jobId
   * `ingest-<documentId>`), so a job delivered twice or after the document was deleted does nothing.
   */
  knowledge: {
    'ingest-document': z.object({ documentId: z.string().uuid() }),
  },
  /**
   * Fog scheduling (libs/fog): one pass reads queued fog jobs, nodes and usage from Postgres,
   * plans with planAssignments and dispatches to the nodes' own queues (fogNodeQueueName).
   * Repeated every FOG_SCHEDULER_INTERVAL_MS, and requested at once on submit, on a node's
   * registration and when a job finishes (deduplicated: one pending pass at a time).
   */
  fog: {
    schedule: z.object({ reason: z.enum(['tick', 'submit', 'node', 'finished']).optional() }),
  },
} as const satisfies Record<string, Record<string, z.ZodType>>;


/**
 * Per-node fog queues: each fog node's agent (not the workers) consumes its own queue
 * `fog-node-<nodeId>` (BullMQ forbids ':' in queue names). These queues are not in
 * `queueJobs` because no worker serves them. The payload names the assignment only; the
 * agent claims it through the API (`startFogJob`), which returns what to run, so a job on
 * Redis alone can neither run twice nor run anything the API did not accept.
 */
export const FOG_NODE_QUEUE_PREFIX = 'fog-node-';
export const FOG_NODE_JOB_NAME = 'run-fog-job';
export const fogNodeQueueName = (nodeId: string) => `${FOG_NODE_QUEUE_PREFIX}${nodeId}`;
export const fogNodeJobSchema = z.object({
  fogJobId: z.string().uuid(),
  /** The scheduling attempt this assignment belongs to (1, 2, …). */
  attempt: z.number().int().positive(),
  /** Random per assignment; every report about the run must present it. */
  token: z.string().min(16).max(64),
  /** Epoch ms when the scheduler enqueued it (dispatch latency). */
  enqueuedAt: z.number().positive().optional(),
});
export type FogNodeJob = z.infer<typeof fogNodeJobSchema>;
export type QueueName = keyof typeof queueJobs;
export type JobName<Q extends QueueName> = keyof (typeof queueJobs)[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof queueJobs)[Q][N]>;

export const queueNames = Object.keys(queueJobs) as QueueName[];

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(queueJobs, name);
}

/** Validates a payload against the contract; throws a ZodError listing every problem. */
export function parseJobPayload<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  data: unknown,
): JobPayload<Q, N> {
  const schema = (queueJobs[queue] as Record<string, z.ZodType>)[name];
  if (!schema) throw new Error(`Queue ${queue} has no job named ${name}`);
  return schema.parse(data) as JobPayload<Q, N>;
}
