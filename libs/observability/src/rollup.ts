/**
 * Hourly roll-ups of the measurement store, the pure half: which parts of a report's window
 * are read from rolled-up hours (metric_samples_hourly) and which from raw rows
 * (metric_samples), and the roll-up of rows itself (the SQL's specification, for tests).
 */
import type { SampleKind } from './samples.js';

export const HOUR_MS = 3_600_000;
/** Start of the (UTC, epoch-aligned) hour holding `t`. */
export const hourOf = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;

/** Half-open ranges [from, to) in epoch ms. */
export type Range = [number, number];

export interface ReadPlan {
  /** Read from metric_samples by `ts`. */
  raw: Range[];
  /** Read from metric_samples_hourly by `hour` (whole hours only). */
  rolled: Range[];
}

/**
 * Splits [from, to) into raw and rolled ranges: an hour comes from the roll-up when it lies
 * wholly inside the window, is rolled up, and no `cut` (e.g. a report's recent/baseline split)
 * falls strictly inside it; everything else (the partial edge hours, hours not rolled up yet)
 * is read raw. Adjacent ranges of one kind are merged, so a usual window is one rolled range
 * between at most two raw ones.
 */
export function planRead(from: number, to: number, rolledHours: ReadonlySet<number>, cuts: readonly number[] = []): ReadPlan {
  const plan: ReadPlan = { raw: [], rolled: [] };
  if (!(to > from)) return plan;
  const push = (list: Range[], a: number, b: number) => {
    if (b <= a) return;
    const last = list[list.length - 1];
    if (last && last[1] === a) last[1] = b;
    else list.push([a, b]);
  };
  let t = from;
  for (let h = Math.ceil(from / HOUR_MS) * HOUR_MS; h + HOUR_MS <= to; h += HOUR_MS) {
    if (!rolledHours.has(h) || cuts.some((c) => c > h && c < h + HOUR_MS)) continue;
    push(plan.raw, t, h);
    push(plan.rolled, h, h + HOUR_MS);
    t = h + HOUR_MS;
  }
  push(plan.raw, t, to);
  return plan;
}

/** A metric_samples row as the roll-up reads it. */
export interface RawSample {
  ts: number;
  metric: string;
  labels: Record<string, string>;
  component: string;
  kind: SampleKind;
  value: number;
  count: number | null;
  bounds: number[];
  buckets: number[];
}

/** A metric_samples_hourly row. */
export interface HourlySample {
  hour: number;
  metric: string;
  labels: Record<string, string>;
  component: string;
  kind: SampleKind;
  bounds: number[];
  /** Sum of the rows' values. */
  value: number;
  /** Sum of the rows' counts (HISTOGRAM), else null. */
  count: number | null;
  /** Bucket increases summed position by position (HISTOGRAM), else []. */
  buckets: number[];
  samples: number;
  minValue: number;
  maxValue: number;
}

/**
 * Rows added up per hour and series (metric, labels, component, kind, bounds), the way the
 * roll-up job does it in SQL (rollupMetricSamples).
 */
export function rollUp(rows: readonly RawSample[]): HourlySample[] {
  const out = new Map<string, HourlySample>();
  for (const r of rows) {
    const hour = hourOf(r.ts);
    const key = JSON.stringify([hour, r.metric, r.labels, r.component, r.kind, r.bounds]);
    let h = out.get(key);
    if (!h) {
      out.set(key, (h = {
        hour, metric: r.metric, labels: r.labels, component: r.component, kind: r.kind, bounds: r.bounds,
        value: 0, count: r.kind === 'HISTOGRAM' ? 0 : null, buckets: r.kind === 'HISTOGRAM' ? new Array<number>(r.bounds.length + 1).fill(0) : [],
        samples: 0, minValue: Infinity, maxValue: -Infinity,
      }));
    }
    h.value += r.value;
    if (h.count !== null) h.count += r.count ?? 0;
    for (let i = 0; i < h.buckets.length; i++) h.buckets[i] += r.buckets[i] ?? 0;
    h.samples++;
    h.minValue = Math.min(h.minValue, r.value);
    h.maxValue = Math.max(h.maxValue, r.value);
  }
  return [...out.values()];
}
