/**
 * Reading the measurement store back, fleet-wide: every process's rows are added up in
 * Postgres (bucket arrays element-wise), so a 7-day report moves a handful of rows, not
 * every sample. Also the retention prune.
 */
import { Prisma, type PrismaClient } from '@aivillage/db';
import { MAX_BUCKETS, mergeHistograms, type HistogramTotals } from './samples.js';
import { HOUR_MS, hourOf, planRead, type Range, type ReadPlan } from './rollup.js';

export interface HistogramQuery {
  metric: string;
  from: Date;
  to: Date;
  /** Only series whose labels contain these (jsonb @>). */
  labels?: Record<string, string>;
  /** Series whose label `exclude[0]` is one of `exclude[1]` are left out. */
  exclude?: [string, string[]];
  /** Group by this label's value (null group: label absent). */
  groupBy?: string;
  /** Also split each group into rows before / at-or-after this time (`recent`). */
  splitAt?: Date;
  /**
   * Where to read what: whole rolled-up hours from metric_samples_hourly, the rest raw. Computed
   * (one small query) when absent; `false` reads raw rows only.
   */
  plan?: ReadPlan | false;
}

export interface HistogramGroup {
  group: string | null;
  recent: boolean;
  totals: HistogramTotals;
  /** Sample rows behind it. */
  rows: number;
}

const BUCKET_SUMS = Prisma.raw(Array.from({ length: MAX_BUCKETS }, (_, i) => `sum(buckets[${i + 1}])`).join(', '));
const ROLLUP_BUCKET_SUMS = Prisma.raw(Array.from({ length: MAX_BUCKETS }, (_, i) => `coalesce(sum(buckets[${i + 1}]), 0)`).join(', '));

/**
 * The read plan for [from, to): which whole hours are rolled up (metric_rollup_hours) and so
 * come from metric_samples_hourly; the partial edge hours, hours not rolled up yet and hours
 * a `cut` falls inside are read raw. One query; share the plan between a report's statements.
 */
export async function readPlanFor(prisma: PrismaClient, from: Date, to: Date, cuts: Date[] = []): Promise<ReadPlan> {
  if (to.getTime() - from.getTime() < HOUR_MS) return { raw: [[from.getTime(), to.getTime()]], rolled: [] };
  const rows = await prisma.$queryRaw<{ hour: Date }[]>`
    SELECT hour FROM metric_rollup_hours WHERE hour >= ${from} AND hour < ${to}`;
  return planRead(from.getTime(), to.getTime(), new Set(rows.map((r) => r.hour.getTime())), cuts.map((c) => c.getTime()));
}

const rawPlan = (from: Date, to: Date): ReadPlan => ({ raw: [[from.getTime(), to.getTime()]], rolled: [] });
async function planOf(prisma: PrismaClient, q: { from: Date; to: Date; plan?: ReadPlan | false }, cuts: Date[] = []): Promise<ReadPlan> {
  if (q.plan === false) return rawPlan(q.from, q.to);
  return q.plan ?? readPlanFor(prisma, q.from, q.to, cuts);
}

/** `(col >= a AND col < b) OR …` over the ranges. */
function inRanges(column: 'ts' | 'hour', ranges: readonly Range[]): Prisma.Sql {
  const col = Prisma.raw(column);
  return Prisma.sql`(${Prisma.join(ranges.map(([a, b]) => Prisma.sql`(${col} >= ${new Date(a)} AND ${col} < ${new Date(b)})`), ' OR ')})`;
}

/**
 * The rows of one metric and kind in a plan's ranges as one relation (labels, t, bounds,
 * buckets, value, count, n): raw rows (n = 1) and rolled-up hours (n = rows behind them,
 * t = the hour's start), filtered alike.
 */
