/**
 * The worker side of inference: takes an `inference/run-batch` job, gets the model's session
 * from the per-process SessionCache (loading the artifact and warming it up on a miss), runs
 * every request through the DynamicBatcher (requests of concurrent jobs share runs), and
 * publishes the results on the job's reply channel in one message.
 *
 * Requests whose deadline passed before the job was taken are dropped unanswered: the API
 * already answered them with INFERENCE_TIMEOUT. Everything that fails for a single request
 * (a bad value, a runtime refusal) is that request's error; failing to load the model fails
 * the job's requests with the load error.
 */
import type { Logger } from '@aivillage/log';
import type { JobPayload } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ArtifactStore } from './artifact-store.js';
import { DynamicBatcher, type BatchedResult, type BatcherOptions } from './batcher.js';
import type { ModelSession } from './inference-session.js';
import { preciseNow, serializeError, type InferenceReplyMessage, type InferenceResultMessage } from './inference-protocol.js';
import { ModelSessionClosedError } from './model-errors.js';
import { SessionCache, type SessionCacheOptions } from './session-cache.js';
import type { ModelInputs, ModelOutputs } from './tensor-json.js';

export type RunBatchJob = JobPayload<'inference', 'run-batch'>;

export interface InferenceWorkerOptions {
  workerId: string;
  store: ArtifactStore;
  /** Publishes replies (a normal command connection). */
  redis: Redis;
  cache: Omit<SessionCacheOptions, 'onLoad' | 'onEvict'>;
  batcher: Omit<BatcherOptions, 'onBatch'>;
  /** Where the inference metrics are registered (the worker's registry). */
  registry?: Registry;
  log: Logger;
}

export interface RunBatchSummary {
  requests: number;
  failed: number;
  expired: number;
}

export class InferenceWorkerService {
  readonly cache: SessionCache;
  readonly batcher: DynamicBatcher;
  readonly #opts: InferenceWorkerOptions;
  readonly #metrics: ReturnType<typeof createInferenceWorkerMetrics> | null;
  /** Which model (namespace/name) a session was last used for, to label its batches. */
  readonly #labels = new Map<string, string>();

  constructor(opts: InferenceWorkerOptions) {
    this.#opts = opts;
    this.#metrics = opts.registry ? createInferenceWorkerMetrics(opts.registry, () => this.cache.stats()) : null;
    this.cache = new SessionCache({
      ...opts.cache,
      onLoad: (modelId, loadMs, warmUp) => {
        this.#metrics?.loads.inc();
        opts.log.info({ modelId: modelId.slice(0, 12), loadMs: Math.round(loadMs), warmUp }, 'model session loaded');
      },
      onEvict: (modelId, reason) => {
        this.#labels.delete(modelId);
        opts.log.info({ modelId: modelId.slice(0, 12), reason }, 'model session evicted');
      },
    });
    this.batcher = new DynamicBatcher({
      ...opts.batcher,
      onBatch: (r) => {
        const model = this.#labels.get(r.modelId) ?? 'unknown';
        this.#metrics?.batchSize.observe({ model }, r.rows);
        this.#metrics?.runDuration.observe({ model }, r.runMs / 1000);
      },
    });
  }

