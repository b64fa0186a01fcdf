/**
 * sloReport: each KPI of the guide measured on this deployment over a window, fleet-wide.
 * Latency KPIs read the measurement store (histogram increases every process sampled);
 * pipeline, mesh and fog KPIs read what those domains stored (training runs, propagation
 * simulations, fog usage). A KPI without measurements in the window is NO_DATA with the
 * reason, never a constant.
 */
import type { PrismaClient } from '@aivillage/db';
import { costReport, type UsageRecord } from '@aivillage/fog';
import { histogramMean, histogramQuantile, type HistogramTotals } from './samples.js';
import { mergeHistograms } from './samples.js';
import { counterTotal, histogramGroups, histogramTotal, readPlanFor, upGapToleranceMs, upSummary, type HistogramGroup } from './samples.store.js';
import type { ReadPlan } from './rollup.js';
import { evaluateKpi, KPI_DEFINITIONS, parseWindow, type KpiMeasurement, type KpiResult } from './slo.js';

export interface SloReport {
  window: string;
  from: Date;
  to: Date;
  kpis: KpiResult[];
}

/** Probes and scrapes are not API traffic. */
const NOT_API_TRAFFIC: [string, string[]] = ['endpoint', ['/healthz', '/readyz', '/metrics']];
/** GraphQL errors that are the service's fault (a user's bad input is not an error of the service). */
const SERVER_ERROR_CODES = ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'INFERENCE_TIMEOUT', 'INFERENCE_FAILED'];

const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
const noData = (source: string, reason: string, samples = 0): KpiMeasurement => ({ value: null, samples, source, reason });

function latency(h: HistogramTotals & { rows: number }, q: number | 'mean', source: string): KpiMeasurement {
  if (h.count === 0) return noData(source, 'no observations in the window');
  return { value: ms(q === 'mean' ? histogramMean(h) : histogramQuantile(h, q)), samples: Math.round(h.count), source };
}

export class SloService {
  /**
   * `rollups: false` reads raw metric_samples only (the reference the roll-up path is tested
   * against); by default whole rolled-up hours come from metric_samples_hourly.
   */
  constructor(private readonly deps: { prisma: PrismaClient; sampleIntervalMs: number; rollups?: boolean }) {}

  async report(window: string, now = new Date()): Promise<SloReport> {
    const windowMs = parseWindow(window);
    const from = new Date(now.getTime() - windowMs);
    const to = now;
    // Which hours come from the roll-ups: decided once, shared by every statement of the report.
    const plan: ReadPlan | false = this.deps.rollups === false ? false : await readPlanFor(this.deps.prisma, from, to);
    const r = { from, to, plan };
    // API traffic by status, read once for latency and errors.
    const traffic = histogramGroups(this.deps.prisma, { metric: 'http_request_duration_seconds', ...r, groupBy: 'status', exclude: NOT_API_TRAFFIC });
    const measured: Record<string, Promise<KpiMeasurement>> = {
      'api.latency_p95': traffic.then((groups) => {
        const all = mergeHistograms(groups.map((g) => g.totals));
        return latency({ ...all, rows: 0 }, 0.95, 'p95 of http_request_duration_seconds (all endpoints but probes and /metrics)');
      }),
      'api.throughput': Promise.resolve(noData('bench/src/api.bench.ts', 'a capacity figure: measured by the load benchmark (npm run bench), not by live traffic')),
      'api.availability': this.availability(r),
      'api.error_rate': traffic.then((groups) => this.errorRate(r, groups)),
      'forge.training_time': this.trainingTime(r),
      'forge.compression_ratio': this.lastPhaseFigure(r, 'sizeReduction', 'training_phase_executions.summary.sizeReduction of each succeeded run’s last compression'),
      'forge.inference_avg': this.histogram('aivillage_inference_latency_seconds', r, 'mean', { outcome: 'ok' }, undefined, 'mean of aivillage_inference_latency_seconds{outcome="ok"} (runInference end to end)'),
      'forge.model_quality': this.lastPhaseFigure(r, 'testAccuracy', 'training_phase_executions.summary.testAccuracy of each succeeded run’s last measured phase'),
      'p2p.propagation_7_hops': this.propagation(r),
      'p2p.connection_establishment': Promise.resolve(noData('peer link reports', 'peers report link latency, throughput and success rate, not connection set-up times')),
      'p2p.throughput_quic': this.linkThroughput(r, 'QUIC'),
      'p2p.throughput_betanet': this.linkThroughput(r, 'HTX'),
      'p2p.battery': Promise.resolve(noData('peer heartbeats', 'heartbeats carry the battery level, but no drain rate per device is kept')),
      'rag.simple_query': this.histogram('aivillage_knowledge_search_seconds', r, 0.95, undefined, undefined, 'p95 of aivillage_knowledge_search_seconds (every searchKnowledge mode)'),
      'rag.accuracy': Promise.resolve(noData('—', 'needs a labelled benchmark against a traditional RAG baseline; not measurable on live queries')),
      'rag.vector_search': this.histogram('aivillage_knowledge_search_seconds', r, 0.95, { mode: 'VECTOR' }, undefined, 'p95 of aivillage_knowledge_search_seconds{mode="VECTOR"}'),
      'rag.graph_3_hops': this.histogram('aivillage_knowledge_graph_query_seconds', r, 0.95, { hops: '3' }, undefined, 'p95 of aivillage_knowledge_graph_query_seconds{hops="3"}'),
      'fog.queue_wait': this.histogram('aivillage_fog_queue_wait_seconds', r, 'mean', undefined, undefined, 'mean of aivillage_fog_queue_wait_seconds (queued → started on a node)').then(
        (m) => ({ ...m, value: m.value === null ? null : m.value / 1000 }),
      ),
      'fog.utilisation': this.fogUtilisation(r),
      'fog.cost_saving': this.fogCostSaving(r),
      'fog.security_overhead': this.fogSandboxOverhead(r),
    };
    const kpis = await Promise.all(KPI_DEFINITIONS.map(async (def) => evaluateKpi(def, await measured[def.key])));
    return { window, from, to, kpis };
  }

