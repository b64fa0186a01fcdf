/** GraphQL shapes of fog computing: nodes, jobs (with lifecycle timings), agent execution specs, cost. */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

export enum FogNodeStatus { ONLINE = 'ONLINE', DRAINING = 'DRAINING', OFFLINE = 'OFFLINE' }
registerEnumType(FogNodeStatus, { name: 'FogNodeStatus', description: 'From heartbeats: OFFLINE after FOG_MISSED_HEARTBEATS missed; DRAINING when cordoned or shutting down' });
export enum FogNodePool { SHARED = 'SHARED', GOLD_DEDICATED = 'GOLD_DEDICATED' }
registerEnumType(FogNodePool, { name: 'FogNodePool', description: 'SHARED takes every tier; GOLD_DEDICATED only Gold and Platinum jobs' });
export enum FogRuntime { WASI = 'WASI', COMMAND = 'COMMAND' }
registerEnumType(FogRuntime, { name: 'FogRuntime' });
export enum FogJobStatus { QUEUED = 'QUEUED', SCHEDULED = 'SCHEDULED', RUNNING = 'RUNNING', SUCCEEDED = 'SUCCEEDED', FAILED = 'FAILED', CANCELLED = 'CANCELLED', TIMED_OUT = 'TIMED_OUT' }
registerEnumType(FogJobStatus, { name: 'FogJobStatus' });
export enum FogTier { BRONZE = 'BRONZE', SILVER = 'SILVER', GOLD = 'GOLD', PLATINUM = 'PLATINUM' }
registerEnumType(FogTier, { name: 'FogTier' });
export enum FogLogStream { STDOUT = 'STDOUT', STDERR = 'STDERR' }
registerEnumType(FogLogStream, { name: 'FogLogStream' });

@ObjectType()
export class FogNodeUtilisation {
  @Field(() => Float, { nullable: true, description: 'CPU the agent (and its sandboxes) used over the last heartbeat interval, percent of the cores the node offers' }) cpuPercent!: number | null;
  @Field(() => Float, { nullable: true }) memoryPercent!: number | null;
  @Field(() => Int, { nullable: true }) runningJobs!: number | null;
}

@ObjectType({ description: 'CPU cores, memory (MB) and GPUs' })
export class FogResources {
  @Field(() => Float) cpuCores!: number;
  @Field(() => Int) memoryMb!: number;
  @Field(() => Float) gpus!: number;
}

@ObjectType('FogNode', { description: 'A machine running the fog agent' })
export class FogNodeType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field() name!: string;
  @Field(() => Float) cpuCores!: number;
  @Field(() => Int) memoryMb!: number;
  @Field(() => Float) gpus!: number;
  @Field(() => String, { nullable: true }) gpuModel!: string | null;
  @Field(() => [String]) runtimes!: string[];
  @Field(() => String, { nullable: true }) region!: string | null;
  @Field(() => FogNodePool) pool!: FogNodePool;
  @Field(() => FogNodeStatus) status!: FogNodeStatus;
  @Field() cordoned!: boolean;
  @Field(() => Date, { nullable: true }) lastHeartbeatAt!: Date | null;
  @Field(() => Int, { description: 'Whole heartbeat intervals missed so far' }) missedHeartbeats!: number;
  @Field(() => Int, { description: 'How often the agent must heartbeat, ms' }) heartbeatIntervalMs!: number;
  @Field(() => FogNodeUtilisation, { nullable: true }) utilisation!: FogNodeUtilisation | null;
  @Field(() => FogResources, { description: 'Held by the fog jobs scheduled on or running on it now' }) allocated!: FogResources;
  @Field(() => Int, { description: 'Fog jobs scheduled on or running on it now' }) activeJobs!: number;
  @Field({ description: 'Draining: drainFogNode was called (until uncordoned), or its agent is shutting down' }) draining!: boolean;
  @Field({ description: 'Draining and no fog job is scheduled on or running on it: safe to stop' }) drained!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType()
