/**
 * Training runs, API side: start (validate, create the run and its phases, enqueue the
 * flow), cancel, retry or resume from a phase, and reads (runs, phases, downsampled metric
 * series). Phases execute on workers (phase-runner.service.ts).
 *
 * Orchestration: a run's phases are one BullMQ flow, each phase job the parent of the one
 * before it, so BullMQ starts a phase only when the previous one completed. A failing phase
 * fails its parents too (`failParentOnFailure`), so nothing is left waiting. Retrying or
 * resuming starts a NEW flow for the phases from there on under the next `generation`;
 * jobs of an older generation that still reach a worker see the generation changed and do
 * nothing. Cancelling marks the run in Postgres, which the running phase polls (every
 * 300 ms), so it stops within a fraction of a second.
 */
import { AppError, ErrorCode, badInput } from '@aivillage/errors';
import { Prisma, type PrismaClient, type TrainingRun } from '@aivillage/db';
import type { PlatformPubSub } from '@aivillage/pubsub';
import type { QueueSet } from '@aivillage/queues';
import type { FlowJob } from 'bullmq';
import { TRAINING_PHASES, phaseIndex, type TrainingPhase } from './phases.js';
import { parseRunConfig, type RunConfig, type RunConfigInput } from './run-config.js';

export interface StartRunInput {
  namespace: string;
  name: string;
  template?: string | null;
  config: RunConfigInput;
  createdById?: string | null;
}

export interface ListRunsInput {
  visible: Prisma.TrainingRunWhereInput;
  namespace?: string | null;
  status?: TrainingRun['status'] | null;
  first: number;
  after?: string | null;
}

export interface MetricSeriesPoint {
  step: number;
  /** Last step folded into this point. */
  stepTo: number;
  value: number;
  min: number;
  max: number;
}

export interface MetricSeries {
  phase: TrainingPhase;
  name: string;
  /** Points stored for the series (before downsampling). */
  total: number;
  points: MetricSeriesPoint[];
}

export interface TrainingRunServiceDeps {
  prisma: PrismaClient;
  queues: QueueSet;
  pubsub: PlatformPubSub;
  /** Names bound in TRAINING_COMMANDS (phase executor `command`). */
  commands: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIVE: TrainingRun['status'][] = ['QUEUED', 'RUNNING'];
const TEMPLATES = ['agent-forge'];

export class TrainingRunService {
  constructor(private readonly deps: TrainingRunServiceDeps) {}

  async start(input: StartRunInput): Promise<TrainingRun> {
    const { prisma } = this.deps;
    const name = input.name.trim();
    if (name.length < 1 || name.length > 128) throw badInput('name must be 1 to 128 characters', { field: 'name' });
    const template = input.template ?? 'agent-forge';
    if (!TEMPLATES.includes(template)) throw badInput(`unknown template ${JSON.stringify(template)} (available: ${TEMPLATES.join(', ')})`, { field: 'template' });
    const config = parseRunConfig(input.config, { runName: name, commands: this.deps.commands });
    const ns = await prisma.namespace.findUnique({ where: { name: input.namespace }, select: { id: true } });
    if (!ns) throw new AppError(ErrorCode.NOT_FOUND, `Namespace ${JSON.stringify(input.namespace)} not found`);
    const run = await prisma.trainingRun.create({
      data: {
        namespaceId: ns.id,
        name,
        template,
        config: config as unknown as Prisma.InputJsonObject,
        createdById: input.createdById ?? null,
        phases: {
          create: TRAINING_PHASES.map((phase, position) => {
            const p = config.phases[phase];
            return { phase, position, executor: p.executor === 'skip' ? 'none' : p.executor, status: p.executor === 'skip' ? 'SKIPPED' : 'PENDING', skipReason: p.skipReason ?? null };
          }),
        },
      },
    });
    await this.enqueue(run, config, TRAINING_PHASES[0]);
    return run;
  }

