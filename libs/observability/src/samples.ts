/**
 * The measurement store's pure half: which Prometheus series every process samples, how a
 * snapshot of prom-client metrics becomes per-tick increases (counters, histogram buckets)
 * or values (gauges), and the histogram arithmetic reports and detectors share (merging
 * bucket arrays from many processes, percentiles interpolated inside a bucket the way
 * Prometheus' histogram_quantile does).
 */

/**
 * The series behind the KPIs and detectors. A process samples those of them it has; the
 * rest of its registry stays in /metrics only (the store is for what reports read back).
 */
export const SAMPLED_METRICS = [
  // API
  'http_request_duration_seconds',
  'aivillage_graphql_errors_total',
  'active_connections_total',
  'aivillage_inference_latency_seconds',
  'aivillage_knowledge_search_seconds',
  'aivillage_knowledge_graph_query_seconds',
  'aivillage_fog_queue_wait_seconds',
  // both
  'memory_usage_bytes',
  // workers
  'aivillage_queue_wait_seconds',
  'aivillage_inference_run_duration_seconds',
  'gpu_utilization_percent',
  'training_loss',
  'training_accuracy',
] as const;

/** Most buckets (+Inf included) a stored histogram may have: reports add them up position by position. */
export const MAX_BUCKETS = 40;

export type SampleKind = 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'UP';

/** One row of metric_samples, before the sampler adds time, component and instance. */
export interface SampleRow {
  metric: string;
  labels: Record<string, string>;
  kind: SampleKind;
  /** GAUGE: value; COUNTER: increase; HISTOGRAM: increase of the sum; UP: seconds covered. */
  value: number;
  /** HISTOGRAM: observations in the tick. */
  count: number | null;
  /** HISTOGRAM: finite upper bounds, ascending. */
  bounds: number[];
  /** HISTOGRAM: per-bucket increases, one per bound plus +Inf last. */
  buckets: number[];
}

/** prom-client's `metric.get()` / `getMetricsAsJSON()` shape (the parts read here). */
export interface MetricJson {
  name: string;
  type: string;
  values: { value: number; labels: Record<string, string | number | undefined>; metricName?: string }[];
}

/** Labels as stored: string values, keys sorted, `le` left out (so equal series compare equal). */
export function canonicalLabels(labels: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    const v = labels[key];
    if (key !== 'le' && v !== undefined) out[key] = String(v);
  }
  return out;
}

const seriesKey = (metric: string, labels: Record<string, string>) => `${metric}\u0000${JSON.stringify(labels)}`;

interface HistogramState {
  bounds: number[];
  buckets: number[];
  sum: number;
  count: number;
}

/** A histogram series' cumulative `le` buckets as per-bucket counts, +Inf last. */
function histogramOf(values: MetricJson['values'], name: string): Map<string, { labels: Record<string, string>; state: HistogramState }> {
  const series = new Map<string, { labels: Record<string, string>; cumulative: Map<number, number>; sum: number; count: number }>();
  for (const v of values) {
    const labels = canonicalLabels(v.labels);
    const key = JSON.stringify(labels);
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels, cumulative: new Map(), sum: 0, count: 0 }));
    if (v.metricName === `${name}_bucket`) {
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      s.cumulative.set(le, v.value);
    } else if (v.metricName === `${name}_sum`) s.sum = v.value;
    else if (v.metricName === `${name}_count`) s.count = v.value;
  }
  const out = new Map<string, { labels: Record<string, string>; state: HistogramState }>();
  for (const [key, s] of series) {
    const bounds = [...s.cumulative.keys()].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    const buckets: number[] = [];
    let previous = 0;
    for (const b of bounds) {
      const c = s.cumulative.get(b)!;
      buckets.push(c - previous);
      previous = c;
    }
    buckets.push(s.count - previous);
    out.set(key, { labels: s.labels, state: { bounds, buckets, sum: s.sum, count: s.count } });
  }
  return out;
}

/**
 * Turns successive snapshots into sample rows: counters and histograms as their increase since
 * the previous snapshot (a series seen for the first time counts from zero, i.e. from process
 * start; a decrease means a reset and counts from zero again), gauges as their value. Series
 * that did not move are left out, so an idle process writes little more than its gauges.
 */
