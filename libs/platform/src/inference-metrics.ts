/**
 * Per-model inference figures for `Subscription.inferenceMetrics`, fleet-wide: every API
 * instance records each `runInference` it answered (end-to-end latency, error, rows of the
 * run that served it) into InferenceStats; the window rides along in the instance's
 * system-metrics report, and the metrics leader merges all instances' windows (latency
 * buckets add up, so the fleet p99 is a real p99) into one INFERENCE_METRICS sample per
 * period. Pure functions here; I/O is in SystemMetricsService.
 */
import { LATENCY_WINDOW_BUCKETS, LatencyWindow, percentileOfBuckets } from '@aivillage/metrics';
import type { InferenceMetricsPayload, InferenceModelSample } from '@aivillage/pubsub';

/** One model's window in one instance's report; latency buckets are sparse [index, count] pairs. */
export interface InferenceModelWindow {
  requests: number;
  errors: number;
  /** Sum over successful requests of the rows in the run that served them. */
  batchRowsSum: number;
  batched: number;
  latency: [number, number][];
}

export type InferenceWindows = Record<string, InferenceModelWindow>;

interface Accumulator {
  requests: number;
  errors: number;
  batchRowsSum: number;
  batched: number;
  latency: LatencyWindow;
}

/** The recording side, one per API instance. Keys are `namespace/model`. */
export class InferenceStats {
  #models = new Map<string, Accumulator>();

  record(namespace: string, model: string, ms: number, ok: boolean, batchRows?: number): void {
    const key = `${namespace}/${model}`;
    let a = this.#models.get(key);
    if (!a) {
      // Bounded: a flood of distinct (nonexistent) model names never reaches here, since
      // only resolved models are recorded; still, cap it.
      if (this.#models.size >= 1000) return;
      this.#models.set(key, (a = { requests: 0, errors: 0, batchRowsSum: 0, batched: 0, latency: new LatencyWindow() }));
    }
    a.requests += 1;
    if (!ok) a.errors += 1;
    if (batchRows !== undefined) {
      a.batchRowsSum += batchRows;
      a.batched += 1;
    }
    a.latency.record(ms);
  }

  /** The window so far, and a fresh one. */
  drain(): InferenceWindows {
    const out: InferenceWindows = {};
    for (const [key, a] of this.#models) {
      const latency: [number, number][] = [];
      for (const [i, c] of a.latency.counts.entries()) if (c) latency.push([i, c]);
      out[key] = { requests: a.requests, errors: a.errors, batchRowsSum: a.batchRowsSum, batched: a.batched, latency };
    }
    this.#models.clear();
    return out;
  }
}

/** Merges instances' windows (each with its window length) into one sample per model. */
export function mergeInferenceWindows(
  reports: { windowMs: number; inference?: InferenceWindows }[],
  workers: { queues: string[]; rssBytes?: number }[],
  now: Date,
): InferenceMetricsPayload {
  const merged = new Map<string, { rps: number; eps: number; batchRowsSum: number; batched: number; counts: number[] }>();
  for (const r of reports) {
    if (!r.inference || !(r.windowMs > 0)) continue;
    const perSecond = 1000 / r.windowMs;
    for (const [key, w] of Object.entries(r.inference)) {
      let m = merged.get(key);
      if (!m) merged.set(key, (m = { rps: 0, eps: 0, batchRowsSum: 0, batched: 0, counts: new Array<number>(LATENCY_WINDOW_BUCKETS).fill(0) }));
      m.rps += w.requests * perSecond;
      m.eps += w.errors * perSecond;
      m.batchRowsSum += w.batchRowsSum;
      m.batched += w.batched;
      for (const [i, c] of w.latency) if (i >= 0 && i < m.counts.length) m.counts[i] += c;
    }
  }
  const models: InferenceModelSample[] = [...merged].map(([key, m]) => {
    const slash = key.indexOf('/');
    return {
      namespace: key.slice(0, slash),
      model: key.slice(slash + 1),
      requestsPerSecond: round(m.rps, 2),
      errorsPerSecond: round(m.eps, 2),
      p50LatencyMs: nullableRound(percentileOfBuckets(m.counts, 0.5), 3),
      p95LatencyMs: nullableRound(percentileOfBuckets(m.counts, 0.95), 3),
      p99LatencyMs: nullableRound(percentileOfBuckets(m.counts, 0.99), 3),
      averageBatchSize: m.batched ? round(m.batchRowsSum / m.batched, 2) : null,
    };
  });
  const inference = workers.filter((w) => w.queues.includes('inference'));
  return {
    timestamp: now.toISOString(),
    workers: inference.length,
    workerRssBytes: inference.reduce((max, w) => Math.max(max, w.rssBytes ?? 0), 0),
    models,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const nullableRound = (v: number | null, digits: number) => (v === null ? null : round(v, digits));
