import { TRAINING_PHASES, type TrainingPhase as ForgePhase } from '@aivillage/forge';
import { JSONResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

/** The Agent Forge phases, in pipeline order (the public contract names them): libs/forge's list. */
export const TrainingPhase = Object.fromEntries(TRAINING_PHASES.map((p) => [p, p])) as { [P in ForgePhase]: P };
export type TrainingPhase = ForgePhase;
registerEnumType(TrainingPhase, { name: 'TrainingPhase', description: 'The phases of the Agent Forge pipeline, in order' });

export enum TrainingRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TrainingRunStatus, { name: 'TrainingRunStatus' });

export enum TrainingPhaseStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TrainingPhaseStatus, { name: 'TrainingPhaseStatus' });

export enum TrainingExecutor {
  BUILTIN = 'BUILTIN',
  COMMAND = 'COMMAND',
  SKIP = 'SKIP',
}
registerEnumType(TrainingExecutor, {
  name: 'TrainingExecutor',
  description: 'BUILTIN: the platform runs the phase; COMMAND: a program bound in TRAINING_COMMANDS; SKIP: not run',
});

export enum TrainingProgressKind {
  RUN = 'RUN',
  PHASE = 'PHASE',
  METRICS = 'METRICS',
}
registerEnumType(TrainingProgressKind, { name: 'TrainingProgressKind' });

@ObjectType('TrainingRun', { description: 'A run of a training pipeline' })
export class TrainingRunType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field() name!: string;
  @Field({ description: 'The pipeline template (agent-forge)' }) template!: string;
  @Field(() => TrainingRunStatus) status!: TrainingRunStatus;
  @Field(() => Int, { description: 'Bumped by every retry or resume' }) generation!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => JSONResolver, { description: 'The validated configuration: dataset, modelName, splitSeed and each phase\'s executor and settings' }) config!: unknown;
  @Field({ description: 'The registry model whose versions the phases produce' }) modelName!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Float, { nullable: true, description: 'From start to finish, or to now while running' }) durationMs!: number | null;
}

@ObjectType('TrainingPhaseExecution', { description: 'One phase of a training run' })
export class TrainingPhaseExecutionType {
  @Field(() => ID) id!: string;
  runId!: string;
  @Field(() => TrainingPhase) phase!: TrainingPhase;
  @Field(() => Int) position!: number;
  @Field(() => TrainingExecutor) executor!: TrainingExecutor;
  @Field(() => TrainingPhaseStatus) status!: TrainingPhaseStatus;
  @Field(() => Int, { description: 'Attempts started in the current generation; more than 1 when a worker died mid-phase and another resumed it' }) attempt!: number;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Float, { nullable: true }) durationMs!: number | null;
  @Field(() => JSONResolver, { nullable: true, description: "The phase's figures (accuracy, sizes, ...)" }) summary!: unknown;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) skipReason!: string | null;
  @Field(() => Date, { nullable: true, description: 'When the attempt in progress last saved a checkpoint' }) checkpointAt!: Date | null;
}

@ObjectType()
export class TrainingMetricSeriesPoint {
  @Field(() => Int) step!: number;
  @Field(() => Int, { description: 'Last step averaged into this point' }) stepTo!: number;
  @Field(() => Float, { description: 'Mean over the steps folded into this point' }) value!: number;
  @Field(() => Float) min!: number;
  @Field(() => Float) max!: number;
}

@ObjectType({ description: 'One metric of one phase, downsampled' })
export class TrainingMetricSeries {
  @Field(() => TrainingPhase) phase!: TrainingPhase;
  @Field() name!: string;
  @Field(() => Int, { description: 'Points stored (before downsampling)' }) total!: number;
  @Field(() => [TrainingMetricSeriesPoint]) points!: TrainingMetricSeriesPoint[];
}

@ObjectType()
export class TrainingRunConnection {
  @Field(() => [TrainingRunType]) nodes!: TrainingRunType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType()
export class TrainingRunStateUpdate {
  @Field(() => TrainingRunStatus) status!: TrainingRunStatus;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) generation!: number;
}

@ObjectType()
export class TrainingPhaseUpdate {
  @Field(() => TrainingPhase) phase!: TrainingPhase;
  @Field(() => TrainingPhaseStatus) status!: TrainingPhaseStatus;
  @Field(() => Int) attempt!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) skipReason!: string | null;
  @Field(() => JSONResolver, { nullable: true }) summary!: unknown;
}

@ObjectType()
export class TrainingMetricPointUpdate {
  @Field(() => TrainingPhase) phase!: TrainingPhase;
  @Field(() => Int) step!: number;
  @Field() name!: string;
  @Field(() => Float) value!: number;
}

@ObjectType({ description: 'What changed in a run: its state, a phase, or new metric points (never history)' })
export class TrainingRunProgress {
  @Field(() => ID) runId!: string;
  @Field() at!: Date;
  @Field(() => TrainingProgressKind) kind!: TrainingProgressKind;
  @Field(() => TrainingRunStateUpdate, { nullable: true }) run!: TrainingRunStateUpdate | null;
  @Field(() => TrainingPhaseUpdate, { nullable: true }) phase!: TrainingPhaseUpdate | null;
  @Field(() => [TrainingMetricPointUpdate]) points!: TrainingMetricPointUpdate[];
}

@ObjectType({ description: 'A phase of the pipeline: what the platform does for it and its default settings' })
export class TrainingPhaseInfo {
  @Field(() => TrainingPhase) phase!: TrainingPhase;
  @Field() title!: string;
  @Field(() => String, { nullable: true, description: 'What the built-in executor does; null when the phase needs a command' }) builtin!: string | null;
  @Field(() => JSONResolver, { nullable: true, description: "The built-in executor's settings with their defaults" }) defaultSettings!: unknown;
}
