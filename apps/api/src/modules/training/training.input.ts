import { JSONResolver } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';
import { TrainingExecutor, TrainingPhase, TrainingRunStatus } from './training.type.js';

@InputType({ description: "One phase's binding and settings; phases not listed use their built-in executor, or are skipped when they have none" })
export class TrainingPhaseConfigInput {
  @Field(() => TrainingPhase) phase!: TrainingPhase;
  @Field(() => TrainingExecutor, { nullable: true }) executor?: TrainingExecutor | null;
  @Field(() => String, { nullable: true, description: 'Name of a program bound in TRAINING_COMMANDS (executor COMMAND)' }) command?: string | null;
  @Field(() => Int, { nullable: true, description: 'Seconds before the command is killed (default 3600)' }) timeoutSeconds?: number | null;
  @Field(() => JSONResolver, { nullable: true, description: "The phase's settings (see README § Training for each phase's fields and defaults)" }) settings?: unknown;
}

@InputType()
export class StartTrainingRunInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field() name!: string;
  @Field({ defaultValue: 'agent-forge' }) template!: string;
  @Field({ defaultValue: 'digits', description: 'The dataset (digits: the UCI handwritten digits, 1,797 8×8 images)' }) dataset!: string;
  @Field(() => String, { nullable: true, description: 'Registry model for the artifacts (default forge-<name>)' }) modelName?: string | null;
  @Field(() => Int, { nullable: true, description: 'Seed of the train/validation/test split (default 7)' }) splitSeed?: number | null;
  @Field(() => [TrainingPhaseConfigInput], { nullable: true }) phases?: TrainingPhaseConfigInput[] | null;
}

@InputType()
export class TrainingRunFilter {
  @Field(() => String, { nullable: true }) namespace?: string | null;
  @Field(() => TrainingRunStatus, { nullable: true }) status?: TrainingRunStatus | null;
}