export class SeriesDeltas {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, HistogramState>();

  diff(metrics: readonly MetricJson[]): SampleRow[] {
    const rows: SampleRow[] = [];
    for (const m of metrics) {
      if (m.type === 'gauge') {
        for (const v of m.values) {
          if (Number.isFinite(v.value)) rows.push({ metric: m.name, labels: canonicalLabels(v.labels), kind: 'GAUGE', value: v.value, count: null, bounds: [], buckets: [] });
        }
      } else if (m.type === 'counter') {
        for (const v of m.values) {
          const labels = canonicalLabels(v.labels);
          const key = seriesKey(m.name, labels);
          const before = this.counters.get(key) ?? 0;
          this.counters.set(key, v.value);
          const delta = v.value >= before ? v.value - before : v.value;
          if (delta > 0) rows.push({ metric: m.name, labels, kind: 'COUNTER', value: delta, count: null, bounds: [], buckets: [] });
        }
      } else if (m.type === 'histogram') {
        for (const { labels, state } of histogramOf(m.values, m.name).values()) {
          if (state.buckets.length > MAX_BUCKETS) continue; // no sampled histogram has as many; see MAX_BUCKETS
          const key = seriesKey(m.name, labels);
          const before = this.histograms.get(key);
          this.histograms.set(key, state);
          const reset = !before || state.count < before.count || before.bounds.join() !== state.bounds.join();
          const count = reset ? state.count : state.count - before.count;
          if (count <= 0) continue;
          rows.push({
            metric: m.name, labels, kind: 'HISTOGRAM',
            value: reset ? state.sum : state.sum - before.sum,
            count,
            bounds: state.bounds,
            buckets: reset ? state.buckets : state.buckets.map((b, i) => b - before.buckets[i]),
          });
        }
      }
    }
    return rows;
  }
}

/** Added-up histogram increases (any number of rows, processes and ticks). */
export interface HistogramTotals {
  /** Finite upper bounds in seconds (or the metric's unit), ascending. */
  bounds: number[];
  /** Per-bucket counts, +Inf last. */
  buckets: number[];
  sum: number;
  count: number;
}

export const emptyHistogram = (): HistogramTotals => ({ bounds: [], buckets: [0], sum: 0, count: 0 });

/**
 * Adds histograms bucket-wise. Processes normally share bounds; where they differ, each
 * bucket's count lands in the union's bucket with the same upper bound (its own), so no
 * observation moves below its true bucket.
 */
export function mergeHistograms(parts: readonly HistogramTotals[]): HistogramTotals {
  const union = [...new Set(parts.flatMap((p) => p.bounds))].sort((a, b) => a - b);
  const index = new Map(union.map((b, i) => [b, i]));
  const buckets = new Array<number>(union.length + 1).fill(0);
  let sum = 0;
  let count = 0;
  for (const p of parts) {
    p.buckets.forEach((c, i) => {
      buckets[i < p.bounds.length ? index.get(p.bounds[i])! : union.length] += c;
    });
    sum += p.sum;
    count += p.count;
  }
  return { bounds: union, buckets, sum, count };
}

/**
 * The q-quantile (0..1) of a histogram, interpolated linearly inside the bucket that holds
 * it (Prometheus' histogram_quantile: the first bucket starts at 0; a rank in +Inf answers
 * the largest finite bound). Null when the histogram is empty.
 */
export function histogramQuantile(h: HistogramTotals, q: number): number | null {
  const total = h.buckets.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const inBucket = h.buckets[i];
    if (seen + inBucket >= rank && inBucket > 0) {
      if (i >= h.bounds.length) return h.bounds.length ? h.bounds[h.bounds.length - 1] : null;
      const lower = i === 0 ? 0 : h.bounds[i - 1];
      const upper = h.bounds[i];
      return lower + (upper - lower) * ((rank - seen) / inBucket);
    }
    seen += inBucket;
  }
  return h.bounds.length ? h.bounds[h.bounds.length - 1] : null;
}

/** Mean of the observations (sum / count); null when empty. */
export const histogramMean = (h: HistogramTotals): number | null => (h.count > 0 ? h.sum / h.count : null);
