/**
 * The scheduling pass the workers run (queue `fog`): one leader at a time (a Postgres
 * advisory transaction lock; a pass that does not get it returns, the leader's re-run loop
 * covers its request), in three steps:
 *   1. reclaim: jobs SCHEDULED or RUNNING on an OFFLINE node go back to QUEUED while they have
 *      attempts left (else FAILED NODE_LOST; CANCELLED if a cancel was pending);
 *   2. plan: queued jobs, nodes, running jobs and this month's GPU usage → planAssignments;
 *   3. apply: one guarded UPDATE (`WHERE status = 'QUEUED'`) marks the planned jobs SCHEDULED
 *      with a fresh attempt and token, then each goes to its node's BullMQ queue.
 * Assignments whose queue entry was lost (a crash between commit and enqueue) are
 * re-enqueued after REDISPATCH_AFTER_MS under the same BullMQ job id (idempotent).
 */
import type { PrismaClient } from '@aivillage/db';
import type { FogJobUpdatePayload } from '@aivillage/pubsub';
import { FOG_NODE_JOB_NAME, type FogNodeJob, type QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import type { FogNodeService } from './fog-node.service.js';
import { newAssignmentToken } from './fog-job.service.js';
import { schedulingRequestsKey } from './fog-wake.js';
import { planAssignments, type NamespaceUsage, type QueuedJob, type RunningJob } from './scheduler.js';
import type { SlaClass } from './tiers.js';

/** Advisory lock key of the fog scheduler ("fogs"), paired with the schema's hash: deployments (and tests) sharing one database in different schemas do not contend. */
const LOCK_KEY = 0x666f6773;
const REDISPATCH_AFTER_MS = 15_000;
/** Most queued jobs one pass looks at (oldest first). */
const MAX_QUEUED_PER_PASS = 20_000;

export interface FogSchedulerDeps {
  prisma: PrismaClient;
  queues: QueueSet;
  redis: Redis;
  redisPrefix: string;
  nodes: FogNodeService;
  publish(p: FogJobUpdatePayload): void | Promise<void>;
  defaultGpuHourQuota?: number;
}

export interface PassResult {
  leader: boolean;
  assigned: number;
  held: number;
  reclaimed: number;
  planMs: number;
}

export const fogNodeJobId = (fogJobId: string, attempt: number) => `${fogJobId}-${attempt}`;

export class FogSchedulerService {
  constructor(private readonly deps: FogSchedulerDeps) {}

  /** Passes until no scheduling request arrived during the last one (at most 20). */
  async runUntilSettled(): Promise<PassResult[]> {
    const results: PassResult[] = [];
    for (let i = 0; i < 20; i++) {
      const before = await this.deps.redis.get(schedulingRequestsKey(this.deps.redisPrefix));
      const r = await this.runPass();
      results.push(r);
      if (!r.leader) break;
      const after = await this.deps.redis.get(schedulingRequestsKey(this.deps.redisPrefix));
      if (after === before) break;
    }
    return results;
  }

  async runPass(now = Date.now()): Promise<PassResult> {
    const { prisma } = this.deps;
    type Dispatch = { id: string; node_id: string; attempt: number; assignment_token: string; namespace: string };
    const outcome = await prisma.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}::int, hashtext(current_schema())) AS locked`;
        if (!locked) return null;
        const nodeRows = await tx.fogNode.findMany();
        const nodes = nodeRows.map((n) => this.deps.nodes.toSchedulerNode(n, now));
        const offline = new Set(nodes.filter((n) => n.status === 'OFFLINE').map((n) => n.id));
        const active = await tx.fogJob.findMany({
          where: { status: { in: ['SCHEDULED', 'RUNNING'] } },
          select: { id: true, nodeId: true, namespaceId: true, status: true, cpuCores: true, memoryMb: true, gpus: true, scheduledAt: true, startedAt: true, timeoutMs: true, attempt: true, maxAttempts: true, assignmentToken: true, cancelRequested: true, namespace: { select: { name: true } } },
        });
        // 1. reclaim work from lost nodes
        const reclaimed: FogJobUpdatePayload[] = [];
        for (const j of active) {
          if (!j.nodeId || !offline.has(j.nodeId)) continue;
          const next = j.cancelRequested ? 'CANCELLED' : j.attempt < j.maxAttempts ? 'QUEUED' : 'FAILED';
          const r = await tx.fogJob.updateMany({
            where: { id: j.id, assignmentToken: j.assignmentToken, status: j.status },
            data: next === 'QUEUED'
              ? { status: 'QUEUED', nodeId: null, assignmentToken: null, scheduledAt: null, startedAt: null, holdReason: `rescheduled: node ${j.nodeId} went offline during attempt ${j.attempt}` }
              : { status: next, assignmentToken: null, finishedAt: new Date(now), errorCode: next === 'FAILED' ? 'NODE_LOST' : null, error: next === 'FAILED' ? `node ${j.nodeId} went offline; no attempts left (${j.maxAttempts})` : null },
          });
          if (r.count === 1) reclaimed.push({ jobId: j.id, namespace: j.namespace.name, at: new Date(now).toISOString(), kind: 'STATUS', status: next, nodeId: next === 'QUEUED' ? null : j.nodeId, attempt: j.attempt });
        }
        const reclaimedIds = new Set(reclaimed.map((r) => r.jobId));
        const running: RunningJob[] = active
          .filter((j) => !reclaimedIds.has(j.id) && j.nodeId)
          .map((j) => ({
            jobId: j.id, nodeId: j.nodeId!, namespace: j.namespaceId, request: { cpuCores: j.cpuCores, memoryMb: j.memoryMb, gpus: j.gpus },
            startedAt: (j.startedAt ?? j.scheduledAt ?? new Date(now)).getTime(), maxDurationS: j.timeoutMs / 1000,
          }));
        // 2. plan
        const queuedRows = await tx.fogJob.findMany({
          where: { status: 'QUEUED' }, orderBy: { queuedAt: 'asc' }, take: MAX_QUEUED_PER_PASS,
          select: { id: true, namespaceId: true, tier: true, sla: true, runtime: true, cpuCores: true, memoryMb: true, gpus: true, queuedAt: true, priority: true, timeoutMs: true, holdReason: true },
        });
        const queuedJobs: QueuedJob[] = queuedRows.map((j) => ({
          id: j.id, namespace: j.namespaceId, tier: j.tier, sla: j.sla as SlaClass, runtime: j.runtime.toLowerCase(),
          request: { cpuCores: j.cpuCores, memoryMb: j.memoryMb, gpus: j.gpus }, submittedAt: j.queuedAt.getTime(), priority: j.priority, maxDurationS: j.timeoutMs / 1000,
        }));
        const usage = await this.usage(tx as unknown as PrismaClient, [...new Set(queuedJobs.map((j) => j.namespace))], now, running);
        const t0 = performance.now();
        const plan = planAssignments({ nodes, queuedJobs, running, usage, now });
        const planMs = performance.now() - t0;
        // 3. apply, guarded against double assignment
        let dispatched: Dispatch[] = [];
        if (plan.assignments.length) {
          const ids = plan.assignments.map((a) => a.jobId);
          const nodeIds = plan.assignments.map((a) => a.nodeId);
          const tokens = plan.assignments.map(() => newAssignmentToken());
          dispatched = await tx.$queryRaw<Dispatch[]>`
            UPDATE fog_jobs j SET status = 'SCHEDULED', node_id = a.node_id, attempt = j.attempt + 1, assignment_token = a.token,
              scheduled_at = ${new Date(now)}::timestamptz, hold_reason = NULL
            FROM unnest(${ids}::uuid[], ${nodeIds}::uuid[], ${tokens}::text[]) AS a(id, node_id, token), namespaces n
            WHERE j.id = a.id AND j.status = 'QUEUED' AND n.id = j.namespace_id
            RETURNING j.id, j.node_id, j.attempt, j.assignment_token, n.name AS namespace`;
        }
        // Why the rest waits (written only when it changed).
        const reasons = new Map(queuedRows.map((j) => [j.id, j.holdReason]));
        const changed = plan.held.filter((h) => reasons.get(h.jobId) !== `${h.code}: ${h.reason}`);
        if (changed.length) {
          await tx.$executeRaw`
            UPDATE fog_jobs j SET hold_reason = h.reason FROM unnest(${changed.map((h) => h.jobId)}::uuid[], ${changed.map((h) => `${h.code}: ${h.reason}`)}::text[]) AS h(id, reason)
            WHERE j.id = h.id AND j.status = 'QUEUED'`;
        }
        // Assignments whose queue entry may have been lost.
        const stale = active.filter((j) => j.status === 'SCHEDULED' && !reclaimedIds.has(j.id) && j.scheduledAt && now - j.scheduledAt.getTime() > REDISPATCH_AFTER_MS);
        return { dispatched, reclaimed, held: plan.held.length, planMs, stale };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    if (!outcome) return { leader: false, assigned: 0, held: 0, reclaimed: 0, planMs: 0 };
    const enqueuedAt = Date.now();
    const byNode = new Map<string, { name: string; data: FogNodeJob; opts: { jobId: string } }[]>();
    const entries = [
      ...outcome.dispatched.map((d) => ({ nodeId: d.node_id, id: d.id, attempt: d.attempt, token: d.assignment_token })),
      ...outcome.stale.map((s) => ({ nodeId: s.nodeId!, id: s.id, attempt: s.attempt, token: s.assignmentToken! })),
    ];
    for (const e of entries) {
      const list = byNode.get(e.nodeId) ?? [];
      list.push({ name: FOG_NODE_JOB_NAME, data: { fogJobId: e.id, attempt: e.attempt, token: e.token, enqueuedAt }, opts: { jobId: fogNodeJobId(e.id, e.attempt) } });
      byNode.set(e.nodeId, list);
    }
    await Promise.all(
      [...byNode].map(([nodeId, jobs]) =>
        this.deps.queues.fogNode(nodeId).addBulk(jobs.map((j) => ({ ...j, opts: { ...j.opts, attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600 } } }))),
      ),
    );
    const at = new Date(enqueuedAt).toISOString();
    for (const r of outcome.reclaimed) await this.deps.publish(r);
    for (const d of outcome.dispatched) await this.deps.publish({ jobId: d.id, namespace: d.namespace, at, kind: 'STATUS', status: 'SCHEDULED', nodeId: d.node_id, attempt: d.attempt });
    return { leader: true, assigned: outcome.dispatched.length, held: outcome.held, reclaimed: outcome.reclaimed.length, planMs: outcome.planMs };
  }

  /** GPU-seconds used this UTC month per namespace (finished jobs + running jobs so far) and quotas. */
  private async usage(db: PrismaClient, namespaceIds: string[], now: number, running: readonly RunningJob[]): Promise<NamespaceUsage[]> {
    if (namespaceIds.length === 0) return [];
    const d = new Date(now);
    const monthStart = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const used = await db.fogUsageRecord.groupBy({ by: ['namespaceId'], where: { namespaceId: { in: namespaceIds }, startedAt: { gte: monthStart } }, _sum: { gpuSeconds: true } });
    const quotas = await db.fogQuota.findMany({ where: { namespaceId: { in: namespaceIds } } });
    const usedBy = new Map(used.map((u) => [u.namespaceId, u._sum.gpuSeconds ?? 0]));
    const quotaBy = new Map(quotas.map((q) => [q.namespaceId, q.gpuHoursPerMonth]));
    return namespaceIds.map((ns) => ({
      namespace: ns,
      gpuSecondsUsed: (usedBy.get(ns) ?? 0) + running.filter((r) => r.namespace === ns).reduce((s, r) => s + r.request.gpus * Math.max(0, now - r.startedAt) / 1000, 0),
      gpuHourQuota: quotaBy.get(ns) ?? this.deps.defaultGpuHourQuota ?? null,
    }));
  }
}
