/**
 * Training runs: start, cancel, retry/resume, reads with phases and downsampled metric
 * series, and the live progress feed. Thin: rules live in TrainingRunService (libs/forge);
 * phases run on workers. Writes need DEVELOPER in the run's namespace.
 */
import { assertNamespace, inNamespaces } from '@aivillage/auth';
import { PHASE_INFO, phaseSettingsSchemas, TRAINING_PHASES } from '@aivillage/forge';
import type { TrainingProgressPayload } from '@aivillage/pubsub';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { toModelVersion } from '../models/model.mapper.js';
import { ModelVersionType } from '../models/model.type.js';
import { StartTrainingRunInput, TrainingRunFilter } from './training.input.js';
import { toTrainingPhase, toTrainingRun } from './training.mapper.js';
import {
  TrainingMetricSeries, TrainingPhase, TrainingPhaseInfo, TrainingPhaseExecutionType, TrainingRunConnection, TrainingRunProgress, TrainingRunType,
} from './training.type.js';

const EXECUTOR_INPUT = { BUILTIN: 'builtin', COMMAND: 'command', SKIP: 'skip' } as const;

@Resolver(() => TrainingRunType)
export class TrainingRunResolver {
  @Mutation(() => TrainingRunType, { description: 'Validates the configuration, creates the run and queues its phases' })
  async startTrainingRun(@Arg('input') input: StartTrainingRunInput, @Ctx() ctx: Context): Promise<TrainingRunType> {
    const p = ctx.principal;
    assertNamespace(p, input.namespace, 'DEVELOPER');
    const run = await ctx.deps.training.start({
      namespace: input.namespace,
      name: input.name,
      template: input.template,
      config: {
        dataset: input.dataset,
        modelName: input.modelName,
        splitSeed: input.splitSeed,
        phases: input.phases?.map((ph) => ({
          phase: ph.phase, executor: ph.executor ? EXECUTOR_INPUT[ph.executor] : null, command: ph.command, timeoutSeconds: ph.timeoutSeconds, settings: ph.settings,
        })),
      },
      createdById: p.kind === 'user' && !ctx.deps.config.AUTH_DISABLED ? p.userId : null,
    });
    return this.load(run.id, ctx);
  }

  @Mutation(() => TrainingRunType, { description: 'Stops a queued or running run; CONFLICT when it already finished' })
  async cancelTrainingRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<TrainingRunType> {
    await this.assertWritable(id, ctx);
    await ctx.deps.training.cancel(id, inNamespaces(ctx.principal));
    return this.load(id, ctx);
  }

  @Mutation(() => TrainingRunType, { description: 'Runs a phase again and everything after it (retry a failed phase, or resume a finished run from any phase)' })
  async retryTrainingPhase(
    @Arg('runId', () => ID) runId: string,
    @Arg('phase', () => TrainingPhase) phase: TrainingPhase,
    @Ctx() ctx: Context,
  ): Promise<TrainingRunType> {
    await this.assertWritable(runId, ctx);
    await ctx.deps.training.retryPhase(runId, phase, inNamespaces(ctx.principal));
    return this.load(runId, ctx);
  }

