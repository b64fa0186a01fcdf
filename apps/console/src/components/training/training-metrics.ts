/**
 * A run's metric series as the charts draw them: the stored history (`metricSeries`,
 * averaged down to at most MAX_HISTORY_POINTS per series) followed by the points the
 * `trainingRunProgress` subscription delivered since the page opened. The subscription never
 * re-sends history and the history is re-read now and then, so the two overlap: a live point
 * counts only past the last step the history covers for its series (phase, name), and once
 * per step. Pure functions; the panel keeps the state.
 */
import type { TrainingPhase, TrainingRunQuery } from '@/gql/graphql';
import { PHASE_ORDER } from './training-phases';

export const MAX_HISTORY_POINTS = 500;
/** Live points kept per series (the oldest go first; the history, re-read while the run is active, covers them). */
export const MAX_LIVE_POINTS = 5000;

export type HistorySeries = TrainingRunQuery['trainingRun']['metricSeries'][number];

export interface LivePoint {
  phase: TrainingPhase;
  name: string;
  step: number;
  value: number;
}

export interface SeriesPoint {
  step: number;
  value: number;
}

export interface MergedSeries {
  phase: TrainingPhase;
  name: string;
  points: SeriesPoint[];
  /** Points stored for the series (history total plus the live points past it). */
  total: number;
  /** Points of `points` that came from the subscription. */
  live: number;
}

/** Live points by series key (`PHASE/name`), each keyed by step. */
export type LiveSeries = Record<string, Map<number, number>>;

export const seriesKey = (phase: string, name: string) => `${phase}/${name}`;

/** Adds a batch of live points (a new object; the maps of untouched series are shared). */
export function addLivePoints(prev: LiveSeries, points: readonly LivePoint[]): LiveSeries {
  if (points.length === 0) return prev;
  const next: LiveSeries = { ...prev };
  const copied = new Set<string>();
  for (const p of points) {
    const key = seriesKey(p.phase, p.name);
    if (!copied.has(key)) {
      next[key] = new Map(prev[key]);
      copied.add(key);
    }
    const series = next[key];
    series.set(p.step, p.value);
    if (series.size > MAX_LIVE_POINTS) series.delete(series.keys().next().value as number);
  }
  return next;
}

function lastSteps(history: readonly HistorySeries[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const s of history) {
    const end = s.points.at(-1)?.stepTo;
    if (end !== undefined) last.set(seriesKey(s.phase, s.name), end);
  }
  return last;
}

/** Every series, history then live points, in pipeline order and by name. */
export function mergeSeries(history: readonly HistorySeries[], live: LiveSeries): MergedSeries[] {
  const covered = lastSteps(history);
  const merged = new Map<string, MergedSeries>();
  for (const s of history) {
    merged.set(seriesKey(s.phase, s.name), {
      phase: s.phase,
      name: s.name,
      points: s.points.map((p) => ({ step: p.step, value: p.value })),
      total: s.total,
      live: 0,
    });
  }
  for (const [key, series] of Object.entries(live)) {
    const cut = covered.get(key) ?? -Infinity;
    const fresh = [...series].filter(([step]) => step > cut).sort((a, b) => a[0] - b[0]);
    if (fresh.length === 0) continue;
    const [phase, ...rest] = key.split('/');
    const target = merged.get(key) ?? { phase: phase as TrainingPhase, name: rest.join('/'), points: [], total: 0, live: 0 };
    target.points = [...target.points, ...fresh.map(([step, value]) => ({ step, value }))];
    target.total += fresh.length;
    target.live += fresh.length;
    merged.set(key, target);
  }
  return [...merged.values()].sort(
    (a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase) || a.name.localeCompare(b.name),
  );
}

/** Metric names in chart order: loss and accuracy first (always, even before any point), then the rest by name. */
export function chartNames(series: readonly MergedSeries[]): string[] {
  const featured = ['loss', 'accuracy'];
  const others = [...new Set(series.map((s) => s.name))].filter((n) => !featured.includes(n)).sort();
  return [...featured, ...others];
}

/** One row per step with a column per phase, for a chart of one metric drawn per phase. */
export function chartRows(series: readonly MergedSeries[], name: string): { phases: TrainingPhase[]; rows: Record<string, number>[] } {
  const of = series.filter((s) => s.name === name);
  const byStep = new Map<number, Record<string, number>>();
  for (const s of of) {
    for (const p of s.points) {
      const row = byStep.get(p.step) ?? { step: p.step };
      row[s.phase] = p.value;
      byStep.set(p.step, row);
    }
  }
  return { phases: of.map((s) => s.phase), rows: [...byStep.values()].sort((a, b) => a.step - b.step) };
}
