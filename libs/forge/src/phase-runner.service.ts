/**
 * Runs one phase of a run on a worker (the `training/run-phase` job), owning its state:
 *  - a job of an older generation, or of a cancelled run, or of a phase already done does
 *    nothing (flows of retried runs and duplicate deliveries are harmless);
 *  - each attempt increments `attempt`; an attempt after a worker died resumes from the
 *    phase's last checkpoint (executors save them), so the run still completes;
 *  - the run's status is polled every 300 ms while the phase runs: a cancel or a retry stops
 *    it at the executor's next check;
 *  - success stores the summary and the hand-off for the next phase and, after the last
 *    phase, marks the run SUCCEEDED; a failure marks phase and run FAILED with the message
 *    and rethrows (so BullMQ fails the rest of the flow);
 *  - every change is published on TRAINING_PROGRESS; metric points go through a MetricSink.
 */
import { Prisma, type PrismaClient, type TrainingPhaseExecution, type TrainingRun } from '@aivillage/db';
import type { Logger } from '@aivillage/log';
import type { ArtifactStore, ModelRegistryService } from '@aivillage/models';
import type { TrainingProgressPayload } from '@aivillage/pubsub';
import { Readable } from 'node:stream';
import { MetricSink } from './metric-sink.js';
import { TRAINING_PHASES, type TrainingPhase } from './phases.js';
import type { RunConfig } from './run-config.js';
import { PhaseStoppedError, type Handoff, type PhaseContext, type PhaseExecutor, type RegisteredArtifact } from './executor.js';

export interface PhaseJob {
  runId: string;
  phase: TrainingPhase;
  generation: number;
}

export interface PhaseRunnerDeps {
  prisma: PrismaClient;
  registry: ModelRegistryService;
  store: ArtifactStore;
  publish: (payload: TrainingProgressPayload) => Promise<void>;
  /** Built-in executors by phase. */
  builtins: Partial<Record<TrainingPhase, PhaseExecutor>>;
  /** The executor for phases bound to an external command. */
  command: PhaseExecutor;
  log: Logger;
  /** How often the run's status is checked while a phase runs (default 300 ms). */
  pollMs?: number;
}

export type PhaseOutcome = 'succeeded' | 'stale' | 'stopped';

type RunWithNamespace = TrainingRun & { namespace: { name: string } };

export class PhaseRunner {
  constructor(private readonly deps: PhaseRunnerDeps) {}

  async run(job: PhaseJob): Promise<PhaseOutcome> {
    const { prisma, log } = this.deps;
    const run = await prisma.trainingRun.findUnique({ where: { id: job.runId }, include: { namespace: { select: { name: true } } } });
    const phaseRow = run && (await prisma.trainingPhaseExecution.findUnique({ where: { runId_phase: { runId: job.runId, phase: job.phase } } }));
    if (!run || !phaseRow || run.generation !== job.generation || run.status === 'CANCELLED' || phaseRow.status === 'SUCCEEDED' || phaseRow.status === 'SKIPPED') {
      return 'stale';
    }
    const config = run.config as unknown as RunConfig;
    const phaseConfig = config.phases[job.phase];
    const executor = phaseConfig.executor === 'command' ? this.deps.command : this.deps.builtins[job.phase];
    if (!executor) throw new Error(`no executor for ${job.phase} (${phaseConfig.executor})`);

    const now = new Date();
    const started = await this.transition(job, async (tx) => {
      if (run.status !== 'RUNNING') await tx.trainingRun.update({ where: { id: run.id }, data: { status: 'RUNNING', startedAt: run.startedAt ?? now } });
      return tx.trainingPhaseExecution.update({
        where: { id: phaseRow.id },
        data: { status: 'RUNNING', attempt: { increment: 1 }, startedAt: phaseRow.status === 'RUNNING' && phaseRow.startedAt ? phaseRow.startedAt : now, finishedAt: null, error: null },
      });
    });
    if (!started) return 'stale';
    if (run.status !== 'RUNNING') await this.publishRun({ ...run, status: 'RUNNING' });
    await this.publishPhase(run.id, started);
    log.info({ runId: run.id, phase: job.phase, attempt: started.attempt, executor: phaseConfig.executor }, 'training phase started');

    const sink = new MetricSink({ prisma, runId: run.id, publish: this.deps.publish, onError: (err) => log.warn({ err, runId: run.id }, 'metric batch failed') });
    let stopped = false;
    const poll = setInterval(() => {
      prisma.trainingRun
        .findUnique({ where: { id: run.id }, select: { status: true, generation: true } })
        .then((r) => {
          if (!r || r.status === 'CANCELLED' || r.generation !== job.generation) stopped = true;
        })
        .catch(() => undefined);
    }, this.deps.pollMs ?? 300);
    try {
      const ctx = await this.context(run, started, job, config, sink, () => stopped);
      const result = await executor.run(ctx);
      await sink.flush();
      ctx.throwIfStopped();
      const done = await this.transition(job, async (tx) => {
        const phase = await tx.trainingPhaseExecution.update({
          where: { id: started.id },
          data: {
            status: 'SUCCEEDED',
            finishedAt: new Date(),
            summary: result.summary as Prisma.InputJsonObject,
            output: result.output ? Buffer.from(JSON.stringify(result.output)) : null,
            checkpoint: null,
            checkpointAt: null,
          },
        });
        const last = TRAINING_PHASES.filter((p) => config.phases[p].executor !== 'skip').at(-1) === job.phase;
        const r = last ? await tx.trainingRun.update({ where: { id: run.id }, data: { status: 'SUCCEEDED', finishedAt: new Date() } }) : null;
        return { phase, run: r };
      });
      if (!done) return 'stopped';
      await this.publishPhase(run.id, done.phase);
      if (done.run) await this.publishRun(done.run);
      log.info({ runId: run.id, phase: job.phase, summary: result.summary }, 'training phase succeeded');
      return 'succeeded';
    } catch (error) {
      await sink.flush().catch(() => undefined);
      if (error instanceof PhaseStoppedError || stopped) {
        log.info({ runId: run.id, phase: job.phase }, 'training phase stopped (cancelled or retried)');
        return 'stopped';
      }
      await this.fail(job, errorMessage(error));
      throw error;
    } finally {
      clearInterval(poll);
    }
  }