function planRows(metric: string, kind: 'HISTOGRAM' | 'COUNTER', plan: ReadPlan, filter: Prisma.Sql): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (plan.raw.length) {
    parts.push(Prisma.sql`SELECT labels, ts AS t, bounds, buckets, value, count, 1 AS n FROM metric_samples
      WHERE metric = ${metric} AND kind = ${Prisma.raw(`'${kind}'`)} AND ${inRanges('ts', plan.raw)} ${filter}`);
  }
  if (plan.rolled.length) {
    parts.push(Prisma.sql`SELECT labels, hour AS t, bounds, buckets, value, count, samples AS n FROM metric_samples_hourly
      WHERE metric = ${metric} AND kind = ${Prisma.raw(`'${kind}'`)} AND ${inRanges('hour', plan.rolled)} ${filter}`);
  }
  if (!parts.length) return Prisma.sql`SELECT labels, ts AS t, bounds, buckets, value, count, 1 AS n FROM metric_samples WHERE false`;
  return Prisma.join(parts, ' UNION ALL ');
}

/**
 * Histogram increases added up per group (and per side of `splitAt`), in one pass: bucket
 * arrays are summed position by position (`sum(buckets[i])`), which Postgres does about ten
 * times faster than unnesting every row's array. Whole rolled-up hours are read from
 * metric_samples_hourly (already added up per hour and series), the rest from raw rows.
 */
export async function histogramGroups(prisma: PrismaClient, q: HistogramQuery): Promise<HistogramGroup[]> {
  const plan = await planOf(prisma, q, q.splitAt ? [q.splitAt] : []);
  const group = q.groupBy ? Prisma.sql`labels->>${q.groupBy}` : Prisma.sql`NULL::text`;
  const recent = q.splitAt ? Prisma.sql`t >= ${q.splitAt}` : Prisma.sql`false`;
  const contains = q.labels ? Prisma.sql`AND labels @> ${JSON.stringify(q.labels)}::jsonb` : Prisma.empty;
  const exclude = q.exclude ? Prisma.sql`AND NOT (coalesce(labels->>${q.exclude[0]}, '') = ANY(${q.exclude[1]}::text[]))` : Prisma.empty;
  const rows = await prisma.$queryRaw<{ g: string | null; recent: boolean; bounds: number[]; buckets: (number | null)[]; sum: number; count: number; n: number }[]>`
    SELECT ${group} AS g, ${recent} AS recent, bounds, ARRAY[${BUCKET_SUMS}]::float8[] AS buckets, sum(value) AS sum, sum(count) AS count, sum(n)::int AS n
      FROM (${planRows(q.metric, 'HISTOGRAM', plan, Prisma.sql`${contains} ${exclude}`)}) x
     GROUP BY 1, 2, 3`;
  const byGroup = new Map<string, { group: string | null; recent: boolean; parts: HistogramTotals[]; rows: number }>();
  for (const r of rows) {
    const key = `${r.g ?? '\u0000'}|${r.recent}`;
    let e = byGroup.get(key);
    if (!e) byGroup.set(key, (e = { group: r.g, recent: r.recent, parts: [], rows: 0 }));
    const bounds = r.bounds.map(Number);
    e.parts.push({ bounds, buckets: r.buckets.slice(0, bounds.length + 1).map((b) => Number(b ?? 0)), sum: Number(r.sum), count: Number(r.count) });
    e.rows += r.n;
  }
  return [...byGroup.values()].map((e) => ({ group: e.group, recent: e.recent, totals: mergeHistograms(e.parts), rows: e.rows }));
}

/** One histogram over the whole range (every group and process). */
export async function histogramTotal(prisma: PrismaClient, q: Omit<HistogramQuery, 'groupBy' | 'splitAt'>): Promise<HistogramTotals & { rows: number }> {
  const groups = await histogramGroups(prisma, q);
  return { ...mergeHistograms(groups.map((g) => g.totals)), rows: groups.reduce((a, g) => a + g.rows, 0) };
}

/** Sum of a counter's increases (optionally only series containing `labels`). */
export async function counterTotal(
  prisma: PrismaClient, q: { metric: string; from: Date; to: Date; labels?: Record<string, string>; plan?: ReadPlan | false },
): Promise<number> {
  const plan = await planOf(prisma, q);
  const contains = q.labels ? Prisma.sql`AND labels @> ${JSON.stringify(q.labels)}::jsonb` : Prisma.empty;
  const [row] = await prisma.$queryRaw<{ total: number | null }[]>`
    SELECT sum(value) AS total FROM (${planRows(q.metric, 'COUNTER', plan, contains)}) x`;
  return Number(row?.total ?? 0);
}