export class FogHeartbeatResult {
  @Field(() => FogNodeType) node!: FogNodeType;
  @Field(() => [ID], { description: 'Running jobs of this node whose cancellation was requested: stop them and report CANCELLED' }) cancelJobIds!: string[];
  @Field({ description: 'The node is being drained: take no new assignments, hand back those waiting (releaseFogJob), let running jobs finish' }) drain!: boolean;
}

@ObjectType({ description: 'Where the time went, ms: queue wait (queued → scheduled), allocation (scheduled → running on the agent), then the sandbox: startup, run, cleanup' })
export class FogJobTimings {
  @Field(() => Float, { nullable: true }) queueWaitMs!: number | null;
  @Field(() => Float, { nullable: true }) allocationMs!: number | null;
  @Field(() => Float, { nullable: true }) startupMs!: number | null;
  @Field(() => Float, { nullable: true }) runMs!: number | null;
  @Field(() => Float, { nullable: true }) cleanupMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'running → finished as the API saw it' }) totalRunMs!: number | null;
}

@ObjectType('FogJob')
export class FogJobType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => FogRuntime) runtime!: FogRuntime;
  @Field(() => String, { nullable: true }) moduleSha256!: string | null;
  @Field(() => String, { nullable: true }) template!: string | null;
  @Field(() => [String]) args!: string[];
  @Field(() => Float) cpuCores!: number;
  @Field(() => Int) memoryMb!: number;
  @Field(() => Float) gpus!: number;
  @Field(() => Int) timeoutMs!: number;
  @Field() sla!: string;
  @Field(() => FogTier) tier!: FogTier;
  @Field(() => Int) priority!: number;
  @Field(() => FogJobStatus) status!: FogJobStatus;
  @Field(() => ID, { nullable: true }) nodeId!: string | null;
  @Field(() => Int, { description: 'Scheduling attempts so far (a job lost with its node is rescheduled once)' }) attempt!: number;
  @Field(() => String, { nullable: true, description: 'Why it waits (quota, capacity) or why it was rescheduled' }) holdReason!: string | null;
  @Field() cancelRequested!: boolean;
  @Field() queuedAt!: Date;
  @Field(() => Date, { nullable: true }) scheduledAt!: Date | null;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { nullable: true }) exitCode!: number | null;
  @Field(() => String, { nullable: true, description: 'COMPILE_ERROR, TRAP, NONZERO_EXIT, TIMED_OUT, NODE_LOST, …' }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field({ description: 'The first FOG_LOG_MAX_BYTES characters' }) stdout!: string;
  @Field() stderr!: string;
  @Field(() => Int, { description: 'Bytes the job wrote to stdout (stored or not)' }) stdoutBytes!: number;
  @Field(() => Int) stderrBytes!: number;
  @Field(() => FogJobTimings) timings!: FogJobTimings;
  @Field(() => Float, { nullable: true, description: 'CPU time of the sandbox thread' }) cpuMs!: number | null;
}

@ObjectType()
export class FogJobConnection {
  @Field(() => [FogJobType]) nodes!: FogJobType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: 'Why one item of submitFogJobs was refused' })
export class FogSubmitError {
  @Field({ description: 'BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, PAYLOAD_TOO_LARGE, …' }) code!: string;
  @Field() message!: string;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field(() => String, { nullable: true, description: 'Admission: the resource no node has enough of (gpus, cpuCores, memoryMb, runtime, nodes)' }) resource!: string | null;
}

@ObjectType({ description: 'One item of submitFogJobs: the queued job or why it was refused' })
export class FogJobSubmission {
  @Field(() => Int, { description: 'Position in the inputs' }) index!: number;
  @Field(() => FogJobType, { nullable: true }) job!: FogJobType | null;
  @Field(() => FogSubmitError, { nullable: true }) error!: FogSubmitError | null;
}

@ObjectType({ description: 'Fog jobs of one tier by status' })
export class FogTierQueue {
  @Field(() => FogTier) tier!: FogTier;
  @Field(() => Int) queued!: number;
  @Field(() => Int) scheduled!: number;
  @Field(() => Int) running!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int) timedOut!: number;
  @Field(() => Date, { nullable: true, description: 'When the longest-waiting queued job was queued' }) oldestQueuedAt!: Date | null;
}

