/**
 * The API side of inference: runs a request on the worker fleet through BullMQ and waits for
 * its result.
 *
 * Requests are coalesced before they reach the queue. Every request for the same model
 * version that arrives in one event-loop turn goes into ONE `inference/run-batch` job (up to
 * `maxRequestsPerJob`), so at load the queue's fixed cost (an add, a fetch, a completion:
 * a few Redis scripts) is paid per batch rather than per request, and the worker's dynamic
 * batcher sees the requests together. An idle API adds no delay: the job leaves at the end of
 * the current turn (setImmediate).
 *
 * Results come back on this instance's own reply channel (Redis pub/sub), one message per
 * job, instead of through job completion events that every instance would have to read.
 * A request fails with SERVICE_UNAVAILABLE when no inference worker is alive and with
 * INFERENCE_TIMEOUT when no result arrives within `timeoutMs`; the job carries the deadline,
 * so a worker that takes it later (e.g. after a crash and stalled-job recovery) skips it.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '@aivillage/errors';
import type { QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import { deserializeError, inferenceReplyChannel, preciseNow, type InferenceReplyMessage, type WorkerTimings } from './inference-protocol.js';
import type { ModelOutputs, ModelInputs } from './tensor-json.js';

/** A model version resolved for inference. */
export interface InferenceModelRef {
  namespace: string;
  name: string;
  version: number;
  sha256: string;
}

export interface InferenceRunResult {
  outputs: ModelOutputs;
  timings: WorkerTimings & {
    /** Wall time from this call to its result. */
    totalMs: number;
    /** totalMs minus the worker's batch wait and run: queue, Redis and serialisation. */
    overheadMs: number;
    /** From the call to the job leaving (coalescing: the rest of the event-loop turn). */
    sendMs: number;
    /** From the worker publishing the results to this call resolving (pub/sub, parsing, the API's event loop). */
    replyMs: number;
  };
}

export interface InferenceClientOptions {
  queues: QueueSet;
  /** A dedicated connection: it is put in subscriber mode. */
  subscriber: Redis;
  redisPrefix: string;
  /** Unique per API process (its reply channel). */
  instanceId: string;
  /** How long a request may take end to end. */
  timeoutMs: number;
  /** Most requests in one job (default 256). */
  maxRequestsPerJob?: number;
  /** Whether any inference worker is alive (cached by the caller). */
  hasWorkers: () => Promise<boolean>;
  /** Called once per finished request, for metrics; must not throw. */
  onResult?: (model: InferenceModelRef, outcome: { ok: boolean; totalMs: number; code?: string; timings?: WorkerTimings }) => void;
}

interface Pending {
  model: InferenceModelRef;
  started: number;
  /** preciseNow() at the call and when its job was sent. */
  calledAt: number;
  sentAt: number;
  timer: NodeJS.Timeout;
  resolve: (r: InferenceRunResult) => void;
  reject: (e: unknown) => void;
}

interface Outgoing {
  model: InferenceModelRef;
  requests: { id: string; inputs: ModelInputs; outputs?: string[] }[];
}

export class InferenceClient {
  readonly channel: string;
  readonly #opts: InferenceClientOptions;
  readonly #maxPerJob: number;
  readonly #pending = new Map<string, Pending>();
  /** Requests gathered this turn, by model version. */
  readonly #outgoing = new Map<string, Outgoing>();
  #flushScheduled = false;
  #seq = 0;
  readonly #idPrefix = randomUUID().slice(0, 8);
  #started = false;