  @Query(() => TrainingRunConnection, { description: 'Runs in the namespaces the caller may see, newest first' })
  async trainingRuns(
    @Arg('filter', () => TrainingRunFilter, { nullable: true }) filter: TrainingRunFilter | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<TrainingRunConnection> {
    if (filter?.namespace != null) assertNamespace(ctx.principal, filter.namespace);
    const page = await ctx.deps.training.list({ visible: inNamespaces(ctx.principal), namespace: filter?.namespace, status: filter?.status, first, after });
    const namespaces = await Promise.all(page.nodes.map((r) => ctx.loaders.namespaceById.load(r.namespaceId)));
    return {
      nodes: page.nodes.map((r, i) => toTrainingRun({ ...r, namespace: { name: namespaces[i]!.name } })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.at(-1)?.id ?? null },
    };
  }

  @Query(() => [TrainingPhaseInfo], { description: 'The pipeline\'s phases in order, with their built-in executors and default settings' })
  trainingPhases(): TrainingPhaseInfo[] {
    return TRAINING_PHASES.map((phase) => ({
      phase,
      title: PHASE_INFO[phase].title,
      builtin: PHASE_INFO[phase].builtin,
      defaultSettings: PHASE_INFO[phase].builtin ? phaseSettingsSchemas[phase].parse({}) : null,
    }));
  }

  @Query(() => [String], { description: 'Names of the programs phases may be bound to (executor COMMAND), from TRAINING_COMMANDS' })
  trainingCommands(@Ctx() ctx: Context): string[] {
    return Object.keys(ctx.deps.config.TRAINING_COMMANDS).sort();
  }

  @Query(() => TrainingRunType, { description: 'One run; NOT_FOUND when it does not exist or is not visible' })
  trainingRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<TrainingRunType> {
    return this.load(id, ctx);
  }

  @FieldResolver(() => [TrainingPhaseExecutionType], { description: 'In pipeline order' })
  async phases(@Root() run: TrainingRunType, @Ctx() ctx: Context): Promise<TrainingPhaseExecutionType[]> {
    return (await ctx.loaders.trainingPhases.load(run.id)).map(toTrainingPhase);
  }

  @FieldResolver(() => [TrainingMetricSeries], { description: 'Metric series (loss, accuracy, fitness, ...), each averaged down to at most maxPoints points' })
  metricSeries(
    @Root() run: TrainingRunType,
    @Arg('names', () => [String], { nullable: true }) names: string[] | null,
    @Arg('phase', () => TrainingPhase, { nullable: true }) phase: TrainingPhase | null,
    @Arg('maxPoints', () => Int, { defaultValue: 200 }) maxPoints: number,
    @Ctx() ctx: Context,
  ): Promise<TrainingMetricSeries[]> {
    return ctx.deps.training.metricSeries(run.id, { names, phase, maxPoints }) as Promise<TrainingMetricSeries[]>;
  }

  @FieldResolver(() => [ModelVersionType], { description: 'Model versions the run produced, oldest first' })
  async artifacts(@Root() run: TrainingRunType, @Ctx() ctx: Context): Promise<ModelVersionType[]> {
    return (await ctx.loaders.trainingArtifactsByRun.load(run.id)).map(toModelVersion);
  }

  @Subscription(() => TrainingRunProgress, {
    description: 'Changes of one run as they happen: its state, each phase change and each batch of new metric points (history is not re-sent)',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const runId = args.runId as string;
      await ctx.deps.training.get(runId, inNamespaces(ctx.principal)); // NOT_FOUND unless visible
      return onlyRun(ctx.pubsub.subscribe('TRAINING_PROGRESS'), runId);
    },
  })
  trainingRunProgress(@Root() p: TrainingProgressPayload, @Arg('runId', () => ID) _runId: string): TrainingRunProgress {
    return {
      runId: p.runId,
      at: new Date(p.at),
      kind: p.kind.toUpperCase() as TrainingRunProgress['kind'],
      run: p.run ? { status: p.run.status as never, error: p.run.error, generation: p.run.generation } : null,
      phase: p.phase ? { ...p.phase, phase: p.phase.phase as TrainingPhase, status: p.phase.status as never } : null,
      points: (p.points ?? []).map((pt) => ({ ...pt, phase: pt.phase as TrainingPhase })),
    };
  }

  private async load(id: string, ctx: Context): Promise<TrainingRunType> {
    const run = await ctx.deps.training.get(id, inNamespaces(ctx.principal));
    const ns = await ctx.loaders.namespaceById.load(run.namespaceId);
    return toTrainingRun({ ...run, namespace: { name: ns!.name } });
  }

  private async assertWritable(id: string, ctx: Context): Promise<void> {
    assertNamespace(ctx.principal, (await this.load(id, ctx)).namespace, 'DEVELOPER');
  }
}

@Resolver(() => TrainingPhaseExecutionType)
export class TrainingPhaseFieldsResolver {
  @FieldResolver(() => [ModelVersionType], { description: 'Model versions this phase registered' })
  async artifacts(@Root() phase: TrainingPhaseExecutionType, @Ctx() ctx: Context): Promise<ModelVersionType[]> {
    return (await ctx.loaders.trainingArtifactsByRun.load(phase.runId)).filter((v) => v.trainingPhaseId === phase.id).map(toModelVersion);
  }
}

async function* onlyRun(source: AsyncIterable<TrainingProgressPayload>, runId: string): AsyncGenerator<TrainingProgressPayload> {
  for await (const p of source) if (p.runId === runId) yield p;
}