@ObjectType()
export class FogEnvVar {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType({ description: 'What the agent runs for a claimed assignment' })
export class FogJobExecution {
  @Field(() => ID) jobId!: string;
  @Field(() => Int) attempt!: number;
  @Field(() => FogRuntime) runtime!: FogRuntime;
  @Field(() => String, { nullable: true, description: 'WASI: the module’s sha256' }) moduleSha256!: string | null;
  @Field(() => String, { nullable: true, description: 'WASI: the module, unless the claim named its sha256 in cachedModules' }) moduleBase64!: string | null;
  @Field(() => [String], { nullable: true }) command!: string[] | null;
  @Field(() => [String], { nullable: true }) argPatterns!: string[] | null;
  @Field(() => [String]) args!: string[];
  @Field(() => [FogEnvVar]) env!: FogEnvVar[];
  @Field(() => Int) timeoutMs!: number;
  @Field(() => Int) memoryMb!: number;
  @Field(() => Int) maxOutputBytes!: number;
}

@ObjectType('FogJobUpdate', { description: 'A status change or a log increment of one fog job' })
export class FogJobUpdate {
  @Field(() => ID) jobId!: string;
  @Field() at!: Date;
  @Field() kind!: string;
  @Field(() => FogJobStatus, { nullable: true }) status!: FogJobStatus | null;
  @Field(() => ID, { nullable: true }) nodeId!: string | null;
  @Field(() => Int, { nullable: true }) attempt!: number | null;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => FogLogStream, { nullable: true }) stream!: FogLogStream | null;
  @Field(() => String, { nullable: true }) text!: string | null;
}

@ObjectType('FogCommandTemplate')
export class FogCommandTemplateType {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String]) command!: string[];
  @Field(() => [String]) argPatterns!: string[];
}

@ObjectType({ description: 'Money in micro-dollars (µ$) and USD strings' })
export class FogCostSummary {
  @Field(() => FogTier, { nullable: true }) tier!: FogTier | null;
  @Field(() => Float) gpuHours!: number;
  @Field(() => Float) cpuCoreHours!: number;
  @Field(() => Float) memoryGbHours!: number;
  @Field(() => Float) totalMicros!: number;
  @Field() totalUsd!: string;
  @Field(() => Float, { description: 'The same usage at the traditional cloud price ($2.50 per GPU-hour)' }) cloudMicros!: number;
  @Field() cloudUsd!: string;
  @Field(() => Float) savingMicros!: number;
  @Field(() => Float, { nullable: true }) savingPercent!: number | null;
}

@ObjectType()
export class FogDailyCost {
  @Field() day!: string;
  @Field(() => FogCostSummary) total!: FogCostSummary;
}

@ObjectType()
export class FogCostReport {
  @Field() namespace!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Int) records!: number;
  @Field(() => FogCostSummary) total!: FogCostSummary;
  @Field(() => [FogCostSummary]) byTier!: FogCostSummary[];
  @Field(() => [FogDailyCost]) byDay!: FogDailyCost[];
}

@ObjectType()
export class FogInvoiceLine {
  @Field(() => FogTier) tier!: FogTier;
  @Field() resource!: string;
  @Field() description!: string;
  @Field() unit!: string;
  @Field(() => Float) quantity!: number;
  @Field(() => Float) unitPriceMicros!: number;
  @Field(() => Float) amountMicros!: number;
  @Field(() => Float) cloudAmountMicros!: number;
}

@ObjectType()
export class FogInvoice {
  @Field() namespace!: string;
  @Field() month!: string;
  @Field() periodStart!: Date;
  @Field() periodEnd!: Date;
  @Field(() => [FogInvoiceLine]) lines!: FogInvoiceLine[];
  @Field(() => Float) totalMicros!: number;
  @Field(() => Int) totalCents!: number;
  @Field() totalUsd!: string;
  @Field(() => Float) cloudMicros!: number;
  @Field(() => Float) savingMicros!: number;
  @Field(() => Float, { nullable: true }) savingPercent!: number | null;
}