  constructor(opts: InferenceClientOptions) {
    this.#opts = opts;
    this.#maxPerJob = opts.maxRequestsPerJob ?? 256;
    this.channel = inferenceReplyChannel(opts.redisPrefix, opts.instanceId);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#opts.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.#onReply(message);
    });
    await this.#opts.subscriber.subscribe(this.channel);
  }

  /** Requests waiting for a result. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /**
   * Runs `inputs` (already checked against the model's signature by the caller) on a worker.
   * Rejects with the worker's coded error, INFERENCE_TIMEOUT or SERVICE_UNAVAILABLE.
   */
  async run(model: InferenceModelRef, inputs: ModelInputs, outputs?: string[]): Promise<InferenceRunResult> {
    if (!this.#started) throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Inference is not available on this instance yet');
    if (!(await this.#opts.hasWorkers())) {
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'No inference worker is running; start one with WORKER_QUEUES including "inference"');
    }
    const id = `${this.#idPrefix}-${(this.#seq++).toString(36)}`;
    return new Promise<InferenceRunResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pending.delete(id)) return;
        const error = new AppError(ErrorCode.INFERENCE_TIMEOUT, `No inference result within ${this.#opts.timeoutMs} ms; the workers are overloaded or down`, {
          details: { timeoutMs: this.#opts.timeoutMs },
        });
        this.#report(model, performance.now() - started, error);
        reject(error);
      }, this.#opts.timeoutMs);
      const started = performance.now();
      this.#pending.set(id, { model, started, calledAt: preciseNow(), sentAt: 0, timer, resolve, reject });
      const key = `${model.sha256}|${model.namespace}|${model.name}|${model.version}`;
      let batch = this.#outgoing.get(key);
      if (!batch) this.#outgoing.set(key, (batch = { model, requests: [] }));
      batch.requests.push(outputs ? { id, inputs, outputs } : { id, inputs });
      if (batch.requests.length >= this.#maxPerJob) {
        this.#outgoing.delete(key);
        void this.#send(batch);
      } else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Fails everything still waiting (shutdown) and stops listening. */
  async stop(): Promise<void> {
    this.#flush();
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The API instance is shutting down'));
    }
    if (this.#started) await this.#opts.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batches = [...this.#outgoing.values()];
    this.#outgoing.clear();
    for (const b of batches) void this.#send(b);
  }

  async #send(batch: Outgoing): Promise<void> {
    const { namespace, name, version, sha256 } = batch.model;
    const sentAt = preciseNow();
    for (const r of batch.requests) {
      const p = this.#pending.get(r.id);
      if (p) p.sentAt = sentAt;
    }
    try {
      await this.#opts.queues.add(
        'inference',
        'run-batch',
        { replyTo: this.channel, deadline: Date.now() + this.#opts.timeoutMs, sentAt, model: { namespace, name, version, sha256 }, requests: batch.requests },
        // A result nobody waits for is worthless: no retries, no history of completed jobs.
        { attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600, count: 1000 } },
      );
    } catch (cause) {
      const error = new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Could not enqueue the inference request', { cause });
      for (const r of batch.requests) this.#settle(r.id, (p) => p.reject(error), error);
    }
  }

  #onReply(message: string): void {
    let reply: InferenceReplyMessage;
    try {
      reply = JSON.parse(message) as InferenceReplyMessage;
    } catch {
      return;
    }
    for (const r of reply.results ?? []) {
      if (r.ok) {
        const now = preciseNow();
        this.#settle(r.id, (p) => {
          const totalMs = performance.now() - p.started;
          p.resolve({
            outputs: r.outputs,
            timings: {
              ...r.timings,
              totalMs,
              overheadMs: Math.max(0, totalMs - r.timings.batchWaitMs - r.timings.runMs),
              sendMs: Math.max(0, p.sentAt - p.calledAt),
              replyMs: Math.max(0, now - r.timings.publishedAt),
            },
          });
        }, null, r.timings);
      } else {
        const error = deserializeError(r.error);
        this.#settle(r.id, (p) => p.reject(error), error);
      }
    }
  }

  #settle(id: string, fn: (p: Pending) => void, error: AppError | null, timings?: WorkerTimings): void {
    const p = this.#pending.get(id);
    if (!p) return; // timed out already
    this.#pending.delete(id);
    clearTimeout(p.timer);
    this.#report(p.model, performance.now() - p.started, error, timings);
    fn(p);
  }

  #report(model: InferenceModelRef, totalMs: number, error: AppError | null, timings?: WorkerTimings): void {
    try {
      this.#opts.onResult?.(model, { ok: error === null, totalMs, ...(error ? { code: error.code } : {}), ...(timings ? { timings } : {}) });
    } catch {
      // metrics never fail a request
    }
  }
}
