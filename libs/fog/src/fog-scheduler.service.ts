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
 *
 * A pass plans only over what free capacity could take: with no room on any schedulable node
 * it reads no queued job, and otherwise the first K jobs of each (tier, namespace) queue in
 * that queue's order, K = how many of the smallest queued request fit in the free capacity,
 * plus a margin. The planner only ever takes a queue's jobs from its head, so that is all it
 * needs; the price is that backfill looks at most that deep into each queue per pass. The
 * heads are kept between passes (QueueHeads) while no job enters the queue, since reading
 * them costs Postgres a pass over every queued row. GPU usage is read only when a candidate
 * asks for GPUs (quotas count GPU-hours only).
 */
import type { FogNode, PrismaClient } from '@aivillage/db';
import type { FogJobUpdatePayload } from '@aivillage/pubsub';
import { FOG_NODE_JOB_NAME, type FogNodeJob, type QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import { isSchedulable, type SchedulerNode } from './fog-node.js';
import type { FogNodeService } from './fog-node.service.js';
import { newAssignmentToken } from './fog-job.service.js';
import { QueueHeads, type CandidateRow, type HeadsStamp } from './fog-queue-heads.js';
import { passSeqKey, queueVersionKey, SCHEDULE_NOW_DEDUP_ID, schedulingRequestsKey } from './fog-wake.js';
import { planAssignments, type NamespaceUsage, type QueuedJob, type RunningJob } from './scheduler.js';
import type { SlaClass } from './tiers.js';

/** Advisory lock key of the fog scheduler ("fogs"), paired with the schema's hash: deployments (and tests) sharing one database in different schemas do not contend. */
const LOCK_KEY = 0x666f6773;
const REDISPATCH_AFTER_MS = 15_000;
/** Most queued jobs one pass looks at (oldest first). */
const MAX_QUEUED_PER_PASS = 20_000;
/** Jobs read from each queue beyond what free capacity could take now: backfill room, and heads for the next passes. */
const QUEUE_DEPTH_MARGIN = 64;

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
  /** Queued jobs the pass planned over (the queues' heads, see the header). */
  considered: number;
  /** Whether they were read from Postgres this pass (else kept from an earlier one). */
  readQueue: boolean;
  planMs: number;
  /** The whole pass: transaction, enqueueing, publishing. */
  totalMs: number;
  /** The scheduling-request counter when the pass began (runUntilSettled compares it afterwards). */
  requests: string | null;
}

export const fogNodeJobId = (fogJobId: string, attempt: number) => `${fogJobId}-${attempt}`;

/** What the active jobs leave free on each schedulable node with some CPU and memory left (none: no pass can place anything). */
export function freeCapacity(nodes: readonly SchedulerNode[], running: readonly RunningJob[]): { nodeId: string; cpuCores: number; memoryMb: number }[] {
  const used = new Map<string, { cpu: number; mem: number }>();
  for (const r of running) {
    const u = used.get(r.nodeId) ?? { cpu: 0, mem: 0 };
    u.cpu += r.request.cpuCores;
    u.mem += r.request.memoryMb;
    used.set(r.nodeId, u);
  }
  const free = [];
  for (const n of nodes) {
    if (!isSchedulable(n)) continue;
    const u = used.get(n.id) ?? { cpu: 0, mem: 0 };
    const cpuCores = n.capacity.cpuCores - u.cpu;
    const memoryMb = n.capacity.memoryMb - u.mem;
    // A small epsilon: fractional requests are summed in floating point.
    if (cpuCores > 1e-9 && memoryMb > 1e-9) free.push({ nodeId: n.id, cpuCores, memoryMb });
  }
  return free;
}

/** A fog node row as the pass reads it (JSON: timestamps are strings). */
type NodeJson = Pick<FogNode, 'id' | 'pool' | 'cpuCores' | 'memoryMb' | 'gpus' | 'runtimes' | 'cordoned' | 'draining'> & { lastHeartbeatAt: string | null };
type ActiveJson = Omit<ActiveRow, 'scheduledAt' | 'startedAt'> & { scheduledAt: string | null; startedAt: string | null };