  /** Stops a queued or running run: the running phase stops at its next check (well under a second). */
  async cancel(runId: string, visible: Prisma.TrainingRunWhereInput): Promise<TrainingRun> {
    const run = await this.get(runId, visible);
    if (!ACTIVE.includes(run.status)) {
      throw new AppError(ErrorCode.CONFLICT, `Training run ${runId} is ${run.status}; only queued or running runs can be cancelled`, { details: { status: run.status } });
    }
    const now = new Date();
    const updated = await this.deps.prisma.$transaction(async (tx) => {
      const r = await tx.trainingRun.update({ where: { id: runId }, data: { status: 'CANCELLED', finishedAt: now, error: 'cancelled' } });
      await tx.trainingPhaseExecution.updateMany({ where: { runId, status: { in: ['PENDING', 'RUNNING'] } }, data: { status: 'CANCELLED', finishedAt: now } });
      return r;
    });
    this.publishRun(updated);
    return updated;
  }

  /**
   * Runs `phase` again and everything after it, under a new generation: a failed phase is
   * retried, a finished or cancelled run resumes from any phase whose predecessors succeeded.
   */
  async retryPhase(runId: string, phase: TrainingPhase, visible: Prisma.TrainingRunWhereInput): Promise<TrainingRun> {
    const { prisma } = this.deps;
    const run = await this.get(runId, visible);
    if (ACTIVE.includes(run.status)) {
      throw new AppError(ErrorCode.CONFLICT, `Training run ${runId} is ${run.status}; cancel it or wait for it to finish before retrying a phase`, { details: { status: run.status } });
    }
    const config = run.config as unknown as RunConfig;
    if (config.phases[phase].executor === 'skip') throw badInput(`${phase} is skipped in this run's configuration (${config.phases[phase].skipReason})`, { field: 'phase', phase });
    const phases = await prisma.trainingPhaseExecution.findMany({ where: { runId }, orderBy: { position: 'asc' } });
    const blocking = phases.find((p) => p.position < phaseIndex(phase) && p.status !== 'SUCCEEDED' && p.status !== 'SKIPPED');
    if (blocking) {
      throw badInput(`${phase} needs ${blocking.phase} to have succeeded first (it is ${blocking.status}); retry ${blocking.phase} instead`, { field: 'phase', phase, blocking: blocking.phase });
    }
    const updated = await prisma.$transaction(async (tx) => {
      const r = await tx.trainingRun.update({
        where: { id: runId },
        data: { status: 'QUEUED', generation: { increment: 1 }, error: null, finishedAt: null },
      });
      const rerun = TRAINING_PHASES.slice(phaseIndex(phase));
      // A new generation starts clean: attempts count again from 1, and the phases' old
      // metric points go, so each series holds one generation's curve.
      await tx.trainingPhaseExecution.updateMany({
        where: { runId, phase: { in: [...rerun] }, status: { not: 'SKIPPED' } },
        data: { status: 'PENDING', attempt: 0, error: null, summary: Prisma.DbNull, output: null, checkpoint: null, checkpointAt: null, startedAt: null, finishedAt: null },
      });
      await tx.trainingMetricPoint.deleteMany({ where: { runId, phase: { in: [...rerun] } } });
      return r;
    });
    await this.enqueue(updated, config, phase);
    return updated;
  }

  async get(runId: string, visible: Prisma.TrainingRunWhereInput): Promise<TrainingRun> {
    if (!UUID.test(runId)) throw badInput('id is not a training run id', { field: 'id' });
    const run = await this.deps.prisma.trainingRun.findFirst({ where: { AND: [{ id: runId }, visible] } });
    if (!run) throw new AppError(ErrorCode.NOT_FOUND, `Training run ${runId} not found`);
    return run;
  }