export interface GaugePoint {
  /** The series' `component` label (memory_usage_bytes{component}), else the writing process's component. */
  component: string;
  instance: string;
  ts: number;
  value: number;
}

/** Every sample of a gauge in the range, oldest first (for per-process trends). */
export async function gaugePoints(prisma: PrismaClient, q: { metric: string; from: Date; to: Date }): Promise<GaugePoint[]> {
  const rows = await prisma.$queryRaw<{ component: string; instance: string; ts: Date; value: number }[]>`
    SELECT coalesce(labels->>'component', component) AS component, instance, ts, value FROM metric_samples
     WHERE metric = ${q.metric} AND kind = 'GAUGE' AND ts >= ${q.from} AND ts < ${q.to}
     ORDER BY ts`;
  return rows.map((r) => ({ component: r.component, instance: r.instance, ts: r.ts.getTime(), value: Number(r.value) }));
}

export interface UpSummary {
  /** `up` rows in the range. */
  samples: number;
  /** Processes that wrote them. */
  instances: number;
  first: Date | null;
  last: Date | null;
  /** Whether any process of the component sampled before `from` (the deployment existed then). */
  existedBefore: boolean;
  /** Gaps longer than `toleranceMs` between consecutive ticks of the whole component, minus one interval each, summed. */
  gapMs: number;
}

/**
 * A pause between ticks longer than this counts as down time: two intervals, and at least
 * 5 s more than one, so a tick delayed by a busy event loop or a slow INSERT is not an outage.
 */
export const upGapToleranceMs = (intervalMs: number) => Math.max(2 * intervalMs, intervalMs + 5000);

/** What the availability KPI needs from the `up` rows of one component, computed in SQL. */
export async function upSummary(prisma: PrismaClient, q: { component: string; from: Date; to: Date; intervalMs: number }): Promise<UpSummary> {
  const tolerance = upGapToleranceMs(q.intervalMs);
  const [row] = await prisma.$queryRaw<{ n: number; instances: number; first: Date | null; last: Date | null; gap_ms: number | null; before: boolean }[]>`
    WITH u AS (
      SELECT ts, instance, lag(ts) OVER (ORDER BY ts) AS prev FROM metric_samples
       WHERE kind = 'UP' AND component = ${q.component} AND ts >= ${q.from} AND ts < ${q.to})
    SELECT count(*)::int AS n, count(DISTINCT instance)::int AS instances, min(ts) AS first, max(ts) AS last,
           sum(CASE WHEN extract(epoch FROM ts - prev) * 1000 > ${tolerance} THEN extract(epoch FROM ts - prev) * 1000 - ${q.intervalMs} ELSE 0 END)::float8 AS gap_ms,
           EXISTS (SELECT 1 FROM metric_samples WHERE kind = 'UP' AND component = ${q.component} AND ts < ${q.from} AND ts >= ${q.from}::timestamptz - interval '1 day') AS before
      FROM u`;
  return {
    samples: row.n, instances: row.instances, first: row.first, last: row.last, existedBefore: row.before, gapMs: Number(row.gap_ms ?? 0),
  };
}

