/**
 * The API side of inference: runs a request on the worker fleet through BullMQ and waits for
 * its result.
 *
 * Requests are coalesced before they reach the queue, per model version, in two ways:
 *  - every request that arrives in one event-loop turn goes into ONE `inference/run-batch`
 *    job (up to `maxRequestsPerJob`); an idle API adds no delay, the job leaves at the end of
 *    the current turn (setImmediate);
 *  - at most `maxJobsInFlight` jobs per model are outstanding; requests arriving while the
 *    window is full wait and leave together as the next job the moment a reply frees a slot.
 *    This is self-clocking, like a TCP window: at light load nothing waits, under load batches
 *    grow with the round trip instead of the queue filling with tiny jobs.
 * So the queue's fixed cost (an add, a fetch, a completion: a few Redis scripts on each side)
 * is paid per batch rather than per request, and the worker's dynamic batcher sees the
 * requests together.
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
  /** Most jobs per model outstanding from this instance (default 4). */
  maxJobsInFlight?: number;
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
  /** The job that carries it, once sent. */
  job: SentJob | null;
  timer: NodeJS.Timeout;
  resolve: (r: InferenceRunResult) => void;
  reject: (e: unknown) => void;
}

interface OutgoingRequest {
  id: string;
  inputs: ModelInputs;
  outputs?: string[];
}

/** One model version's traffic from this instance: requests not yet sent and jobs outstanding. */
interface Lane {
  key: string;
  model: InferenceModelRef;
  waiting: OutgoingRequest[];
  inFlight: number;
}

interface SentJob {
  lane: Lane;
  open: boolean;
}

export class InferenceClient {
  readonly channel: string;
  readonly #opts: InferenceClientOptions;
  readonly #maxPerJob: number;
  readonly #window: number;
  readonly #pending = new Map<string, Pending>();
  /** By model version; a lane goes when it has nothing waiting and nothing in flight. */
  readonly #lanes = new Map<string, Lane>();
  #flushScheduled = false;
  #seq = 0;
  readonly #idPrefix = randomUUID().slice(0, 8);
  #started = false;

  constructor(opts: InferenceClientOptions) {
    this.#opts = opts;
    this.#maxPerJob = opts.maxRequestsPerJob ?? 256;
    this.#window = opts.maxJobsInFlight ?? 4;
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
      const started = performance.now();
      const timer = setTimeout(() => {
        const p = this.#pending.get(id);
        if (!p) return;
        this.#pending.delete(id);
        // Its job may never answer (a worker died with it): free the slot. A request still
        // waiting for a slot is skipped when its lane is sent.
        if (p.job) this.#closeJob(p.job);
        const error = new AppError(ErrorCode.INFERENCE_TIMEOUT, `No inference result within ${this.#opts.timeoutMs} ms; the workers are overloaded or down`, {
          details: { timeoutMs: this.#opts.timeoutMs },
        });
        this.#report(model, performance.now() - started, error);
        reject(error);
      }, this.#opts.timeoutMs);
      this.#pending.set(id, { model, started, calledAt: preciseNow(), sentAt: 0, job: null, timer, resolve, reject });
      const key = `${model.sha256}|${model.namespace}|${model.name}|${model.version}`;
      let lane = this.#lanes.get(key);
      if (!lane) this.#lanes.set(key, (lane = { key, model, waiting: [], inFlight: 0 }));
      lane.waiting.push(outputs ? { id, inputs, outputs } : { id, inputs });
      if (lane.waiting.length >= this.#maxPerJob && lane.inFlight < this.#window) this.#sendFrom(lane);
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Fails everything still waiting (shutdown) and stops listening. */
  async stop(): Promise<void> {
    // Called after HTTP has drained, so normally nothing is left; whatever is gets an answer.
    this.#lanes.clear();
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The API instance is shutting down'));
    }
    if (this.#started) await this.#opts.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  #flush(): void {
    this.#flushScheduled = false;
    for (const lane of [...this.#lanes.values()]) this.#sendFrom(lane);
  }

  /** Sends what the lane has waiting, as jobs of up to maxRequestsPerJob, while its window allows. */
  #sendFrom(lane: Lane): void {
    while (lane.waiting.length && lane.inFlight < this.#window) {
      const requests = lane.waiting.splice(0, this.#maxPerJob).filter((r) => this.#pending.has(r.id));
      if (!requests.length) continue;
      const job: SentJob = { lane, open: true };
      lane.inFlight += 1;
      void this.#send(job, requests);
    }
    if (!lane.waiting.length && lane.inFlight === 0) this.#lanes.delete(lane.key);
  }

  /** A job answered (or will never): its slot takes the next batch of waiting requests at once. */
  #closeJob(job: SentJob): void {
    if (!job.open) return;
    job.open = false;
    job.lane.inFlight -= 1;
    if (this.#lanes.get(job.lane.key) !== job.lane) this.#lanes.set(job.lane.key, job.lane);
    this.#sendFrom(job.lane);
  }

  async #send(job: SentJob, requests: OutgoingRequest[]): Promise<void> {
    const { namespace, name, version, sha256 } = job.lane.model;
    const sentAt = preciseNow();
    for (const r of requests) {
      const p = this.#pending.get(r.id);
      if (p) {
        p.sentAt = sentAt;
        p.job = job;
      }
    }
    try {
      await this.#opts.queues.add(
        'inference',
        'run-batch',
        { replyTo: this.channel, deadline: Date.now() + this.#opts.timeoutMs, sentAt, model: { namespace, name, version, sha256 }, requests },
        // A result nobody waits for is worthless: no retries, no history of completed jobs.
        { attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600, count: 1000 } },
      );
    } catch (cause) {
      const error = new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Could not enqueue the inference request', { cause });
      for (const r of requests) this.#settle(r.id, (p) => p.reject(error), error);
      this.#closeJob(job);
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
    // One reply carries every result of its job: the first one settled frees the job's slot.
    if (p.job) this.#closeJob(p.job);
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
