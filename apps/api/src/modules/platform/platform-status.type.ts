import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Health of one dependency, measured by a real round trip for this request' })
export class DependencyHealth {
  @Field() name!: string;
  @Field() ok!: boolean;
  @Field(() => Float, { nullable: true, description: 'Round-trip time of the probe in ms; null when it failed' })
  latencyMs!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ description: 'A BullMQ queue: depth, live workers, and the latency of reading its counts' })
export class QueueHealth extends DependencyHealth {
  @Field(() => Int) waiting!: number;
  @Field(() => Int) active!: number;
  @Field(() => Int) delayed!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) completed!: number;
  @Field(() => Int, { description: 'Live worker processes serving this queue' }) workers!: number;
}

@ObjectType({ description: 'A worker process, alive while its heartbeat is fresh' })
export class WorkerProcess {
  @Field() id!: string;
  @Field() host!: string;
  @Field(() => Int) pid!: number;
  @Field(() => [String]) queues!: string[];
  // ISO strings from the heartbeat JSON; the DateTime scalar serialises them as they are.
  @Field(() => Date) startedAt!: string;
  @Field(() => Date) lastSeenAt!: string;
}

@ObjectType()
export class PlatformStatus {
  @Field() version!: string;
  @Field() startedAt!: Date;
  @Field(() => Float) uptimeSeconds!: number;
  @Field({ description: 'True when Postgres, Redis and every queue are healthy' }) healthy!: boolean;
  @Field(() => DependencyHealth) postgres!: DependencyHealth;
  @Field(() => DependencyHealth) redis!: DependencyHealth;
  @Field(() => [QueueHealth]) queues!: QueueHealth[];
  @Field(() => [WorkerProcess]) workers!: WorkerProcess[];
}
