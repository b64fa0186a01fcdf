/**
 * Batched metric ingestion: points are buffered and written with one INSERT ... SELECT FROM
 * unnest(arrays) per batch (every `maxBatch` points or `flushMs`), then streamed to subscribers as one
 * TRAINING_PROGRESS event per batch. A failed write is retried with the next batch; the
 * phase's final flush throws so a phase never reports success with points missing.
 */
import type { PrismaClient } from '@aivillage/db';
import type { TrainingProgressPayload } from '@aivillage/pubsub';
import type { TrainingPhase } from './phases.js';

export interface MetricPointInput {
  phase: TrainingPhase;
  step: number;
  name: string;
  value: number;
}

export interface MetricSinkOptions {
  prisma: PrismaClient;
  runId: string;
  publish: (payload: TrainingProgressPayload) => Promise<void>;
  maxBatch?: number;
  flushMs?: number;
  onError?: (error: unknown) => void;
}

export class MetricSink {
  #buffer: MetricPointInput[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #written = 0;
  readonly #maxBatch: number;
  readonly #flushMs: number;

  constructor(private readonly opts: MetricSinkOptions) {
    this.#maxBatch = opts.maxBatch ?? 500;
    this.#flushMs = opts.flushMs ?? 250;
  }

  /** Points written so far. */
  get written(): number {
    return this.#written;
  }

  record(point: MetricPointInput): void {
    if (!Number.isFinite(point.value) || !Number.isInteger(point.step)) return; // NaN/Infinity cannot be stored or charted
    this.#buffer.push(point);
    if (this.#buffer.length >= this.#maxBatch) void this.flush().catch((e) => this.opts.onError?.(e));
    else this.#timer ??= setTimeout(() => void this.flush().catch((e) => this.opts.onError?.(e)), this.#flushMs);
  }

  /** Writes everything buffered; resolves when it is stored (throws when it could not be). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#buffer;
    this.#buffer = [];
    const run = this.#flushing.catch(() => undefined).then(async () => {
      if (batch.length === 0) return;
      try {
        // One statement over four arrays: 10× the rate of Prisma's createMany here (bench/src/training.bench.ts).
        await this.opts.prisma.$executeRaw`
          INSERT INTO training_metric_points (run_id, phase, step, name, value)
          SELECT ${this.opts.runId}::uuid, t.phase::"TrainingPhase", t.step, t.name, t.value
          FROM unnest(${batch.map((p) => p.phase)}::text[], ${batch.map((p) => p.step)}::int[], ${batch.map((p) => p.name)}::text[], ${batch.map((p) => p.value)}::float8[])
            AS t(phase, step, name, value)`;
      } catch (error) {
        this.#buffer = [...batch, ...this.#buffer]; // keep them for the next flush
        throw error;
      }
      this.#written += batch.length;
      await this.opts.publish({ runId: this.opts.runId, at: new Date().toISOString(), kind: 'metrics', points: batch }).catch((e) => this.opts.onError?.(e));
    });
    this.#flushing = run;
    return run;
  }
}
