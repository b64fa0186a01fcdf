/**
 * Fog jobs over Postgres: submit (one or a batch, validated per item, admitted against the
 * registered nodes), cancel, read, and the transitions an agent reports (start, progress,
 * complete, hand back). Every agent transition is one guarded statement (`… WHERE id AND
 * assignment_token AND status`), so a stale agent (its job was rescheduled after it went
 * silent) matches no row and gets CONFLICT: a job never completes twice. Completion writes
 * the usage record in the same statement.
 *
 * Hot lookups are kept in process for a few seconds (namespaces, the node list admission
 * checks against, known module hashes): at thousands of jobs a second they were most of
 * the submit path's database round trips. A job refused on the cached node list is checked
 * again on a fresh one before the refusal goes out.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, ErrorCode, badInput, conflict, notFound } from '@aivillage/errors';
import { Prisma, type FogJob, type PrismaClient } from '@aivillage/db';
import type { FogJobUpdatePayload } from '@aivillage/pubsub';
import { admissible } from './admission.js';
import type { FogNodeService } from './fog-node.service.js';
import { fogJobFromRow, utf8Prefix, type FogJobRow } from './fog-job.row.js';
import { checkTemplate, validateSubmission, SHA256_HEX, type SubmitFogJobInput } from './fog-job.validate.js';
import type { SchedulerNode } from './fog-node.js';
import { Lru } from '@aivillage/cache';
import type { Tier } from './tiers.js';

export type { SubmitFogJobInput } from './fog-job.validate.js';

export type FogJobStatusName = FogJob['status'];
export const FINAL_STATUSES: readonly FogJobStatusName[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/** Most jobs one submitFogJobs call takes. */
export const MAX_FOG_SUBMIT_BATCH = 500;
/** How long namespace and node-list lookups are reused. */
const LOOKUP_TTL_MS = 5_000;
const NAMESPACE_NAME_TTL_MS = 60_000;
const KNOWN_MODULE_TTL_MS = 3_600_000;

export interface FogJobServiceDeps {
  prisma: PrismaClient;
  nodes: FogNodeService;
  publish(p: FogJobUpdatePayload): void | Promise<void>;
  /** Ask for a scheduling pass now (`submit`: jobs entered the queue, new or handed back). */
  wake(reason: 'submit' | 'finished'): Promise<void>;
  logMaxBytes: number;
  moduleMaxBytes: number;
  maxTimeoutMs: number;
  /** A job started on its node after waiting this long since it was queued (the guide's job-queue KPI). */
  onStarted?(waitMs: number): void;
}

export interface ListFogJobsInput {
  visible: Prisma.FogJobWhereInput;
  namespace?: string | null;
  status?: FogJobStatusName | null;
  tier?: Tier | null;
  nodeId?: string | null;
  first: number;
  after?: string | null;
}

/** What an agent needs to run an assignment it claimed. */
export interface FogJobExecution {
  jobId: string;
  attempt: number;
  runtime: 'WASI' | 'COMMAND';
  /** WASI: the module's sha256 (the agent's cache key). */
  moduleSha256: string | null;
  /** WASI: the module, unless the agent said it has this sha256 already. */
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
  /** When given, the assignment must be on this node. */
  nodeId?: string | null;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';
  exitCode?: number | null;
  errorCode?: string | null;
  error?: string | null;
  logs?: FogLogChunk[] | null;
  timings?: Record<string, number | null> | null;
  cpuMs?: number | null;
}

/** One item of a batch submission: the queued job, or why this item was refused. */
export type FogSubmission = { ok: true; job: FogJob } | { ok: false; error: AppError };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newAssignmentToken = () => randomBytes(16).toString('hex');

type NamespaceInfo = { id: string; name: string; tier: Tier };

