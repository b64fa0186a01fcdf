/**
 * Fog jobs over Postgres: submit (validated, admitted against the registered nodes), cancel,
 * read, and the transitions an agent reports (start, progress, complete, hand back). Every
 * agent transition is one `UPDATE … WHERE id AND assignment_token AND status`, so a stale
 * agent (its job was rescheduled after it went silent) matches no row and gets CONFLICT:
 * a job never completes twice. Completion writes the usage record in the same transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError, ErrorCode, badInput, conflict, notFound } from '@aivillage/errors';
import type { FogJob, Prisma, PrismaClient } from '@aivillage/db';
import type { FogJobUpdatePayload } from '@aivillage/pubsub';
import { admissible } from './admission.js';
import { commandArgsProblem } from './command-template.js';
import type { FogNodeService } from './fog-node.service.js';
import { TIER_RANK, isSlaClass, type SlaClass, type Tier } from './tiers.js';

export type FogJobStatusName = FogJob['status'];
export const FINAL_STATUSES: readonly FogJobStatusName[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

export interface SubmitFogJobInput {
  namespace: string;
  name?: string | null;
  runtime: 'WASI' | 'COMMAND';
  /** WASI: the module, base64. */
  moduleBase64?: string | null;
  /** WASI: a module uploaded before (uploadFogModule) or used by an earlier job. */
  moduleSha256?: string | null;
  /** COMMAND: an admin-registered template. */
  template?: string | null;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  cpuCores?: number | null;
  memoryMb?: number | null;
  gpus?: number | null;
  timeoutMs?: number | null;
  sla?: string | null;
  tier?: Tier | null;
  priority?: number | null;
}

export interface FogJobServiceDeps {
  prisma: PrismaClient;
  nodes: FogNodeService;
  publish(p: FogJobUpdatePayload): void | Promise<void>;
  /** Ask for a scheduling pass now. */
  wake(reason: 'submit' | 'finished'): Promise<void>;
  logMaxBytes: number;
  moduleMaxBytes: number;
  maxTimeoutMs: number;
}

export interface ListFogJobsInput {
  visible: Prisma.FogJobWhereInput;
  namespace?: string | null;
  status?: FogJobStatusName | null;
  nodeId?: string | null;
  first: number;
  after?: string | null;
}

/** What an agent needs to run an assignment it claimed. */
export interface FogJobExecution {
  jobId: string;
  attempt: number;
  runtime: 'WASI' | 'COMMAND';
  moduleBase64: string | null;
  command: string[] | null;
  argPatterns: string[] | null;
  args: string[];
  env: { name: string; value: string }[];
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
}

export interface FogLogChunk {
  stream: 'STDOUT' | 'STDERR';
  text: string;
}

export interface CompleteFogJobInput {
  jobId: string;
  token: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';
  exitCode?: number | null;
  errorCode?: string | null;
  error?: string | null;
  logs?: FogLogChunk[] | null;
  timings?: Record<string, number | null> | null;
  cpuMs?: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const newAssignmentToken = () => randomBytes(16).toString('hex');

export class FogJobService {
  constructor(private readonly deps: FogJobServiceDeps) {}

