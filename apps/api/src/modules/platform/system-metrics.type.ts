import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class QueueDepth {
  @Field() queue!: string;
  @Field(() => Int) waiting!: number;
  @Field(() => Int) active!: number;
  @Field(() => Int) delayed!: number;
}

@ObjectType({ description: 'One sample of the API fleet, merged over every API instance' })
export class SystemMetrics {
  @Field() timestamp!: Date;
  @Field(() => Float, { description: 'CPU of the API processes, percent of one core, summed' }) cpuPercent!: number;
  @Field(() => Float) rssBytes!: number;
  @Field(() => Float) heapUsedBytes!: number;
  @Field(() => Float) eventLoopLagP99Ms!: number;
  @Field(() => Float) requestsPerSecond!: number;
  @Field(() => Float, { nullable: true, description: 'p95 HTTP latency over the last period; null when idle' })
  p95LatencyMs!: number | null;
  @Field(() => Int) activeConnections!: number;
  @Field(() => Int, { description: 'API instances that reported in this period' }) instances!: number;
  @Field(() => [QueueDepth]) queueDepths!: QueueDepth[];
}
