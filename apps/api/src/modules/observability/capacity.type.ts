/** GraphQL types of the capacity planner (libs/observability capacity.ts): figures with their formula and sourced inputs. */
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum ApiWorkload {
  GUIDE_BASELINE = 'GUIDE_BASELINE',
  GRAPHQL_NOOP = 'GRAPHQL_NOOP',
  RUN_INFERENCE = 'RUN_INFERENCE',
}
registerEnumType(ApiWorkload, {
  name: 'ApiWorkload',
  description: 'Which capacity stands for one API instance',
  valuesConfig: {
    GUIDE_BASELINE: { description: "The guide's base_capacity: 100 req/s per instance at < 100 ms" },
    GRAPHQL_NOOP: { description: 'Measured: the no-op query { __typename }, highest rate with p99 < 45 ms (npm run bench:inference)' },
    RUN_INFERENCE: { description: 'Measured: runInference on the reference model, highest rate with p99 < 45 ms (npm run bench:inference); the default' },
  },
});

@ObjectType({ description: 'One input of a capacity figure, with where its value comes from' })
export class CapacityFigureInput {
  @Field({ description: 'Its name in the formula' }) name!: string;
  @Field(() => Float) value!: number;
  @Field() unit!: string;
  @Field({ description: 'A benchmark (with the command that measures it), the guide, your input, or this deployment' }) source!: string;
}

@ObjectType({ description: 'A figure of a capacity plan and how it was computed' })
export class CapacityFigure {
  @Field() key!: string;
  @Field() label!: string;
  @Field(() => Float) value!: number;
  @Field() unit!: string;
  @Field({ description: 'The formula, in the names of its inputs' }) formula!: string;
  @Field({ description: 'Where the formula comes from (the guide section, or this platform)' }) formulaSource!: string;
  @Field(() => [CapacityFigureInput]) inputs!: CapacityFigureInput[];
}

@ObjectType({ description: "The guide's scaling formulas applied to a target load, with measured per-instance capacities" })
export class CapacityPlan {
  @Field(() => CapacityFigure) apiInstances!: CapacityFigure;
  @Field(() => CapacityFigure, { description: "What the guide's HPA (100 req/s per pod, 3–50 pods) settles on for the same load" }) hpaReplicas!: CapacityFigure;
  @Field(() => CapacityFigure) databaseMemoryGb!: CapacityFigure;
  @Field(() => CapacityFigure) databaseCpuCores!: CapacityFigure;
  @Field(() => CapacityFigure) databaseStorageGb!: CapacityFigure;
  @Field(() => CapacityFigure) databaseReadReplicas!: CapacityFigure;
  @Field(() => CapacityFigure, { nullable: true, description: 'Only when inferenceRps is given' }) inferenceWorkers!: CapacityFigure | null;
  @Field(() => CapacityFigure, { nullable: true, description: 'Only when ingestionChunksPerSecond is given' }) ingestionWorkers!: CapacityFigure | null;
  @Field(() => CapacityFigure) databaseConnections!: CapacityFigure;
  @Field(() => [String], { description: 'What the figures imply that needs a decision' }) warnings!: string[];
}