  async submit(input: SubmitFogJobInput, caller: { tier: Tier; label: string }): Promise<FogJob> {
    const { prisma } = this.deps;
    const ns = await prisma.namespace.findUnique({ where: { name: input.namespace }, select: { id: true, tier: true } });
    if (!ns) throw notFound('Namespace', input.namespace);
    const ceiling = TIER_RANK[caller.tier] > TIER_RANK[ns.tier] ? caller.tier : ns.tier;
    const tier = input.tier ?? ns.tier;
    if (TIER_RANK[tier] > TIER_RANK[ceiling]) throw new AppError(ErrorCode.FORBIDDEN, `tier ${tier} is above both the namespace's (${ns.tier}) and the caller's (${caller.tier})`);
    const sla = (input.sla ?? 'A') as SlaClass;
    if (!isSlaClass(sla)) throw badInput('sla must be S, A or B', { field: 'sla' });
    const request = { cpuCores: input.cpuCores ?? 1, memoryMb: input.memoryMb ?? 128, gpus: input.gpus ?? 0 };
    if (!(request.cpuCores > 0 && request.cpuCores <= 4096)) throw badInput('resources.cpuCores must be > 0', { field: 'cpuCores', resource: 'cpuCores' });
    if (!Number.isInteger(request.memoryMb) || request.memoryMb < 1) throw badInput('resources.memoryMb must be an integer ≥ 1', { field: 'memoryMb', resource: 'memoryMb' });
    if (!(request.gpus >= 0 && request.gpus <= 256)) throw badInput('resources.gpus must be 0 to 256', { field: 'gpus', resource: 'gpus' });
    const timeoutMs = input.timeoutMs ?? 60_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > this.deps.maxTimeoutMs) throw badInput(`timeoutMs must be 10 to ${this.deps.maxTimeoutMs}`, { field: 'timeoutMs' });
    const args = input.args ?? [];
    if (args.length > 256 || args.some((a) => a.length > 4096)) throw badInput('at most 256 args of 4096 characters', { field: 'args' });
    const envList = input.env ?? [];
    if (envList.length > 64) throw badInput('at most 64 env entries', { field: 'env' });
    const env: Record<string, string> = {};
    for (const e of envList) {
      if (!ENV_NAME.test(e.name) || e.value.length > 4096 || e.value.includes('\0')) throw badInput(`env ${JSON.stringify(e.name)}: invalid name or value`, { field: 'env' });
      env[e.name] = e.value;
    }
    const priority = input.priority ?? 0;
    if (!Number.isInteger(priority) || Math.abs(priority) > 1_000_000) throw badInput('priority must be an integer within ±1,000,000', { field: 'priority' });

    let moduleSha256: string | null = null;
    let commandTemplate: string | null = null;
    if (input.runtime === 'WASI') {
      if (input.template != null) throw badInput('template is for runtime COMMAND', { field: 'template' });
      if ((input.moduleBase64 == null) === (input.moduleSha256 == null)) throw badInput('give exactly one of moduleBase64 and moduleSha256', { field: 'moduleBase64' });
      if (input.moduleBase64 != null) moduleSha256 = await this.storeModule(input.moduleBase64);
      else {
        if (!SHA256.test(input.moduleSha256!)) throw badInput('moduleSha256 must be 64 lowercase hex digits', { field: 'moduleSha256' });
        const found = await prisma.fogModule.findUnique({ where: { sha256: input.moduleSha256! }, select: { sha256: true } });
        if (!found) throw badInput(`no uploaded module ${input.moduleSha256}`, { field: 'moduleSha256' });
        moduleSha256 = input.moduleSha256!;
      }
    } else {
      if (input.moduleBase64 != null || input.moduleSha256 != null) throw badInput('a module is for runtime WASI', { field: 'moduleBase64' });
      if (!input.template) throw badInput('runtime COMMAND needs a template', { field: 'template' });
      const t = await prisma.fogCommandTemplate.findUnique({ where: { name: input.template } });
      if (!t) throw badInput(`no command template ${JSON.stringify(input.template)} (an admin registers them)`, { field: 'template' });
      const problem = commandArgsProblem(t, args);
      if (problem) throw badInput(problem, { field: 'args' });
      commandTemplate = t.name;
    }

    // Admission: reject what no registered node of the tier's pools could ever run.
    const nodes = (await prisma.fogNode.findMany()).map((n) => this.deps.nodes.toSchedulerNode(n));
    const verdict = admissible({ tier, runtime: input.runtime.toLowerCase(), request }, nodes);
    if (!verdict.ok) throw badInput(`fog job refused: ${verdict.reason}`, { field: `resources.${verdict.resource}`, resource: verdict.resource });

    const job = await prisma.fogJob.create({
      data: {
        namespaceId: ns.id, name: input.name ?? null, runtime: input.runtime, moduleSha256, commandTemplate, args, env,
        cpuCores: request.cpuCores, memoryMb: request.memoryMb, gpus: request.gpus, timeoutMs, sla, tier, priority,
        queuedAt: new Date(), submittedBy: caller.label.slice(0, 254),
      },
    });
    await this.deps.publish({ jobId: job.id, namespace: input.namespace, at: job.queuedAt.toISOString(), kind: 'STATUS', status: 'QUEUED', attempt: 0 });
    await this.deps.wake('submit');
    return job;
  }

