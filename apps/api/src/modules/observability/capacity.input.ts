/** The capacity planner's input. Ranges (every number > 0) are checked in libs/observability. */
import { Field, Float, InputType } from 'type-graphql';
import { ApiWorkload } from './capacity.type.js';

@InputType()
export class CapacityPlanInput {
  @Field(() => Float, { description: 'Requests per second the API must serve' }) targetRps!: number;
  @Field(() => Float, { nullable: true, description: "Target response time, ms (default: the guide's 100 ms)" }) targetLatencyMs?: number | null;
  @Field(() => ApiWorkload, { nullable: true, description: 'Which measured capacity stands for one API instance (default RUN_INFERENCE)' })
  workload?: ApiWorkload | null;
  @Field(() => Float, { nullable: true, description: 'Your own measured req/s per API instance; overrides workload' }) perInstanceRps?: number | null;
  @Field(() => Float, { description: 'Database size, GB' }) dataSizeGb!: number;
  @Field(() => Float, { description: 'Database queries per second' }) databaseQps!: number;
  @Field(() => Float, { nullable: true, description: 'runInference requests per second (sizes inference workers)' }) inferenceRps?: number | null;
  @Field(() => Float, { nullable: true, description: 'Knowledge chunks per second to ingest (sizes ingestion workers)' })
  ingestionChunksPerSecond?: number | null;
}
