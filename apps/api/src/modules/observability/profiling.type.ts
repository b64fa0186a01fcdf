/** GraphQL shapes of profiling: the live processes it can target and the artifacts it stores. */
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

export enum ProfileKind { CPU = 'CPU', HEAP = 'HEAP' }
registerEnumType(ProfileKind, { name: 'ProfileKind', description: 'CPU: a V8 CPU profile (.cpuprofile); HEAP: a V8 heap snapshot (.heapsnapshot)' });
export enum ProfileStatus { PENDING = 'PENDING', CAPTURING = 'CAPTURING', READY = 'READY', FAILED = 'FAILED' }
registerEnumType(ProfileStatus, { name: 'ProfileStatus', description: 'PENDING → CAPTURING → READY or FAILED' });
export enum ProfileComponent { API = 'API', WORKER = 'WORKER' }
registerEnumType(ProfileComponent, { name: 'ProfileComponent' });

@ObjectType({ description: 'A live API instance or worker process that can be profiled' })
export class ProfilingTarget {
  @Field(() => ID, { description: 'Its instance id: the `target` of captureCpuProfile / captureHeapSnapshot' }) id!: string;
  @Field(() => ProfileComponent) component!: ProfileComponent;
  @Field(() => String, { nullable: true }) host!: string | null;
  @Field(() => Int, { nullable: true }) pid!: number | null;
  @Field(() => [String], { description: 'Workers: the queues it serves' }) queues!: string[];
  @Field({ description: 'Its last heartbeat or metrics report' }) lastSeenAt!: Date;
  @Field({ description: 'The API instance answering this request (target `api`)' }) self!: boolean;
}

@ObjectType({ description: 'A CPU profile or heap snapshot of one process; opens in Chrome DevTools or speedscope' })
export class ProfileArtifact {
  @Field(() => ID) id!: string;
  @Field(() => ProfileKind) kind!: ProfileKind;
  @Field(() => ProfileStatus) status!: ProfileStatus;
  @Field({ description: 'Instance id of the profiled process' }) targetInstance!: string;
  @Field(() => ProfileComponent) targetComponent!: ProfileComponent;
  @Field({ description: 'Who asked for it' }) requestedBy!: string;
  @Field(() => Int, { nullable: true, description: 'CPU: how long the profiler ran' }) seconds!: number | null;
  @Field(() => String, { nullable: true, description: 'FAILED: why' }) error!: string | null;
  @Field(() => Int, { nullable: true, description: 'READY: size of the file in bytes (uncompressed)' }) sizeBytes!: number | null;
  @Field(() => String, { nullable: true, description: 'READY: sha256 of the file (hex)' }) sha256!: string | null;
  @Field({ description: '`profile-<id>.cpuprofile` or `profile-<id>.heapsnapshot`' }) fileName!: string;
  @Field(() => String, { nullable: true, description: 'READY: where to download it, relative to the API (GET; platform admins, e.g. with the console session cookie)' })
  downloadUrl!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType()
export class ProfileArtifactConnection {
  @Field(() => [ProfileArtifact]) nodes!: ProfileArtifact[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