  /** Stores a module by content (idempotent); returns its sha256. */
  async storeModule(base64: string): Promise<string> {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw badInput('moduleBase64 is not base64', { field: 'moduleBase64' });
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) throw badInput('the module is empty', { field: 'moduleBase64' });
    if (bytes.length > this.deps.moduleMaxBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the module is ${bytes.length} bytes; at most ${this.deps.moduleMaxBytes} (FOG_MODULE_MAX_BYTES)`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.deps.prisma.fogModule.upsert({ where: { sha256 }, create: { sha256, bytes: new Uint8Array(bytes), sizeBytes: bytes.length }, update: {} });
    return sha256;
  }

  async get(id: string, visible: Prisma.FogJobWhereInput): Promise<FogJob> {
    if (!UUID.test(id)) throw notFound('FogJob', id);
    const job = await this.deps.prisma.fogJob.findFirst({ where: { AND: [{ id }, visible] } });
    if (!job) throw notFound('FogJob', id);
    return job;
  }

  async list(input: ListFogJobsInput): Promise<{ nodes: FogJob[]; hasNextPage: boolean }> {
    const first = Math.min(Math.max(input.first, 1), 1000);
    if (input.after != null && !UUID.test(input.after)) throw badInput('after: not a cursor from this list', { field: 'after' });
    const rows = await this.deps.prisma.fogJob.findMany({
      where: {
        AND: [
          input.visible,
          input.namespace ? { namespace: { name: input.namespace } } : {},
          input.status ? { status: input.status } : {},
          input.nodeId ? { nodeId: input.nodeId } : {},
        ],
      },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
      ...(input.after ? { cursor: { id: input.after }, skip: 1 } : {}),
    });
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /**
   * Cancels a job of a visible namespace: QUEUED or SCHEDULED ones at once (a scheduled
   * agent's claim then fails), RUNNING ones by request (the agent stops it on its next
   * heartbeat or progress report and reports CANCELLED). Finished jobs: CONFLICT.
   */
  async cancel(id: string, visible: Prisma.FogJobWhereInput, namespace: string): Promise<FogJob> {
    const job = await this.get(id, visible);
    const now = new Date();
    const done = await this.deps.prisma.fogJob.updateMany({
      where: { id, status: { in: ['QUEUED', 'SCHEDULED'] } },
      data: { status: 'CANCELLED', finishedAt: now, assignmentToken: null, holdReason: null },
    });
    if (done.count === 1) {
      await this.deps.publish({ jobId: id, namespace, at: now.toISOString(), kind: 'STATUS', status: 'CANCELLED', nodeId: job.nodeId, attempt: job.attempt });
      if (job.status === 'SCHEDULED') await this.deps.wake('finished');
    } else {
      const asked = await this.deps.prisma.fogJob.updateMany({ where: { id, status: 'RUNNING' }, data: { cancelRequested: true } });
      if (asked.count === 0) throw conflict(`fog job ${id} already finished`);
    }
    return this.get(id, visible);
  }

  /** The agent claims its assignment: SCHEDULED → RUNNING, once, with the assignment's token. */
  async start(jobId: string, nodeId: string, token: string): Promise<{ job: FogJob; execution: FogJobExecution }> {
    const now = new Date();
    const claimed = await this.deps.prisma.fogJob.updateMany({
      where: { id: jobId, nodeId, assignmentToken: token, status: 'SCHEDULED' },
      data: { status: 'RUNNING', startedAt: now },
    });
    if (claimed.count === 0) throw conflict(`fog job ${jobId}: this assignment is no longer current (cancelled, rescheduled or already started)`);
    const job = await this.deps.prisma.fogJob.findUniqueOrThrow({ where: { id: jobId }, include: { module: true, namespace: { select: { name: true } } } });
    await this.deps.publish({ jobId, namespace: job.namespace.name, at: now.toISOString(), kind: 'STATUS', status: 'RUNNING', nodeId, attempt: job.attempt });
    const template = job.commandTemplate ? await this.deps.prisma.fogCommandTemplate.findUnique({ where: { name: job.commandTemplate } }) : null;
    const { module, namespace: _ns, ...row } = job;
    return {
      job: row,
      execution: {
        jobId, attempt: job.attempt, runtime: job.runtime, moduleBase64: module ? Buffer.from(module.bytes).toString('base64') : null,
        command: template?.command ?? null, argPatterns: template?.argPatterns ?? null, args: job.args,
        env: Object.entries(job.env as Record<string, string>).map(([name, value]) => ({ name, value })),
        timeoutMs: job.timeoutMs, memoryMb: job.memoryMb, maxOutputBytes: this.deps.logMaxBytes,
      },
    };
  }

  /** Appends log increments of a RUNNING job; answers whether a cancel was requested. */
  async progress(jobId: string, token: string, logs: readonly FogLogChunk[]): Promise<{ cancelRequested: boolean }> {
    const row = await this.appendLogs(this.deps.prisma, jobId, token, ['RUNNING'], logs, {});
    if (!row) throw conflict(`fog job ${jobId}: this assignment is no longer current`);
    await this.publishLogs(jobId, row.namespaceId, row.increments);
    return { cancelRequested: row.cancelRequested };
  }

  /** The final report: RUNNING → final status, once, plus the usage record. */
  async complete(input: CompleteFogJobInput): Promise<FogJob> {
    if (!FINAL_STATUSES.includes(input.status)) throw badInput('status must be final', { field: 'status' });
    const now = new Date();
    let increments: { stream: 'STDOUT' | 'STDERR'; text: string }[] = [];
    const job = await this.deps.prisma.$transaction(async (tx) => {
      const row = await this.appendLogs(tx, input.jobId, input.token, ['RUNNING'], input.logs ?? [], {
        status: input.status, finishedAt: now, exitCode: input.exitCode ?? null, errorCode: input.errorCode?.slice(0, 32) ?? null,
        error: input.error?.slice(0, 4000) ?? null, timings: input.timings ?? undefined, cpuMs: input.cpuMs ?? null,
      });
      if (!row) return null;
      increments = row.increments;
      const full = await tx.fogJob.findUniqueOrThrow({ where: { id: input.jobId } });
      const started = full.startedAt ?? now;
      const seconds = Math.max(0, now.getTime() - started.getTime()) / 1000;
      await tx.fogUsageRecord.create({
        data: {
          namespaceId: full.namespaceId, jobId: full.id, nodeId: full.nodeId, tier: full.tier, startedAt: started, endedAt: now,
          cpuCoreSeconds: full.cpuCores * seconds, gpuSeconds: full.gpus * seconds, memoryGbSeconds: (full.memoryMb / 1024) * seconds, cpuMs: input.cpuMs ?? null,
        },
      });
      return full;
    });
    if (!job) throw conflict(`fog job ${input.jobId}: this assignment is no longer current (a stale agent's report is refused)`);
    await this.publishLogs(job.id, job.namespaceId, increments);
    const ns = await this.namespaceName(job.namespaceId);
    await this.deps.publish({
      jobId: job.id, namespace: ns, at: now.toISOString(), kind: 'STATUS', status: job.status, nodeId: job.nodeId, attempt: job.attempt, errorCode: job.errorCode, error: job.error,
    });
    await this.deps.wake('finished');
    return job;
  }

  /** The agent hands an assignment back (shutting down): QUEUED again, this attempt not counted. */
  async release(jobId: string, token: string, reason: string): Promise<FogJob> {
    const rows = await this.deps.prisma.$queryRaw<{ id: string }[]>`
      UPDATE fog_jobs SET status = 'QUEUED', node_id = NULL, assignment_token = NULL, scheduled_at = NULL, started_at = NULL,
        attempt = GREATEST(attempt - 1, 0), hold_reason = ${reason.slice(0, 500)}
      WHERE id = ${jobId}::uuid AND assignment_token = ${token} AND status IN ('SCHEDULED', 'RUNNING') RETURNING id`;
    if (rows.length === 0) throw conflict(`fog job ${jobId}: this assignment is no longer current`);
    const job = await this.deps.prisma.fogJob.findUniqueOrThrow({ where: { id: jobId } });
    await this.deps.publish({ jobId, namespace: await this.namespaceName(job.namespaceId), at: new Date().toISOString(), kind: 'STATUS', status: 'QUEUED', nodeId: null, attempt: job.attempt });
    await this.deps.wake('finished');
    return job;
  }

  private async namespaceName(id: string): Promise<string> {
    return (await this.deps.prisma.namespace.findUniqueOrThrow({ where: { id }, select: { name: true } })).name;
  }

  /**
   * One guarded UPDATE: appends each stream's text up to FOG_LOG_MAX_BYTES characters of
   * stored text (the byte counters count everything received) and applies `set`. Returns
   * null when the token or status does not match. Returns the increments to publish.
   */
  private async appendLogs(
    db: Pick<PrismaClient, '$queryRaw'>,
    jobId: string,
    token: string,
    statuses: FogJobStatusName[],
    logs: readonly FogLogChunk[],
    set: { status?: string; finishedAt?: Date; exitCode?: number | null; errorCode?: string | null; error?: string | null; timings?: object; cpuMs?: number | null },
  ): Promise<{ cancelRequested: boolean; namespaceId: string; stdoutBytes: number; stderrBytes: number; increments: { stream: 'STDOUT' | 'STDERR'; text: string }[] } | null> {
    const out = logs.filter((l) => l.stream === 'STDOUT').map((l) => l.text).join('');
    const err = logs.filter((l) => l.stream === 'STDERR').map((l) => l.text).join('');
    const cap = this.deps.logMaxBytes;
    const final = set.status !== undefined;
    const rows = await db.$queryRaw<{ cancel_requested: boolean; namespace_id: string; stdout_bytes: number; stderr_bytes: number }[]>`
      UPDATE fog_jobs SET
        stdout = left(stdout || ${out}, ${cap}::int), stderr = left(stderr || ${err}, ${cap}::int),
        stdout_bytes = stdout_bytes + octet_length(${out}), stderr_bytes = stderr_bytes + octet_length(${err}),
        status = CASE WHEN ${final} THEN ${set.status ?? 'RUNNING'}::"FogJobStatus" ELSE status END,
        finished_at = CASE WHEN ${final} THEN ${set.finishedAt ?? null}::timestamptz ELSE finished_at END,
        exit_code = CASE WHEN ${final} THEN ${set.exitCode ?? null}::int ELSE exit_code END,
        error_code = CASE WHEN ${final} THEN ${set.errorCode ?? null}::varchar ELSE error_code END,
        error = CASE WHEN ${final} THEN ${set.error ?? null}::text ELSE error END,
        timings = CASE WHEN ${final} THEN ${set.timings ? JSON.stringify(set.timings) : null}::jsonb ELSE timings END,
        cpu_ms = CASE WHEN ${final} THEN ${set.cpuMs ?? null}::float8 ELSE cpu_ms END
      WHERE id = ${jobId}::uuid AND assignment_token = ${token} AND status::text = ANY(${statuses}::text[])
      RETURNING cancel_requested, namespace_id, stdout_bytes, stderr_bytes`;
    const row = rows[0];
    if (!row) return null;
    // Increments only while within the stored cap (counters were checked after this append);
    // the caller publishes them once the write is committed.
    const increments: { stream: 'STDOUT' | 'STDERR'; text: string }[] = [];
    if (out && row.stdout_bytes - Buffer.byteLength(out) < cap) increments.push({ stream: 'STDOUT', text: out });
    if (err && row.stderr_bytes - Buffer.byteLength(err) < cap) increments.push({ stream: 'STDERR', text: err });
    return { cancelRequested: row.cancel_requested, namespaceId: row.namespace_id, stdoutBytes: row.stdout_bytes, stderrBytes: row.stderr_bytes, increments };
  }

  /** Publishes stored log increments (after their write committed, so subscribers never see output that was rolled back). */
  private async publishLogs(jobId: string, namespaceId: string, increments: readonly { stream: 'STDOUT' | 'STDERR'; text: string }[]): Promise<void> {
    if (increments.length === 0) return;
    const ns = await this.namespaceName(namespaceId);
    const at = new Date().toISOString();
    for (const i of increments) await this.deps.publish({ jobId, namespace: ns, at, kind: 'LOG', stream: i.stream, text: i.text });
  }
}
