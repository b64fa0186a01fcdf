/** Maps fog rows and libs/fog results to their GraphQL shapes. */
import type { FogJob, FogNode } from '@aivillage/db';
import type { AppError } from '@aivillage/errors';
import {
  NO_ALLOCATION, TIERS, formatUsd, type CostSummary, type FogJobStatusName, type FogNodeAllocation, type FogNodeService, type Invoice, type CostReport, type Tier,
} from '@aivillage/fog';
import type { FogCostReport, FogCostSummary, FogInvoice, FogJobType, FogNodeType, FogSubmitError, FogTierQueue } from './fog.type.js';

export function toFogNode(n: FogNode, namespace: string, nodes: FogNodeService, heartbeatIntervalMs: number, allocation: FogNodeAllocation = NO_ALLOCATION): FogNodeType {
  const s = nodes.status(n);
  const { jobs, ...allocated } = allocation;
  return {
    allocated, activeJobs: jobs, draining: n.draining, drained: n.draining && jobs === 0,
    id: n.id, namespaceId: n.namespaceId, namespace, name: n.name, cpuCores: n.cpuCores, memoryMb: n.memoryMb, gpus: n.gpus, gpuModel: n.gpuModel,
    runtimes: n.runtimes, region: n.region, pool: n.pool as FogNodeType['pool'], status: s.status as FogNodeType['status'], cordoned: n.cordoned,
    lastHeartbeatAt: n.lastHeartbeatAt, missedHeartbeats: s.missedHeartbeats, heartbeatIntervalMs,
    utilisation: (n.utilisation as FogNodeType['utilisation']) ?? null, createdAt: n.createdAt,
  };
}

const diff = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);

export function toFogJob(j: FogJob, namespace: string): FogJobType {
  const t = (j.timings ?? {}) as Record<string, number | null>;
  return {
    id: j.id, namespaceId: j.namespaceId, namespace, name: j.name, runtime: j.runtime as FogJobType['runtime'], moduleSha256: j.moduleSha256, template: j.commandTemplate,
    args: j.args, cpuCores: j.cpuCores, memoryMb: j.memoryMb, gpus: j.gpus, timeoutMs: j.timeoutMs, sla: j.sla, tier: j.tier as FogJobType['tier'], priority: j.priority,
    status: j.status as FogJobType['status'], nodeId: j.nodeId, attempt: j.attempt, holdReason: j.holdReason, cancelRequested: j.cancelRequested,
    queuedAt: j.queuedAt, scheduledAt: j.scheduledAt, startedAt: j.startedAt, finishedAt: j.finishedAt, exitCode: j.exitCode, errorCode: j.errorCode, error: j.error,
    stdout: j.stdout, stderr: j.stderr, stdoutBytes: j.stdoutBytes, stderrBytes: j.stderrBytes, cpuMs: j.cpuMs,
    timings: {
      queueWaitMs: diff(j.queuedAt, j.scheduledAt), allocationMs: diff(j.scheduledAt, j.startedAt),
      startupMs: t.startupMs != null || t.workerStartMs != null ? (t.workerStartMs ?? 0) + (t.startupMs ?? 0) : null,
      runMs: t.runMs ?? null, cleanupMs: t.cleanupMs ?? null, totalRunMs: diff(j.startedAt, j.finishedAt),
    },
  };
}

export function toCostSummary(s: CostSummary, tier: Tier | null): FogCostSummary {
  return {
    tier: tier as FogCostSummary['tier'], gpuHours: s.gpuHours, cpuCoreHours: s.cpuCoreHours, memoryGbHours: s.memoryGbHours,
    totalMicros: s.totalMicros, totalUsd: formatUsd(s.totalMicros, 4), cloudMicros: s.cloudMicros, cloudUsd: formatUsd(s.cloudMicros, 4),
    savingMicros: s.savingMicros, savingPercent: s.savingPercent,
  };
}

export function toCostReport(r: CostReport & { records: number }, namespace: string, from: Date, to: Date): FogCostReport {
  return {
    namespace, from, to, records: r.records, total: toCostSummary(r.total, null),
    byTier: Object.entries(r.byTier).map(([tier, s]) => toCostSummary(s!, tier as Tier)),
    byDay: r.byDay.map((d) => ({ day: d.day, total: toCostSummary(d.total, null) })),
  };
}

export function toInvoice(i: Invoice): FogInvoice {
  return {
    namespace: i.namespace, month: i.month, periodStart: new Date(i.periodStart), periodEnd: new Date(i.periodEnd),
    lines: i.lines.map((l) => ({ ...l, tier: l.tier as FogInvoice['lines'][number]['tier'] })),
    totalMicros: i.totalMicros, totalCents: i.totalCents, totalUsd: formatUsd(i.totalMicros), cloudMicros: i.cloudMicros, savingMicros: i.savingMicros, savingPercent: i.savingPercent,
  };
}

export function toSubmitError(e: AppError): FogSubmitError {
  const d = e.details ?? {};
  return { code: e.code, message: e.message, field: typeof d.field === 'string' ? d.field : null, resource: typeof d.resource === 'string' ? d.resource : null };
}

const STATUS_FIELD: Record<FogJobStatusName, keyof Omit<FogTierQueue, 'tier' | 'oldestQueuedAt'>> = {
  QUEUED: 'queued', SCHEDULED: 'scheduled', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled', TIMED_OUT: 'timedOut',
};

/** Every tier, highest first, with its counts by status (0 when none). */
export function toTierQueues(rows: readonly { tier: Tier; status: FogJobStatusName; count: number; oldestQueuedAt: Date | null }[]): FogTierQueue[] {
  return [...TIERS].reverse().map((tier) => {
    const q: FogTierQueue = { tier: tier as FogTierQueue['tier'], queued: 0, scheduled: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, timedOut: 0, oldestQueuedAt: null };
    for (const r of rows.filter((r) => r.tier === tier)) {
      q[STATUS_FIELD[r.status]] = r.count;
      if (r.status === 'QUEUED') q.oldestQueuedAt = r.oldestQueuedAt;
    }
    return q;
  });
}
