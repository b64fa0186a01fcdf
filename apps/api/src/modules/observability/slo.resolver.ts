/**
 * sloReport: the guide's KPIs measured over a window. Fleet figures only (no namespace
 * data), so any signed-in caller may read it; the edge has authenticated every request.
 */
import type { SloReport as SloReportData } from '@aivillage/observability/server';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { KpiArea, SloReport, SloStatus } from './slo.type.js';

const toSloReport = (r: SloReportData): SloReport => ({
  window: r.window, from: r.from, to: r.to,
  kpis: r.kpis.map((k) => ({
    key: k.key, area: k.area as KpiArea, name: k.name, target: k.target, targetMin: k.min ?? null, targetMax: k.max ?? null, unit: k.unit,
    value: k.value, samples: k.samples, status: k.status as SloStatus, source: k.source, reason: k.reason ?? null,
  })),
});

@Resolver()
export class SloResolver {
  @Query(() => SloReport, { description: "Each KPI of the guide's Performance Metrics with its target, the value measured over `window` (5m, 1h, 24h, 7d; at most 7d) and a status" })
  async sloReport(@Arg('window', () => String, { defaultValue: '1h', nullable: true }) window: string | null, @Ctx() ctx: Context): Promise<SloReport> {
    return toSloReport(await ctx.deps.slo.report(window ?? '1h'));
  }
}