  private async histogram(
    metric: string, r: { from: Date; to: Date; plan: ReadPlan | false }, q: number | 'mean', labels: Record<string, string> | undefined, exclude: [string, string[]] | undefined, source: string,
  ): Promise<KpiMeasurement> {
    return latency(await histogramTotal(this.deps.prisma, { metric, ...r, labels, exclude }), q, source);
  }

  /** Share of the window in which at least one API instance was sampling (its `up` rows). */
  private async availability(r: { from: Date; to: Date }): Promise<KpiMeasurement> {
    const interval = this.deps.sampleIntervalMs;
    const source = 'up samples of the API instances (a pause of over two sample intervals, and 5 s, counts as down)';
    const u = await upSummary(this.deps.prisma, { component: 'api', ...r, intervalMs: interval });
    if (u.samples < 2 || !u.first || !u.last) return noData(source, 'fewer than two API samples in the window', u.samples);
    const tolerance = upGapToleranceMs(interval);
    const start = u.existedBefore ? r.from.getTime() : u.first.getTime();
    let down = u.gapMs;
    if (u.existedBefore && u.first.getTime() - start > tolerance) down += u.first.getTime() - start - interval;
    if (r.to.getTime() - u.last.getTime() > tolerance) down += r.to.getTime() - u.last.getTime() - interval;
    const span = r.to.getTime() - start;
    if (span <= 0) return noData(source, 'the window is shorter than one sample interval', u.samples);
    return { value: 100 * Math.max(0, 1 - down / span), samples: u.samples, source };
  }

  private async errorRate(r: { from: Date; to: Date; plan: ReadPlan | false }, byStatus: HistogramGroup[]): Promise<KpiMeasurement> {
    const source = 'HTTP 5xx plus GraphQL errors with a server-fault code, over requests (http_request_duration_seconds, aivillage_graphql_errors_total)';
    const requests = byStatus.reduce((a, g) => a + g.totals.count, 0);
    if (requests === 0) return noData(source, 'no requests in the window');
    const http5xx = byStatus.filter((g) => Number(g.group) >= 500).reduce((a, g) => a + g.totals.count, 0);
    const graphql = await Promise.all(SERVER_ERROR_CODES.map((code) => counterTotal(this.deps.prisma, { metric: 'aivillage_graphql_errors_total', ...r, labels: { code } })));
    const errors = http5xx + graphql.reduce((a, n) => a + n, 0);
    return { value: (100 * Math.min(errors, requests)) / requests, samples: Math.round(requests), source };
  }

  private async trainingTime(r: { from: Date; to: Date }): Promise<KpiMeasurement> {
    const source = 'training_runs: started → finished of runs that succeeded in the window';
    const [row] = await this.deps.prisma.$queryRaw<{ n: number; hours: number | null }[]>`
      SELECT count(*)::int AS n, avg(extract(epoch FROM finished_at - started_at) / 3600)::float8 AS hours FROM training_runs
       WHERE status = 'SUCCEEDED' AND started_at IS NOT NULL AND finished_at >= ${r.from} AND finished_at < ${r.to}`;
    return row.n ? { value: row.hours, samples: row.n, source } : noData(source, 'no training run succeeded in the window');
  }

  /** A summary figure (fraction 0..1) of each succeeded run's last phase that reported it, as a mean percentage. */
  private async lastPhaseFigure(r: { from: Date; to: Date }, field: 'sizeReduction' | 'testAccuracy', source: string): Promise<KpiMeasurement> {
    const [row] = await this.deps.prisma.$queryRaw<{ n: number; v: number | null }[]>`
      SELECT count(*)::int AS n, avg(v)::float8 AS v FROM (
        SELECT DISTINCT ON (p.run_id) (p.summary->>${field})::float8 AS v
          FROM training_phase_executions p JOIN training_runs t ON t.id = p.run_id
         WHERE t.status = 'SUCCEEDED' AND t.finished_at >= ${r.from} AND t.finished_at < ${r.to}
           AND p.status = 'SUCCEEDED' AND jsonb_typeof(p.summary->${field}) = 'number'
         ORDER BY p.run_id, p.position DESC) x`;
    return row.n ? { value: 100 * row.v!, samples: row.n, source } : noData(source, `no run that succeeded in the window reported ${field}`);
  }

