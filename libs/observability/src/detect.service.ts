/**
 * One detection pass (maintenance queue, every OBSERVABILITY_DETECT_INTERVAL_MS): the
 * regression detector per GraphQL operation and the memory-leak detector per process, over
 * metric_samples; findings raise alerts, subjects judged healthy again resolve theirs.
 */
import type { PrismaClient } from '@aivillage/db';
import { detectLeak, detectRegression, LEAK_GROWTH_FACTOR, REGRESSION_THRESHOLD } from './detect.js';
import { gaugePoints, histogramGroups } from './samples.store.js';
import type { AlertService } from './alerts.service.js';

export interface DetectionOptions {
  recentMs: number;
  baselineMs: number;
  minSamples: number;
  leakWindowMs: number;
  leakMinWindowMs: number;
  /** The sampler's period: a process without a sample in three of them (and a minute) is gone and not judged. */
  sampleIntervalMs: number;
}

export interface DetectionResult {
  regressions: { operation: string; baselineP95Ms: number; recentP95Ms: number }[];
  leaks: { subject: string; growthFactor: number }[];
  opened: number;
  resolved: number;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function runDetection(
  deps: { prisma: PrismaClient; alerts: AlertService }, opts: DetectionOptions, now = new Date(),
): Promise<DetectionResult> {
  const result: DetectionResult = { regressions: [], leaks: [], opened: 0, resolved: 0 };
  const splitAt = new Date(now.getTime() - opts.recentMs);

  // Regressions: GraphQL operations over /graphql, recent window against the baseline before it.
  const groups = await histogramGroups(deps.prisma, {
    metric: 'http_request_duration_seconds', from: new Date(splitAt.getTime() - opts.baselineMs), to: now,
    labels: { endpoint: '/graphql' }, groupBy: 'operation', splitAt,
  });
  const operations = new Set(groups.map((g) => g.group ?? 'anonymous'));
  const healthyOps: string[] = [];
  for (const op of operations) {
    const side = (recent: boolean) => groups.find((g) => (g.group ?? 'anonymous') === op && g.recent === recent)?.totals ?? null;
    const v = detectRegression(side(false), side(true), { minSamples: opts.minSamples });
    if (v.state === 'OK') healthyOps.push(op);
    if (v.state !== 'REGRESSED') continue;
    result.regressions.push({ operation: op, baselineP95Ms: v.baselineP95Ms!, recentP95Ms: v.recentP95Ms! });
    const { opened } = await deps.alerts.raise({
      kind: 'REGRESSION', severity: v.severity, subject: op, value: v.recentP95Ms!, threshold: v.baselineP95Ms! * (1 + REGRESSION_THRESHOLD), baseline: v.baselineP95Ms,
      message: `${op}: p95 ${fmt(v.recentP95Ms!)} ms over the last ${Math.round(opts.recentMs / 60_000)} min, ${fmt(v.degradationPercent!)}% slower than its baseline ${fmt(v.baselineP95Ms!)} ms (${v.recentCount} vs ${v.baselineCount} requests)`,
    });
    if (opened) result.opened++;
  }
  result.resolved += (await deps.alerts.resolveCleared('REGRESSION', healthyOps)).length;

  // Memory leaks: memory_usage_bytes per component and process.
  const points = await gaugePoints(deps.prisma, { metric: 'memory_usage_bytes', from: new Date(now.getTime() - opts.leakWindowMs), to: now });
  const series = new Map<string, { ts: number; value: number }[]>();
  for (const p of points) {
    const key = `${p.component}/${p.instance}`;
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push(p);
  }
  const healthyProcesses: string[] = [];
  for (const [subject, list] of series) {
    if (now.getTime() - list[list.length - 1].ts > Math.max(3 * opts.sampleIntervalMs, 60_000)) continue; // the process is gone
    const v = detectLeak(list, { minWindowMs: opts.leakMinWindowMs });
    if (v.state === 'OK') healthyProcesses.push(subject);
    if (v.state !== 'LEAK') continue;
    result.leaks.push({ subject, growthFactor: v.growthFactor! });
    const { opened } = await deps.alerts.raise({
      kind: 'MEMORY_LEAK', severity: v.severity, subject, value: v.growthFactor!, threshold: LEAK_GROWTH_FACTOR, baseline: v.baselineBytes,
      message: `${subject}: memory grew ${v.growthFactor!.toFixed(2)}× (${mb(v.baselineBytes!)} → ${mb(v.recentBytes!)}) over ${Math.round(v.spanMs / 60_000)} min`,
    });
    if (opened) result.opened++;
  }
  result.resolved += (await deps.alerts.resolveCleared('MEMORY_LEAK', healthyProcesses)).length;
  return result;
}