export class FogJobService {
  private readonly namespacesByName = new Lru<NamespaceInfo | null>(10_000);
  private readonly namespaceNames = new Lru<string>(10_000);
  /** Modules are content-addressed and never deleted while a job uses them: a hash seen once stays known. */
  private readonly knownModules = new Lru<true>(10_000);
  private admissionNodes: { nodes: SchedulerNode[]; at: number } | null = null;

  constructor(private readonly deps: FogJobServiceDeps) {}

  /** One job; throws the item's AppError when refused. */
  async submit(input: SubmitFogJobInput, caller: { tier: Tier; label: string }): Promise<FogJob> {
    const [r] = await this.submitMany([input], caller);
    if (!r.ok) throw r.error;
    return r.job;
  }

  /**
   * Queues many jobs in one go: each item is validated and admitted on its own (a refused
   * item does not stop the others), lookups are shared, the rows go in with one INSERT and
   * one scheduling pass is requested. Results are in input order.
   */
  async submitMany(inputs: readonly SubmitFogJobInput[], caller: { tier: Tier; label: string }): Promise<FogSubmission[]> {
    if (inputs.length > MAX_FOG_SUBMIT_BATCH) throw badInput(`at most ${MAX_FOG_SUBMIT_BATCH} fog jobs per call`, { field: 'inputs' });
    const { prisma } = this.deps;
    const namespaces = await this.namespaces([...new Set(inputs.map((i) => i.namespace))]);
    const templates = new Map(
      (await (async () => {
        const names = [...new Set(inputs.filter((i) => i.runtime === 'COMMAND' && i.template).map((i) => i.template!))];
        return names.length ? prisma.fogCommandTemplate.findMany({ where: { name: { in: names } } }) : [];
      })()).map((t) => [t.name, t]),
    );
    const unknownSha = [...new Set(inputs.filter((i) => i.moduleSha256 && SHA256_HEX.test(i.moduleSha256) && !this.knownModules.get(i.moduleSha256)).map((i) => i.moduleSha256!))];
    if (unknownSha.length)
      for (const m of await prisma.fogModule.findMany({ where: { sha256: { in: unknownSha } }, select: { sha256: true } })) this.knownModules.set(m.sha256, true, KNOWN_MODULE_TTL_MS);

    const results: (FogSubmission | null)[] = [];
    const rows: Prisma.FogJobCreateManyInput[] = [];
    const rowIndex: number[] = [];
    const stored = new Map<string, Promise<string>>();
    let nodes = await this.nodesForAdmission(false);
    let nodesFresh = false;
    for (const [index, input] of inputs.entries()) {
      try {
        const ns = namespaces.get(input.namespace);
        if (!ns) throw notFound('Namespace', input.namespace);
        const v = validateSubmission(input, ns, caller, this.deps.maxTimeoutMs);
        let moduleSha256: string | null = null;
        let commandTemplate: string | null = null;
        if (input.runtime === 'WASI') {
          if (input.moduleBase64 != null) {
            const b64 = input.moduleBase64;
            if (!stored.has(b64)) stored.set(b64, this.storeModule(b64));
            moduleSha256 = await stored.get(b64)!;
          } else {
            if (!this.knownModules.get(input.moduleSha256!)) throw badInput(`no uploaded module ${input.moduleSha256}`, { field: 'moduleSha256' });
            moduleSha256 = input.moduleSha256!;
          }
        } else commandTemplate = checkTemplate(input, templates.get(input.template!), v.args);

        // Admission: reject what no registered node of the tier's pools could ever run.
        const job = { tier: v.tier, runtime: input.runtime.toLowerCase(), request: v.request };
        let verdict = admissible(job, nodes);
        if (!verdict.ok && !nodesFresh) {
          nodes = await this.nodesForAdmission(true);
          nodesFresh = true;
          verdict = admissible(job, nodes);
        }
        if (!verdict.ok) throw badInput(`fog job refused: ${verdict.reason}`, { field: `resources.${verdict.resource}`, resource: verdict.resource });
        rows.push({
          id: randomUUID(), namespaceId: ns.id, name: input.name ?? null, runtime: input.runtime, moduleSha256, commandTemplate, args: v.args, env: v.env,
          cpuCores: v.request.cpuCores, memoryMb: v.request.memoryMb, gpus: v.request.gpus, timeoutMs: v.timeoutMs, sla: v.sla, tier: v.tier, priority: v.priority,
          queuedAt: new Date(), submittedBy: caller.label.slice(0, 254),
        });
        rowIndex.push(index);
        results.push(null);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({ ok: false, error });
      }
    }
    if (rows.length) {
      // One statement for the whole batch.
      const created = await prisma.fogJob.createManyAndReturn({ data: rows });
      const byId = new Map(created.map((j) => [j.id, j]));
      rows.forEach((row, k) => (results[rowIndex[k]] = { ok: true, job: byId.get(row.id!)! }));
      const nsName = new Map([...namespaces.values()].filter((n) => n !== null).map((n) => [n.id, n.name]));
      // The pass is asked for first: it is what the job waits on.
      await Promise.all([
        this.deps.wake('submit'),
        ...created.map((job) => this.deps.publish({ jobId: job.id, namespace: nsName.get(job.namespaceId)!, at: job.queuedAt.toISOString(), kind: 'STATUS', status: 'QUEUED', attempt: 0 })),
      ]);
    }
    return results as FogSubmission[];
  }