  /**
   * Stored gossip simulations that cover their reachable mesh within 7 hops (ttl ≥ 7, deepest
   * first arrival ≤ 7 hops): the slowest time for 95% of the reachable peers to hear the message.
   */
  private async propagation(r: { from: Date; to: Date }): Promise<KpiMeasurement> {
    const source = 'propagation_simulations: worst timeToReachable.p95 of runs spanning ≤ 7 hops (ttl ≥ 7)';
    const [row] = await this.deps.prisma.$queryRaw<{ n: number; worst: number | null }[]>`
      SELECT count(*)::int AS n, max((result->'timeToReachable'->>'p95')::float8) AS worst FROM propagation_simulations
       WHERE status = 'SUCCEEDED' AND finished_at >= ${r.from} AND finished_at < ${r.to}
         AND (input->>'ttl')::int >= 7 AND (result->'hops'->>'max')::int <= 7
         AND jsonb_typeof(result->'timeToReachable'->'p95') = 'number'`;
    return row.n ? { value: row.worst, samples: row.n, source } : noData(source, 'no propagation simulation over ≤ 7 hops finished in the window');
  }

  private async linkThroughput(r: { from: Date; to: Date }, transport: 'QUIC' | 'HTX'): Promise<KpiMeasurement> {
    const source = `peer_link_samples: mean reported throughput of ${transport} links`;
    const [row] = await this.deps.prisma.$queryRaw<{ n: number; mbps: number | null }[]>`
      SELECT count(*)::int AS n, avg(s.throughput_mbps)::float8 AS mbps FROM peer_link_samples s JOIN peer_links l ON l.id = s.link_id
       WHERE l.transport = ${transport}::"PeerTransport" AND s.at >= ${r.from} AND s.at < ${r.to}`;
    return row.n ? { value: row.mbps, samples: row.n, source } : noData(source, `no ${transport} link reports in the window`);
  }

  /** Measured sandbox CPU time over the CPU reserved (and billed) for the fog jobs that ran in the window. */
  private async fogUtilisation(r: { from: Date; to: Date }): Promise<KpiMeasurement> {
    const source = 'fog_usage_records: measured CPU time / reserved core time';
    const [row] = await this.deps.prisma.$queryRaw<{ n: number; used: number | null; reserved: number | null }[]>`
      SELECT count(*)::int AS n, sum(cpu_ms)::float8 AS used, sum(cpu_core_seconds * 1000)::float8 AS reserved FROM fog_usage_records
       WHERE cpu_ms IS NOT NULL AND cpu_core_seconds > 0 AND ended_at >= ${r.from} AND ended_at < ${r.to}`;
    return row.n && row.reserved ? { value: (100 * row.used!) / row.reserved, samples: row.n, source } : noData(source, 'no fog job with measured CPU time ended in the window');
  }

  private async fogCostSaving(r: { from: Date; to: Date }): Promise<KpiMeasurement> {
    const source = 'fog_usage_records priced by tier against traditional cloud prices (libs/fog cost)';
    const rows = await this.deps.prisma.fogUsageRecord.findMany({ where: { endedAt: { gte: r.from, lt: r.to } } });
    const records: UsageRecord[] = rows.map((u) => ({
      namespace: u.namespaceId, tier: u.tier, jobId: u.jobId, startedAt: u.startedAt.getTime(), endedAt: u.endedAt.getTime(),
      cpuCoreSeconds: u.cpuCoreSeconds, gpuSeconds: u.gpuSeconds, memoryGbSeconds: u.memoryGbSeconds,
    }));
    const saving = records.length ? costReport(records).total.savingPercent : null;
    return saving === null ? noData(source, 'no priced fog usage ended in the window', records.length) : { value: saving, samples: records.length, source };
  }

  /** Time the sandbox adds around the guest's run (worker start, start-up, clean-up) over the jobs' total. */
  private async fogSandboxOverhead(r: { from: Date; to: Date }): Promise<KpiMeasurement> {
    const source = 'fog_jobs.timings: (totalMs − runMs) / totalMs of jobs that finished in the window';
    const [row] = await this.deps.prisma.$queryRaw<{ n: number; total: number | null; run: number | null }[]>`
      SELECT count(*)::int AS n, sum((timings->>'totalMs')::float8)::float8 AS total, sum((timings->>'runMs')::float8)::float8 AS run FROM fog_jobs
       WHERE finished_at >= ${r.from} AND finished_at < ${r.to}
         AND jsonb_typeof(timings->'totalMs') = 'number' AND jsonb_typeof(timings->'runMs') = 'number' AND (timings->>'totalMs')::float8 > 0`;
    return row.n && row.total ? { value: (100 * (row.total - row.run!)) / row.total, samples: row.n, source } : noData(source, 'no fog job with sandbox timings finished in the window');
  }
}