/** A SCHEDULED or RUNNING job as a pass reads it. */
interface ActiveRow {
  id: string;
  nodeId: string | null;
  namespaceId: string;
  status: 'SCHEDULED' | 'RUNNING';
  cpuCores: number;
  memoryMb: number;
  gpus: number;
  scheduledAt: Date | null;
  startedAt: Date | null;
  timeoutMs: number;
  attempt: number;
  maxAttempts: number;
  assignmentToken: string | null;
  cancelRequested: boolean;
  namespaceName: string;
}

type Dispatch = { id: string; node_id: string; attempt: number; assignment_token: string; namespace: string };

export class FogSchedulerService {
  private readonly heads = new QueueHeads();

  constructor(private readonly deps: FogSchedulerDeps) {}

  /**
   * Passes until no scheduling request arrived during the last one (at most 20). Before the
   * last look at the request counter the deduplication key of requested passes is deleted:
   * a request counted after that look then enqueues a pass of its own (folded into this
   * ending one it would wait for the periodic pass), and one counted before it is seen here.
   */
  async runUntilSettled(): Promise<PassResult[]> {
    const results: PassResult[] = [];
    const key = schedulingRequestsKey(this.deps.redisPrefix);
    for (let i = 0; i < 20; i++) {
      const r = await this.runPass();
      results.push(r);
      if (!r.leader) break;
      await this.deps.queues.get('fog').removeDeduplicationKey(SCHEDULE_NOW_DEDUP_ID);
      if ((await this.deps.redis.get(key)) === r.requests) break;
    }
    return results;
  }

