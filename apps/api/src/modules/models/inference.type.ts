import { JSONResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where the time of one runInference call went' })
export class InferenceTimings {
  @Field(() => Float, { description: 'End to end, as measured by the API' }) totalMs!: number;
  @Field(() => Float, { description: 'From the call to its job leaving for the queue (coalescing with the rest of the event-loop turn)' }) sendMs!: number;
  @Field(() => Float, { description: 'From the job leaving to a worker taking it' }) queueMs!: number;
  @Field(() => Float, { description: 'From the worker taking the job to publishing its results (includes batch wait and run)' }) workerMs!: number;
  @Field(() => Float, { description: 'From the worker publishing to the API holding the result' }) replyMs!: number;
  @Field(() => Float, { description: "Waiting in the worker's dynamic batcher for company" }) batchWaitMs!: number;
  @Field(() => Float, { description: 'Inside onnxruntime, for the whole run that served this request' }) runMs!: number;
  @Field(() => Float, { description: 'totalMs minus batchWaitMs and runMs: queue, Redis and serialisation' }) overheadMs!: number;
  @Field(() => Int, { description: 'Rows in that run, over every request it served' }) batchSize!: number;
  @Field(() => Int, { description: 'Requests that run served' }) batchRequests!: number;
  @Field({ description: 'The worker process that ran it' }) worker!: string;
}

@ObjectType({ description: 'The outputs of one inference and where its time went' })
export class InferenceResult {
  @Field() namespace!: string;
  @Field() model!: string;
  @Field(() => Int, { description: 'The version that ran (resolved from the alias or default when not given)' }) version!: number;
  @Field(() => JSONResolver, { description: 'Each output by name: { dtype, dims, data } with data flat in row-major order' }) outputs!: unknown;
  @Field(() => InferenceTimings) timings!: InferenceTimings;
}

@ObjectType({ description: "One model's inference figures over the last period, over every API instance" })
export class InferenceMetrics {
  @Field() timestamp!: Date;
  @Field() namespace!: string;
  @Field() model!: string;
  @Field(() => Float) requestsPerSecond!: number;
  @Field(() => Float) errorsPerSecond!: number;
  @Field(() => Float, { nullable: true, description: 'End-to-end latency percentiles; null when idle' }) p50LatencyMs!: number | null;
  @Field(() => Float, { nullable: true }) p95LatencyMs!: number | null;
  @Field(() => Float, { nullable: true }) p99LatencyMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'Mean rows of the runs that served the requests' }) averageBatchSize!: number | null;
  @Field(() => Int, { description: 'Live inference worker processes' }) workers!: number;
  @Field(() => Float, { description: 'Largest resident memory among them' }) workerRssBytes!: number;
}