  /** Namespaces by name (null: none of that name), from the short-lived cache or one query. */
  private async namespaces(names: string[]): Promise<Map<string, NamespaceInfo | null>> {
    const out = new Map<string, NamespaceInfo | null>();
    const missing: string[] = [];
    for (const n of names) {
      const hit = this.namespacesByName.get(n);
      if (hit === undefined) missing.push(n);
      else out.set(n, hit);
    }
    if (missing.length) {
      const found = await this.deps.prisma.namespace.findMany({ where: { name: { in: missing } }, select: { id: true, name: true, tier: true } });
      for (const n of missing) out.set(n, this.namespacesByName.set(n, found.find((f) => f.name === n) ?? null, LOOKUP_TTL_MS));
    }
    return out;
  }

  /** Every registered node (admission counts nodes whatever their status), reused for LOOKUP_TTL_MS unless `fresh`. */
  private async nodesForAdmission(fresh: boolean): Promise<SchedulerNode[]> {
    const now = Date.now();
    if (!fresh && this.admissionNodes && now - this.admissionNodes.at < LOOKUP_TTL_MS) return this.admissionNodes.nodes;
    const nodes = (await this.deps.prisma.fogNode.findMany()).map((n) => this.deps.nodes.toSchedulerNode(n, now));
    this.admissionNodes = { nodes, at: now };
    return nodes;
  }