  /**
   * Marks the phase and its run FAILED (when the job is still current). Also called by the
   * worker when BullMQ gives up on a job (stalled too often: the worker died repeatedly).
   */
  async fail(job: PhaseJob, message: string): Promise<void> {
    const result = await this.transition(job, async (tx) => {
      const phase = await tx.trainingPhaseExecution.update({
        where: { runId_phase: { runId: job.runId, phase: job.phase } },
        data: { status: 'FAILED', finishedAt: new Date(), error: message.slice(0, 4000) },
      });
      const run = await tx.trainingRun.update({ where: { id: job.runId }, data: { status: 'FAILED', finishedAt: new Date(), error: `${job.phase} failed: ${message}`.slice(0, 4000) } });
      return { phase, run };
    });
    if (!result) return;
    await this.publishPhase(job.runId, result.phase);
    await this.publishRun(result.run);
    this.deps.log.warn({ runId: job.runId, phase: job.phase, error: message }, 'training phase failed');
  }

  /** Runs `fn` in a transaction holding the run's row lock, only while the job is current. */
  private async transition<T>(job: PhaseJob, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T | null> {
    return this.deps.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ status: string; generation: number }[]>`SELECT status::text, generation FROM training_runs WHERE id = ${job.runId}::uuid FOR UPDATE`;
      const r = rows[0];
      if (!r || r.generation !== job.generation || r.status === 'CANCELLED') return null;
      return fn(tx);
    });
  }

  private async context(
    run: RunWithNamespace,
    phaseRow: TrainingPhaseExecution,
    job: PhaseJob,
    config: RunConfig,
    sink: MetricSink,
    isStopped: () => boolean,
  ): Promise<PhaseContext> {
    const { prisma, registry, store } = this.deps;
    const earlier = await prisma.trainingPhaseExecution.findMany({
      where: { runId: run.id, status: 'SUCCEEDED', position: { lt: phaseRow.position } },
      orderBy: { position: 'asc' },
      select: { phase: true, summary: true, output: true },
    });
    const withOutput = earlier.filter((p) => p.output).at(-1);
    const input = withOutput?.output ? (JSON.parse(Buffer.from(withOutput.output).toString('utf8')) as Handoff) : null;
    let lastBreath = performance.now();
    const throwIfStopped = () => {
      if (isStopped()) throw new PhaseStoppedError();
    };
    return {
      runId: run.id,
      phase: job.phase,
      attempt: phaseRow.attempt,
      namespace: run.namespace.name,
      config,
      phaseConfig: config.phases[job.phase],
      log: this.deps.log.child({ runId: run.id, phase: job.phase }),
      input,
      previousSummaries: Object.fromEntries(earlier.map((p) => [p.phase, (p.summary ?? {}) as Record<string, unknown>])),
      shouldStop: isStopped,
      throwIfStopped,
      async breathe() {
        if (performance.now() - lastBreath < 20) return;
        await new Promise((resolve) => setImmediate(resolve));
        lastBreath = performance.now();
        throwIfStopped();
      },
      metric: (step, name, value) => sink.record({ phase: job.phase, step, name, value }),
      loadCheckpoint: async <T>() => {
        const row = await prisma.trainingPhaseExecution.findUnique({ where: { id: phaseRow.id }, select: { checkpoint: true } });
        return row?.checkpoint ? (JSON.parse(Buffer.from(row.checkpoint).toString('utf8')) as T) : null;
      },
      saveCheckpoint: async (state) => {
        await sink.flush(); // points up to the checkpoint are stored before it is
        await this.transition(job, (tx) =>
          tx.trainingPhaseExecution.update({ where: { id: phaseRow.id }, data: { checkpoint: Buffer.from(JSON.stringify(state)), checkpointAt: new Date() } }),
        );
      },
      registerArtifact: async (bytes, metrics): Promise<RegisteredArtifact> => {
        const artifact = await store.put(Readable.from([bytes]), bytes.byteLength);
        const { model, version } = await registry.registerVersion({
          namespace: run.namespace.name,
          model: config.modelName,
          sha256: artifact.sha256,
          task: 'classification',
          description: `Agent Forge run "${run.name}" on ${config.dataset}`,
          tags: ['agent-forge', config.dataset],
          metrics,
          trainingRunId: run.id,
          trainingPhaseId: phaseRow.id,
        });
        return { modelVersionId: version.id, model: model.name, version: version.version, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes };
      },
    };
  }

  private async publishRun(run: TrainingRun): Promise<void> {
    await this.deps
      .publish({ runId: run.id, at: new Date().toISOString(), kind: 'run', run: { status: run.status, error: run.error, generation: run.generation } })
      .catch((err) => this.deps.log.warn({ err }, 'progress publish failed'));
  }

  private async publishPhase(runId: string, p: TrainingPhaseExecution): Promise<void> {
    await this.deps
      .publish({
        runId,
        at: new Date().toISOString(),
        kind: 'phase',
        phase: { phase: p.phase, status: p.status, attempt: p.attempt, error: p.error, skipReason: p.skipReason, summary: (p.summary ?? null) as Record<string, unknown> | null },
      })
      .catch((err) => this.deps.log.warn({ err }, 'progress publish failed'));
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