  async list({ visible, namespace, status, first, after }: ListRunsInput): Promise<{ nodes: TrainingRun[]; hasNextPage: boolean }> {
    if (!Number.isInteger(first) || first < 1 || first > 200) throw badInput('first must be between 1 and 200', { field: 'first' });
    if (after != null && !UUID.test(after)) throw badInput('after is not a cursor from this list', { field: 'after' });
    const rows = await this.deps.prisma.trainingRun.findMany({
      where: { AND: [visible, namespace != null ? { namespace: { name: namespace } } : {}, status != null ? { status } : {}] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...(after != null ? { cursor: { id: after }, skip: 1 } : {}),
      take: first + 1,
    });
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /**
   * Metric series of a run, each reduced to at most `maxPoints` points by averaging runs of
   * consecutive steps (min and max kept), in one query.
   */
  async metricSeries(runId: string, opts: { names?: readonly string[] | null; phase?: TrainingPhase | null; maxPoints: number }): Promise<MetricSeries[]> {
    if (!Number.isInteger(opts.maxPoints) || opts.maxPoints < 2 || opts.maxPoints > 10_000) throw badInput('maxPoints must be between 2 and 10000', { field: 'maxPoints' });
    const names = opts.names?.length ? [...opts.names] : null;
    const rows = await this.deps.prisma.$queryRaw<{ phase: TrainingPhase; name: string; step: number; step_to: number; value: number; min: number; max: number; total: bigint }[]>`
      WITH p AS (
        SELECT phase, name, step, value,
               row_number() OVER (PARTITION BY phase, name ORDER BY step, id) - 1 AS rn,
               count(*) OVER (PARTITION BY phase, name) AS n
        FROM training_metric_points
        WHERE run_id = ${runId}::uuid
          AND (${names}::text[] IS NULL OR name = ANY(${names}::text[]))
          AND (${opts.phase ?? null}::text IS NULL OR phase::text = ${opts.phase ?? null}::text)
      )
      SELECT phase::text AS phase, name, min(step) AS step, max(step) AS step_to, avg(value) AS value, min(value) AS min, max(value) AS max, max(n) AS total
      FROM p
      GROUP BY phase, name, floor(rn / greatest(1, ceil(n::numeric / ${opts.maxPoints})))
      ORDER BY phase, name, min(step)`;
    const series = new Map<string, MetricSeries>();
    for (const r of rows) {
      const key = `${r.phase}/${r.name}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { phase: r.phase, name: r.name, total: Number(r.total), points: [] }));
      s.points.push({ step: r.step, stepTo: r.step_to, value: r.value, min: r.min, max: r.max });
    }
    return [...series.values()].sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase) || a.name.localeCompare(b.name));
  }

  /** The flow for `from` and every later phase that runs: the last phase is the root, the first the deepest child. */
  private async enqueue(run: TrainingRun, config: RunConfig, from: TrainingPhase): Promise<void> {
    const phases = TRAINING_PHASES.slice(phaseIndex(from)).filter((p) => config.phases[p].executor !== 'skip');
    if (phases.length === 0) {
      const done = await this.deps.prisma.trainingRun.update({ where: { id: run.id }, data: { status: 'SUCCEEDED', finishedAt: new Date() } });
      this.publishRun(done);
      return;
    }
    let tree: FlowJob | undefined;
    for (const phase of phases) {
      const job: FlowJob = {
        name: 'run-phase',
        queueName: 'training',
        data: { runId: run.id, phase, generation: run.generation },
        opts: {
          jobId: `${run.id}.${run.generation}.${phase}`,
          // A thrown error fails the phase; a retry is the user's call (retryTrainingPhase).
          // A worker that dies is covered by BullMQ's stalled-job recovery instead.
          attempts: 1,
          failParentOnFailure: true,
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
        ...(tree ? { children: [tree] } : {}),
      };
      tree = job;
    }
    try {
      await this.deps.queues.flowProducer().add(tree!);
    } catch (cause) {
      const failed = await this.deps.prisma.trainingRun.update({ where: { id: run.id }, data: { status: 'FAILED', error: 'could not enqueue the run', finishedAt: new Date() } });
      this.publishRun(failed);
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Could not enqueue the training run; retry it once the queue is reachable', { cause });
    }
    this.publishRun(run);
  }

  private publishRun(run: TrainingRun): void {
    this.deps.pubsub.publish('TRAINING_PROGRESS', {
      runId: run.id,
      at: new Date().toISOString(),
      kind: 'run',
      run: { status: run.status, error: run.error, generation: run.generation },
    });
  }
}