  async runPass(now = Date.now()): Promise<PassResult> {
    const { prisma, redis, redisPrefix } = this.deps;
    const t0 = performance.now();
    const [[, requests], [, version], [, seq]] = (await redis.multi().get(schedulingRequestsKey(redisPrefix)).get(queueVersionKey(redisPrefix)).incr(passSeqKey(redisPrefix)).exec()) as [
      [unknown, string | null], [unknown, string | null], [unknown, number],
    ];
    const stamp: HeadsStamp = { queueVersion: version, passSeq: seq, now };
    this.heads.begin(stamp);
    let outcome;
    try {
      outcome = await prisma.$transaction(async (tx) => {
        const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}::int, hashtext(current_schema())) AS locked`;
        if (!locked) return null;
        // Nodes and active jobs in one round trip (each pass waits on every round trip it makes).
        const [state] = await tx.$queryRaw<{ nodes: NodeJson[]; active: ActiveJson[] }[]>`
          SELECT
            (SELECT COALESCE(json_agg(json_build_object('id', id, 'pool', pool, 'cpuCores', cpu_cores, 'memoryMb', memory_mb, 'gpus', gpus, 'runtimes', runtimes,
               'lastHeartbeatAt', last_heartbeat_at, 'cordoned', cordoned, 'draining', draining)), '[]') FROM fog_nodes) AS nodes,
            (SELECT COALESCE(json_agg(json_build_object('id', j.id, 'nodeId', j.node_id, 'namespaceId', j.namespace_id, 'status', j.status, 'cpuCores', j.cpu_cores,
               'memoryMb', j.memory_mb, 'gpus', j.gpus, 'scheduledAt', j.scheduled_at, 'startedAt', j.started_at, 'timeoutMs', j.timeout_ms, 'attempt', j.attempt,
               'maxAttempts', j.max_attempts, 'assignmentToken', j.assignment_token, 'cancelRequested', j.cancel_requested, 'namespaceName', n.name)), '[]')
             FROM fog_jobs j JOIN namespaces n ON n.id = j.namespace_id WHERE j.status IN ('SCHEDULED', 'RUNNING')) AS active`;
        const nodes = state.nodes.map((n) =>
          this.deps.nodes.toSchedulerNode({ ...n, lastHeartbeatAt: n.lastHeartbeatAt === null ? null : new Date(n.lastHeartbeatAt) } as unknown as FogNode, now),
        );
        const offline = new Set(nodes.filter((n) => n.status === 'OFFLINE').map((n) => n.id));
        const active: ActiveRow[] = state.active.map((j) => ({
          ...j, scheduledAt: j.scheduledAt === null ? null : new Date(j.scheduledAt), startedAt: j.startedAt === null ? null : new Date(j.startedAt),
        }));
        // 1. reclaim work from lost nodes (rare: one guarded UPDATE per job is fine)
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
          if (r.count === 1) reclaimed.push({ jobId: j.id, namespace: j.namespaceName, at: new Date(now).toISOString(), kind: 'STATUS', status: next, nodeId: next === 'QUEUED' ? null : j.nodeId, attempt: j.attempt });
        }
        if (reclaimed.length) this.heads.invalidate();
        const reclaimedIds = new Set(reclaimed.map((r) => r.jobId));
        const running: RunningJob[] = active
          .filter((j) => !reclaimedIds.has(j.id) && j.nodeId)
          .map((j) => ({
            jobId: j.id, nodeId: j.nodeId!, namespace: j.namespaceId, request: { cpuCores: j.cpuCores, memoryMb: j.memoryMb, gpus: j.gpus },
            startedAt: (j.startedAt ?? j.scheduledAt ?? new Date(now)).getTime(), maxDurationS: j.timeoutMs / 1000,
          }));
        // 2. plan, over what free capacity could take
        const free = freeCapacity(nodes, running);
        const cached = free.length ? this.heads.heads(free) : [];
        const fresh = cached ? null : await this.readHeads(tx as unknown as PrismaClient, free);
        const queuedRows = cached ?? fresh!.rows;
        const queuedJobs: QueuedJob[] = queuedRows.map((j) => ({
          id: j.id, namespace: j.namespace_id, tier: j.tier, sla: j.sla as SlaClass, runtime: j.runtime.toLowerCase(),
          request: { cpuCores: j.cpu_cores, memoryMb: j.memory_mb, gpus: j.gpus }, submittedAt: j.queued_at.getTime(), priority: j.priority, maxDurationS: j.timeout_ms / 1000,
        }));
        const usage = queuedJobs.some((j) => j.request.gpus > 0) ? await this.usage(tx as unknown as PrismaClient, [...new Set(queuedJobs.map((j) => j.namespace))], now, running) : [];
        const t1 = performance.now();
        const plan = planAssignments({ nodes, queuedJobs, running, usage, now });
        const planMs = performance.now() - t1;
        // 3. apply, guarded against double assignment, with why the rest waits (written only
        //    when it changed) in the same statement: the planned and the held are different rows.
        const rowById = new Map(queuedRows.map((j) => [j.id, j]));
        const holds = plan.held.map((h) => ({ row: rowById.get(h.jobId)!, reason: `${h.code}: ${h.reason}` })).filter((h) => h.row.hold_reason !== h.reason);
        let dispatched: Dispatch[] = [];
        if (plan.assignments.length || holds.length) {
          const ids = plan.assignments.map((a) => a.jobId);
          const nodeIds = plan.assignments.map((a) => a.nodeId);
          const tokens = plan.assignments.map(() => newAssignmentToken());
          dispatched = await tx.$queryRaw<Dispatch[]>`
            WITH held AS (
              UPDATE fog_jobs j SET hold_reason = h.reason FROM unnest(${holds.map((h) => h.row.id)}::uuid[], ${holds.map((h) => h.reason)}::text[]) AS h(id, reason)
              WHERE j.id = h.id AND j.status = 'QUEUED'
            )
            UPDATE fog_jobs j SET status = 'SCHEDULED', node_id = a.node_id, attempt = j.attempt + 1, assignment_token = a.token,
              scheduled_at = ${new Date(now)}::timestamptz, hold_reason = NULL
            FROM unnest(${ids}::uuid[], ${nodeIds}::uuid[], ${tokens}::text[]) AS a(id, node_id, token), namespaces n
            WHERE j.id = a.id AND j.status = 'QUEUED' AND n.id = j.namespace_id
            RETURNING j.id, j.node_id, j.attempt, j.assignment_token, n.name AS namespace`;
        }
        // Assignments whose queue entry may have been lost.
        const stale = active.filter((j) => j.status === 'SCHEDULED' && !reclaimedIds.has(j.id) && j.scheduledAt && now - j.scheduledAt.getTime() > REDISPATCH_AFTER_MS);
        return { dispatched, planned: plan.assignments.length, reclaimed, held: plan.held.length, holds, planMs, stale, considered: queuedRows.length, fresh };
      }, { timeout: 60_000, maxWait: 10_000 });
    } catch (error) {
      this.heads.invalidate();
      throw error;
    }
    if (!outcome) {
      this.heads.invalidate();
      return { leader: false, assigned: 0, held: 0, reclaimed: 0, considered: 0, readQueue: false, planMs: 0, totalMs: performance.now() - t0, requests };
    }
    // The cache follows what committed: fresh heads, minus what was dispatched, with the hold reasons written.
    if (outcome.fresh) {
      if (outcome.fresh.rows.length) this.heads.store(outcome.fresh.rows, outcome.fresh.depth, stamp);
      else this.heads.invalidate(); // nothing fits now: read again once capacity frees
    }
    for (const h of outcome.holds) h.row.hold_reason = h.reason;
    this.heads.remove(new Set(outcome.dispatched.map((d) => d.id)));
    if (outcome.dispatched.length < outcome.planned || outcome.reclaimed.length) {
      // A planned job had left the queue (cancelled), or jobs came back to it: read again, soon.
      this.heads.invalidate();
      await redis.multi().incr(queueVersionKey(redisPrefix)).incr(schedulingRequestsKey(redisPrefix)).exec();
    }

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
    await Promise.all([
      ...outcome.reclaimed.map((r) => this.deps.publish(r)),
      ...outcome.dispatched.map((d) => this.deps.publish({ jobId: d.id, namespace: d.namespace, at, kind: 'STATUS', status: 'SCHEDULED', nodeId: d.node_id, attempt: d.attempt })),
    ]);
    return {
      leader: true, assigned: outcome.dispatched.length, held: outcome.held, reclaimed: outcome.reclaimed.length, considered: outcome.considered,
      readQueue: outcome.fresh !== null, planMs: outcome.planMs, totalMs: performance.now() - t0, requests,
    };
  }

  /**
   * Reads the queues' heads in one statement: the first `depth` jobs of each (tier,
   * namespace) queue in the planner's order within a queue (Silver by priority, then SLA for
   * all but Bronze, then age), depth = how many of the smallest queued request (CPU and
   * memory, each the least any queued job asks) fit in the free capacity + QUEUE_DEPTH_MARGIN;
   * none when none fits.
   */
  private async readHeads(db: PrismaClient, free: readonly { cpuCores: number; memoryMb: number }[]): Promise<{ rows: CandidateRow[]; depth: number }> {
    if (free.length === 0) return { rows: [], depth: 0 };
    const rows = await db.$queryRaw<(CandidateRow & { depth: number })[]>`
      WITH smallest AS (SELECT min(cpu_cores) AS cpu, min(memory_mb) AS mem FROM fog_jobs WHERE status = 'QUEUED'),
      fit AS (
        SELECT COALESCE(sum(GREATEST(0, LEAST(floor(f.cpu / s.cpu + 1e-9), floor(f.mem / s.mem + 1e-9)))), 0) AS jobs
        FROM unnest(${free.map((f) => f.cpuCores)}::float8[], ${free.map((f) => f.memoryMb)}::float8[]) AS f(cpu, mem), smallest s
      )
      SELECT id, namespace_id, tier::text AS tier, sla, runtime::text AS runtime, cpu_cores, memory_mb, gpus, queued_at, priority, timeout_ms, hold_reason,
        (fit.jobs + ${QUEUE_DEPTH_MARGIN})::int AS depth
      FROM (
        SELECT id, namespace_id, tier, sla, runtime, cpu_cores, memory_mb, gpus, queued_at, priority, timeout_ms, hold_reason,
          row_number() OVER (PARTITION BY tier, namespace_id ORDER BY
            CASE WHEN tier = 'SILVER' THEN -priority ELSE 0 END,
            CASE WHEN tier = 'BRONZE' THEN 0 WHEN sla = 'S' THEN 0 WHEN sla = 'A' THEN 1 ELSE 2 END,
            queued_at, id) AS place
        FROM fog_jobs WHERE status = 'QUEUED'
      ) q, fit
      WHERE fit.jobs > 0 AND q.place <= fit.jobs + ${QUEUE_DEPTH_MARGIN}
      ORDER BY queued_at, id
      LIMIT ${MAX_QUEUED_PER_PASS}`;
    return { rows: rows.map(({ depth: _d, ...r }) => r), depth: rows[0]?.depth ?? 0 };
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
