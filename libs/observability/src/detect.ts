/**
 * The guide's two detectors as pure functions over stored measurements (Troubleshooting):
 * - RegressionDetector: an operation whose recent p95 is ≥ 20% above its baseline window's,
 *   once both windows hold enough requests (the guide waits for 20 samples);
 * - MemoryLeakDetector: a process whose recent memory is ≥ 1.5× its baseline, averaged over
 *   the first and last ten samples (as the guide averages its last ten growth factors), once
 *   its series spans a minimum window.
 */
import { histogramQuantile, type HistogramTotals } from './samples.js';

/** The guide's figures. */
export const REGRESSION_THRESHOLD = 0.2;
export const LEAK_GROWTH_FACTOR = 1.5;
/** Samples averaged at each end of a memory series (the guide's "last 10 samples"). */
export const LEAK_EDGE_SAMPLES = 10;

export type Severity = 'WARNING' | 'CRITICAL';

export interface RegressionVerdict {
  state: 'INSUFFICIENT' | 'OK' | 'REGRESSED';
  baselineP95Ms: number | null;
  recentP95Ms: number | null;
  baselineCount: number;
  recentCount: number;
  /** 100 · (recent − baseline) / baseline. */
  degradationPercent: number | null;
  severity: Severity;
}

export function detectRegression(
  baseline: HistogramTotals | null, recent: HistogramTotals | null,
  opts: { minSamples: number; threshold?: number },
): RegressionVerdict {
  const threshold = opts.threshold ?? REGRESSION_THRESHOLD;
  const baselineCount = baseline?.count ?? 0;
  const recentCount = recent?.count ?? 0;
  const b = baseline ? histogramQuantile(baseline, 0.95) : null;
  const r = recent ? histogramQuantile(recent, 0.95) : null;
  const base = { baselineP95Ms: b === null ? null : b * 1000, recentP95Ms: r === null ? null : r * 1000, baselineCount, recentCount };
  if (b === null || r === null || !(b > 0) || baselineCount < opts.minSamples || recentCount < opts.minSamples) {
    return { state: 'INSUFFICIENT', ...base, degradationPercent: null, severity: 'WARNING' };
  }
  const degradation = (r - b) / b;
  return {
    state: r >= b * (1 + threshold) ? 'REGRESSED' : 'OK',
    ...base,
    degradationPercent: 100 * degradation,
    // Twice as slow or worse pages someone; 20–100% is a warning.
    severity: degradation >= 1 ? 'CRITICAL' : 'WARNING',
  };
}

export interface LeakVerdict {
  state: 'INSUFFICIENT' | 'OK' | 'LEAK';
  baselineBytes: number | null;
  recentBytes: number | null;
  growthFactor: number | null;
  samples: number;
  spanMs: number;
  severity: Severity;
}

/** `points` of one process, oldest first. */
export function detectLeak(
  points: readonly { ts: number; value: number }[],
  opts: { minWindowMs: number; growthFactor?: number; edgeSamples?: number },
): LeakVerdict {
  const factor = opts.growthFactor ?? LEAK_GROWTH_FACTOR;
  const edge = opts.edgeSamples ?? LEAK_EDGE_SAMPLES;
  const spanMs = points.length ? points[points.length - 1].ts - points[0].ts : 0;
  const none = { baselineBytes: null, recentBytes: null, growthFactor: null, samples: points.length, spanMs, severity: 'WARNING' as const };
  // Both ends need their own `edge` samples, and the series must span the minimum window.
  if (points.length < 2 * edge || spanMs < opts.minWindowMs) return { state: 'INSUFFICIENT', ...none };
  const mean = (xs: readonly { value: number }[]) => xs.reduce((a, p) => a + p.value, 0) / xs.length;
  const baseline = mean(points.slice(0, edge));
  const recent = mean(points.slice(-edge));
  if (!(baseline > 0)) return { state: 'INSUFFICIENT', ...none };
  const growth = recent / baseline;
  return {
    state: growth >= factor ? 'LEAK' : 'OK',
    baselineBytes: baseline, recentBytes: recent, growthFactor: growth, samples: points.length, spanMs,
    severity: growth >= 2 * factor ? 'CRITICAL' : 'WARNING',
  };
}
