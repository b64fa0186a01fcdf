/**
 * A resettable latency histogram for "p95 over the last period" figures, which
 * Prometheus' cumulative histograms cannot give in-process. Buckets grow by ~10%
 * (log scale from 0.05 ms to ~60 s), so a percentile read back is within 10% of the
 * truth; bucket arrays from several processes merge by addition.
 */
const MIN_MS = 0.05;
const GROWTH = 1.1;
export const LATENCY_WINDOW_BUCKETS = Math.ceil(Math.log(60_000 / MIN_MS) / Math.log(GROWTH)) + 1;

/** Upper bound (ms) of bucket `i`. */
export const bucketUpperMs = (i: number) => MIN_MS * GROWTH ** i;

export function bucketIndex(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const i = Math.ceil(Math.log(ms / MIN_MS) / Math.log(GROWTH));
  return Math.min(i, LATENCY_WINDOW_BUCKETS - 1);
}

export class LatencyWindow {
  counts = new Uint32Array(LATENCY_WINDOW_BUCKETS);
  total = 0;

  record(ms: number): void {
    this.counts[bucketIndex(ms)]++;
    this.total++;
  }

  /** Returns the counts so far and starts a new window. */
  drain(): { counts: number[]; total: number } {
    const out = { counts: Array.from(this.counts), total: this.total };
    this.counts.fill(0);
    this.total = 0;
    return out;
  }
}

/** Percentile (0..1) of a bucket array, as the upper bound of the bucket that holds it; null if empty. */
export function percentileOfBuckets(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(counts.length - 1);
}

/** Element-wise sum of bucket arrays (merging several processes' windows). */
export function mergeBuckets(arrays: ArrayLike<number>[]): number[] {
  const out = new Array<number>(LATENCY_WINDOW_BUCKETS).fill(0);
  for (const a of arrays) for (let i = 0; i < Math.min(a.length, out.length); i++) out[i] += a[i];
  return out;
}