/** Deletes samples older than `before`, in batches so one prune never holds a long lock. */
export async function pruneMetricSamples(prisma: PrismaClient, before: Date, batch = 50_000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM metric_samples WHERE id IN (SELECT id FROM metric_samples WHERE ts < ${before} LIMIT ${batch})`;
    total += n;
    if (n < batch) return total;
  }
}

export interface RollupOptions {
  now?: Date;
  /** An hour is rolled up once it ended this long ago (a tick's INSERT may commit after its `ts`). */
  graceMs?: number;
  /** Hours older than this are not rolled up (their roll-ups would be pruned). */
  retentionDays: number;
  /** Most hours one run rolls up (each in its own transaction). */
  maxHours?: number;
}

export interface RollupResult {
  /** Hours rolled up by this run. */
  hours: number;
  /** metric_samples rows they held. */
  rows: number;
  /** Another process held the roll-up lock; this run stopped. */
  skipped: boolean;
}

export const ROLLUP_GRACE_MS = 120_000;

/**
 * Rolls every completed hour not rolled up yet into metric_samples_hourly: per hour and series
 * (metric, labels, component, kind, bounds) every process's rows added up — value, count and
 * bucket arrays position by position, rows, min and max — and the hour marked in
 * metric_rollup_hours (also when it holds no rows). Each hour is one transaction under a
 * transaction-scoped advisory lock (per schema), re-checked inside it, so two workers never
 * roll the same hour twice; the hour's old roll-up rows, if any, are replaced.
 */
export async function rollupMetricSamples(prisma: PrismaClient, opts: RollupOptions): Promise<RollupResult> {
  const now = (opts.now ?? new Date()).getTime();
  const last = hourOf(now - (opts.graceMs ?? ROLLUP_GRACE_MS)) - HOUR_MS; // the last hour that ended a grace ago
  const [first] = await prisma.$queryRaw<{ ts: Date | null }[]>`SELECT min(ts) AS ts FROM metric_samples`;
  const result: RollupResult = { hours: 0, rows: 0, skipped: false };
  if (!first?.ts) return result;
  const earliest = Math.max(hourOf(first.ts.getTime()), hourOf(now - opts.retentionDays * 86_400_000));
  if (earliest > last) return result;
  const done = new Set(
    (await prisma.$queryRaw<{ hour: Date }[]>`SELECT hour FROM metric_rollup_hours WHERE hour >= ${new Date(earliest)} AND hour <= ${new Date(last)}`)
      .map((r) => r.hour.getTime()),
  );
  const todo: number[] = [];
  for (let h = earliest; h <= last && todo.length < (opts.maxHours ?? 24 * 40); h += HOUR_MS) if (!done.has(h)) todo.push(h);
  for (const h of todo) {
    const hour = new Date(h);
    const end = new Date(h + HOUR_MS);
    const outcome = await prisma.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':metric_samples_rollup')) AS ok`;
      if (!lock.ok) return 'locked' as const;
      const [again] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM metric_rollup_hours WHERE hour = ${hour}`;
      if (again.n) return 'done' as const;
      await tx.$executeRaw`DELETE FROM metric_samples_hourly WHERE hour = ${hour}`;
      const [ins] = await tx.$queryRaw<{ n: number }[]>`
        WITH ins AS (
          INSERT INTO metric_samples_hourly (hour, metric, labels, component, kind, bounds, value, count, buckets, samples, min_value, max_value)
          SELECT ${hour}, metric, labels, component, kind, b, sum(value), sum(count),
                 CASE WHEN kind = 'HISTOGRAM' THEN (ARRAY[${ROLLUP_BUCKET_SUMS}]::float8[])[1:cardinality(b) + 1] ELSE '{}'::float8[] END,
                 count(*)::int, min(value), max(value)
            FROM (SELECT metric, labels, component, kind, coalesce(bounds, '{}'::float8[]) AS b, buckets, value, count
                    FROM metric_samples WHERE ts >= ${hour} AND ts < ${end}) s
           GROUP BY metric, labels, component, kind, b
          RETURNING samples)
        SELECT coalesce(sum(samples), 0)::int AS n FROM ins`;
      await tx.$executeRaw`INSERT INTO metric_rollup_hours (hour, rows) VALUES (${hour}, ${ins.n})`;
      return ins.n;
    }, { timeout: 120_000, maxWait: 10_000 });
    if (outcome === 'locked') return { ...result, skipped: true };
    if (outcome === 'done') continue;
    result.hours++;
    result.rows += outcome;
  }
  return result;
}

/** Deletes roll-ups (and their hour marks) of hours before `before`. */
export async function pruneMetricRollups(prisma: PrismaClient, before: Date): Promise<number> {
  const n = await prisma.$executeRaw`DELETE FROM metric_samples_hourly WHERE hour < ${before}`;
  await prisma.$executeRaw`DELETE FROM metric_rollup_hours WHERE hour < ${before}`;
  return n;
}