  /** Stores a module by content (idempotent); returns its sha256. */
  async storeModule(base64: string): Promise<string> {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw badInput('moduleBase64 is not base64', { field: 'moduleBase64' });
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) throw badInput('the module is empty', { field: 'moduleBase64' });
    if (bytes.length > this.deps.moduleMaxBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the module is ${bytes.length} bytes; at most ${this.deps.moduleMaxBytes} (FOG_MODULE_MAX_BYTES)`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!this.knownModules.get(sha256))
      await this.deps.prisma.fogModule.upsert({ where: { sha256 }, create: { sha256, bytes: new Uint8Array(bytes), sizeBytes: bytes.length }, update: {} });
    this.knownModules.set(sha256, true, KNOWN_MODULE_TTL_MS);
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
          input.tier ? { tier: input.tier } : {},
          input.nodeId ? { nodeId: input.nodeId } : {},
        ],
      },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
      ...(input.after ? { cursor: { id: input.after }, skip: 1 } : {}),
    });
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Jobs per tier and status of the visible namespaces (optionally one), and the oldest queued per tier. */
  async queueSummary(visible: Prisma.FogJobWhereInput, namespace?: string | null): Promise<{ tier: Tier; status: FogJobStatusName; count: number; oldestQueuedAt: Date | null }[]> {
    const rows = await this.deps.prisma.fogJob.groupBy({
      by: ['tier', 'status'],
      where: { AND: [visible, namespace ? { namespace: { name: namespace } } : {}] },
      _count: { _all: true },
      _min: { queuedAt: true },
    });
    return rows.map((r) => ({ tier: r.tier, status: r.status, count: r._count._all, oldestQueuedAt: r._min.queuedAt }));
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

  /**
   * The agent claims its assignment: SCHEDULED → RUNNING, once, with the assignment's token.
   * `cachedModules`: sha256s the agent holds; the module's bytes are sent only when it lacks them.
   */
  async start(jobId: string, nodeId: string, token: string, cachedModules: readonly string[] = []): Promise<FogJobExecution> {
    if (!UUID.test(jobId)) throw conflict(`fog job ${jobId}: no such assignment`);
    const now = new Date();
    type Claimed = Pick<FogJobRow, 'attempt' | 'runtime' | 'module_sha256' | 'command_template' | 'args' | 'env' | 'timeout_ms' | 'memory_mb' | 'queued_at'> & { namespace: string };
    const [job] = await this.deps.prisma.$queryRaw<Claimed[]>`
      UPDATE fog_jobs j SET status = 'RUNNING', started_at = ${now}::timestamptz
      FROM namespaces n
      WHERE j.id = ${jobId}::uuid AND j.node_id = ${nodeId}::uuid AND j.assignment_token = ${token} AND j.status = 'SCHEDULED' AND n.id = j.namespace_id
      RETURNING j.attempt, j.runtime::text AS runtime, j.module_sha256, j.command_template, j.args, j.env, j.timeout_ms, j.memory_mb, j.queued_at, n.name AS namespace`;
    if (!job) throw conflict(`fog job ${jobId}: this assignment is no longer current (cancelled, rescheduled or already started)`);
    this.deps.onStarted?.(now.getTime() - job.queued_at.getTime());
    const sha256 = job.module_sha256?.trim() ?? null;
    const [, module, template] = await Promise.all([
      this.deps.publish({ jobId, namespace: job.namespace, at: now.toISOString(), kind: 'STATUS', status: 'RUNNING', nodeId, attempt: job.attempt }),
      sha256 && !cachedModules.includes(sha256) ? this.deps.prisma.fogModule.findUnique({ where: { sha256 }, select: { bytes: true } }) : null,
      job.command_template ? this.deps.prisma.fogCommandTemplate.findUnique({ where: { name: job.command_template } }) : null,
    ]);
    return {
      jobId, attempt: job.attempt, runtime: job.runtime, moduleSha256: sha256, moduleBase64: module ? Buffer.from(module.bytes).toString('base64') : null,
      command: template?.command ?? null, argPatterns: template?.argPatterns ?? null, args: job.args,
      env: Object.entries(job.env as Record<string, string>).map(([name, value]) => ({ name, value })),
      timeoutMs: job.timeout_ms, memoryMb: job.memory_mb, maxOutputBytes: this.deps.logMaxBytes,
    };
  }

  /** Appends log increments of a RUNNING job; answers whether a cancel was requested. */
  async progress(jobId: string, token: string, logs: readonly FogLogChunk[], nodeId: string | null = null): Promise<{ cancelRequested: boolean }> {
    const row = await this.appendLogs(jobId, token, nodeId, logs, null);
    if (!row) throw conflict(`fog job ${jobId}: this assignment is no longer current`);
    await this.publishLogs(row.job, logs);
    return { cancelRequested: row.job.cancelRequested };
  }

  /** The final report: RUNNING → final status, once, plus the usage record (one statement). */
  async complete(input: CompleteFogJobInput): Promise<FogJob> {
    if (!FINAL_STATUSES.includes(input.status)) throw badInput('status must be final', { field: 'status' });
    const now = new Date();
    const row = await this.appendLogs(input.jobId, input.token, input.nodeId ?? null, input.logs ?? [], {
      status: input.status, finishedAt: now, exitCode: input.exitCode ?? null, errorCode: input.errorCode?.slice(0, 32) ?? null,
      error: input.error?.slice(0, 4000) ?? null, timings: input.timings ?? null, cpuMs: input.cpuMs ?? null,
    });
    if (!row) throw conflict(`fog job ${input.jobId}: this assignment is no longer current (a stale agent's report is refused)`);
    const { job } = row;
    // The freed slot waits on the next pass: ask for it first, publish meanwhile (logs before the status).
    const namespace = await this.namespaceName(job.namespaceId);
    await Promise.all([
      this.deps.wake('finished'),
      this.publishLogs(job, input.logs ?? []).then(() =>
        this.deps.publish({
          jobId: job.id, namespace, at: now.toISOString(), kind: 'STATUS', status: job.status, nodeId: job.nodeId, attempt: job.attempt, errorCode: job.errorCode, error: job.error,
        }),
      ),
    ]);
    return job;
  }

  /** The agent hands an assignment back (shutting down, draining): QUEUED again, this attempt not counted. */
  async release(jobId: string, token: string, reason: string, nodeId: string | null = null): Promise<FogJob> {
    if (!UUID.test(jobId) || (nodeId !== null && !UUID.test(nodeId))) throw conflict(`fog job ${jobId}: no such assignment`);
    const rows = await this.deps.prisma.$queryRaw<FogJobRow[]>`
      UPDATE fog_jobs SET status = 'QUEUED', node_id = NULL, assignment_token = NULL, scheduled_at = NULL, started_at = NULL,
        attempt = GREATEST(attempt - 1, 0), hold_reason = ${reason.slice(0, 500)}
      WHERE id = ${jobId}::uuid AND assignment_token = ${token} AND status IN ('SCHEDULED', 'RUNNING') AND (${nodeId}::uuid IS NULL OR node_id = ${nodeId}::uuid)
      RETURNING *`;
    if (rows.length === 0) throw conflict(`fog job ${jobId}: this assignment is no longer current`);
    const job = fogJobFromRow(rows[0]);
    await this.deps.publish({ jobId, namespace: await this.namespaceName(job.namespaceId), at: new Date().toISOString(), kind: 'STATUS', status: 'QUEUED', nodeId: null, attempt: job.attempt });
    await this.deps.wake('submit'); // back in the queue: the scheduler's cached heads must see it
    return job;
  }

  async namespaceName(id: string): Promise<string> {
    const hit = this.namespaceNames.get(id);
    if (hit) return hit;
    return this.namespaceNames.set(id, (await this.deps.prisma.namespace.findUniqueOrThrow({ where: { id }, select: { name: true } })).name, NAMESPACE_NAME_TTL_MS);
  }

  /**
   * One guarded statement: appends each stream's text while the stream's stored text stays
   * within FOG_LOG_MAX_BYTES UTF-8 bytes (cut at a character boundary; the byte counters count
   * everything received) and, for a final report, sets the outcome and inserts the usage
   * record (reserved resources × the time it ran). Returns null when the token or status does
   * not match.
   */
  private async appendLogs(
    jobId: string,
    token: string,
    nodeId: string | null,
    logs: readonly FogLogChunk[],
    final: { status: string; finishedAt: Date; exitCode: number | null; errorCode: string | null; error: string | null; timings: object | null; cpuMs: number | null } | null,
  ): Promise<{ job: FogJob } | null> {
    if (!UUID.test(jobId) || (nodeId !== null && !UUID.test(nodeId))) return null;
    const out = logs.filter((l) => l.stream === 'STDOUT').map((l) => l.text).join('');
    const err = logs.filter((l) => l.stream === 'STDERR').map((l) => l.text).join('');
    const cap = this.deps.logMaxBytes;
    const append = (column: 'stdout' | 'stderr', text: string) => {
      if (text === '') return Prisma.raw(column);
      const counter = Prisma.raw(`${column}_bytes`);
      // Byte `n` (0-based) of the text is the first left out; while it is a UTF-8 continuation
      // byte (10xxxxxx) the cut moves back to the start of its character.
      return Prisma.sql`${Prisma.raw(column)} || (SELECT convert_from(substring(b FROM 1 FOR (CASE
          WHEN n >= octet_length(b) THEN octet_length(b)
          WHEN get_byte(b, n) & 192 <> 128 THEN n
          WHEN get_byte(b, n - 1) & 192 <> 128 THEN n - 1
          WHEN get_byte(b, n - 2) & 192 <> 128 THEN n - 2
          ELSE n - 3 END)), 'UTF8')
        FROM (SELECT convert_to(${utf8Prefix(text, cap)}, 'UTF8') AS b, GREATEST(0, ${cap}::int - ${counter}) AS n) cut)`;
    };
    const set = final
      ? Prisma.sql`, status = ${final.status}::"FogJobStatus", finished_at = ${final.finishedAt}::timestamptz, exit_code = ${final.exitCode}::int,
          error_code = ${final.errorCode}::varchar, error = ${final.error}::text, timings = ${final.timings ? JSON.stringify(final.timings) : null}::jsonb, cpu_ms = ${final.cpuMs}::float8`
      : Prisma.empty;
    const update = Prisma.sql`
      UPDATE fog_jobs SET stdout = ${append('stdout', out)}, stderr = ${append('stderr', err)},
        stdout_bytes = stdout_bytes + ${Buffer.byteLength(out)}::int, stderr_bytes = stderr_bytes + ${Buffer.byteLength(err)}::int ${set}
      WHERE id = ${jobId}::uuid AND assignment_token = ${token} AND status = 'RUNNING' AND (${nodeId}::uuid IS NULL OR node_id = ${nodeId}::uuid)
      RETURNING *`;
    const rows = final
      ? await this.deps.prisma.$queryRaw<FogJobRow[]>`
          WITH done AS (${update}),
          usage AS (
            INSERT INTO fog_usage_records (namespace_id, job_id, node_id, tier, started_at, ended_at, cpu_core_seconds, gpu_seconds, memory_gb_seconds, cpu_ms)
            SELECT namespace_id, id, node_id, tier, COALESCE(started_at, finished_at), finished_at,
              cpu_cores * s, gpus * s, memory_mb / 1024.0 * s, cpu_ms
            FROM done, LATERAL (SELECT GREATEST(0, EXTRACT(EPOCH FROM finished_at - COALESCE(started_at, finished_at)))::float8 AS s) secs
          )
          SELECT * FROM done`
      : await this.deps.prisma.$queryRaw<FogJobRow[]>(update);
    return rows[0] ? { job: fogJobFromRow(rows[0]) } : null;
  }

  /**
   * Publishes what of these logs was stored (after the write committed, so subscribers never
   * see output that was rolled back): each stream's text up to what the cap let in.
   */
  private async publishLogs(job: FogJob, logs: readonly FogLogChunk[]): Promise<void> {
    const cap = this.deps.logMaxBytes;
    const increments: FogLogChunk[] = [];
    for (const [stream, total] of [['STDOUT', job.stdoutBytes], ['STDERR', job.stderrBytes]] as const) {
      const text = logs.filter((l) => l.stream === stream).map((l) => l.text).join('');
      if (text === '') continue;
      const before = total - Buffer.byteLength(text);
      const kept = utf8Prefix(text, cap - before);
      if (kept) increments.push({ stream, text: kept });
    }
    if (increments.length === 0) return;
    const ns = await this.namespaceName(job.namespaceId);
    const at = new Date().toISOString();
    for (const i of increments) await this.deps.publish({ jobId: job.id, namespace: ns, at, kind: 'LOG', stream: i.stream, text: i.text });
  }
}