  /** `enqueuedAt`: BullMQ's job timestamp (whole ms), used when the job has no precise `sentAt`. */
  async runBatch(job: RunBatchJob, enqueuedAt: number): Promise<RunBatchSummary> {
    const takenAt = preciseNow();
    const queueMs = Math.max(0, takenAt - (job.sentAt ?? enqueuedAt));
    const live = takenAt <= job.deadline ? job.requests : [];
    const expired = job.requests.length - live.length;
    const model = `${job.model.namespace}/${job.model.name}`;
    if (expired) this.#metrics?.requests.inc({ model, status: 'expired' }, expired);
    if (live.length === 0) return { requests: job.requests.length, failed: 0, expired };

    const results: InferenceResultMessage[] = [];
    try {
      const session = await this.#session(job.model.sha256);
      this.#labels.set(session.id, model);
      await Promise.all(
        live.map(async (r) => {
          try {
            const { outputs, batch } = await this.#run(job.model.sha256, session, r.inputs as ModelInputs);
            results.push({
              id: r.id,
              ok: true,
              outputs: pick(outputs, r.outputs),
              timings: {
                queueMs, workerMs: 0, publishedAt: 0, batchWaitMs: batch.queueMs, runMs: batch.runMs, batchRows: batch.rows, batchRequests: batch.requests, worker: this.#opts.workerId,
              },
            });
          } catch (error) {
            results.push({ id: r.id, ok: false, error: serializeError(error) });
          }
        }),
      );
    } catch (error) {
      // The model could not be loaded: every request gets that error.
      this.#opts.log.warn({ err: error, sha256: job.model.sha256 }, 'inference model load failed');
      const e = serializeError(error);
      for (const r of live) results.push({ id: r.id, ok: false, error: e });
    }
    const failed = results.filter((r) => !r.ok).length;
    this.#metrics?.requests.inc({ model, status: 'ok' }, results.length - failed);
    if (failed) this.#metrics?.requests.inc({ model, status: 'error' }, failed);
    const publishedAt = preciseNow();
    for (const r of results) {
      if (r.ok) {
        r.timings.workerMs = publishedAt - takenAt;
        r.timings.publishedAt = publishedAt;
      }
    }
    const reply: InferenceReplyMessage = { results };
    await this.#opts.redis.publish(job.replyTo, JSON.stringify(reply));
    return { requests: job.requests.length, failed, expired };
  }

  /** Runs every queued request now and closes every session. */
  async close(): Promise<void> {
    this.batcher.flushAll();
    await this.cache.clear();
  }

  #session(sha256: string): Promise<ModelSession> {
    return this.cache.getOrLoad(sha256, () => this.#opts.store.read(sha256));
  }

  /** A session evicted between lookup and run is closed: look it up again, once. */
  async #run(sha256: string, session: ModelSession, inputs: ModelInputs): Promise<BatchedResult> {
    try {
      return await this.batcher.runWithReport(session, inputs);
    } catch (error) {
      if (!(error instanceof ModelSessionClosedError)) throw error;
      return this.batcher.runWithReport(await this.#session(sha256), inputs);
    }
  }
}

function pick(outputs: ModelOutputs, names: string[] | undefined): ModelOutputs {
  if (!names) return outputs;
  const out: ModelOutputs = {};
  for (const n of names) if (n in outputs) out[n] = outputs[n];
  return out;
}

/** The worker's inference metrics (exported to /metrics through the heartbeat). */
export function createInferenceWorkerMetrics(registry: Registry, cacheStats: () => { estimatedBytes: number; entries: number }) {
  return {
    batchSize: new Histogram({
      name: 'aivillage_inference_batch_size',
      help: 'Rows per onnxruntime run, by model',
      labelNames: ['model'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: 'aivillage_inference_run_duration_seconds',
      help: 'Time inside onnxruntime per run (one batch), by model',
      labelNames: ['model'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'aivillage_inference_worker_requests_total',
      help: 'Inference requests handled by workers, by model and status (ok, error, expired)',
      labelNames: ['model', 'status'],
      registers: [registry],
    }),
    loads: new Counter({ name: 'aivillage_inference_session_loads_total', help: 'Model sessions loaded (cache misses)', registers: [registry] }),
    cacheBytes: new Gauge({
      name: 'aivillage_inference_session_cache_bytes',
      help: 'Estimated native memory of the cached model sessions',
      registers: [registry],
      collect() {
        this.set(cacheStats().estimatedBytes);
      },
    }),
    cacheEntries: new Gauge({
      name: 'aivillage_inference_session_cache_entries',
      help: 'Model sessions in the cache',
      registers: [registry],
      collect() {
        this.set(cacheStats().entries);
      },
    }),
  };
}
