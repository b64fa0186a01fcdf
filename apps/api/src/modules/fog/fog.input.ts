/** GraphQL inputs of fog computing. Validation beyond shapes lives in libs/fog services. */
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { FogJobStatus, FogLogStream, FogNodePool, FogRuntime, FogTier } from './fog.type.js';

@InputType()
export class RegisterFogNodeInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field() name!: string;
  @Field(() => Float) cpuCores!: number;
  @Field(() => Int) memoryMb!: number;
  @Field(() => Float, { nullable: true }) gpus?: number | null;
  @Field(() => String, { nullable: true }) gpuModel?: string | null;
  @Field(() => [String], { nullable: true, description: 'wasi, command (default wasi)' }) runtimes?: string[] | null;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => FogNodePool, { nullable: true }) pool?: FogNodePool | null;
  @Field(() => String, { nullable: true }) agentVersion?: string | null;
}

@InputType()
export class FogNodeHeartbeatInput {
  @Field(() => Float, { nullable: true }) cpuPercent?: number | null;
  @Field(() => Float, { nullable: true }) memoryPercent?: number | null;
  @Field(() => Int, { nullable: true }) runningJobs?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Shutting down: no new jobs' }) draining?: boolean | null;
}

@InputType()
export class FogEnvVarInput {
  @Field() name!: string;
  @Field() value!: string;
}

@InputType()
export class FogResourcesInput {
  @Field(() => Float, { defaultValue: 1 }) cpuCores!: number;
  @Field(() => Int, { defaultValue: 128 }) memoryMb!: number;
  @Field(() => Float, { defaultValue: 0 }) gpus!: number;
}

@InputType()
export class SubmitFogJobInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => FogRuntime) runtime!: FogRuntime;
  @Field(() => String, { nullable: true, description: 'WASI: the module, base64' }) moduleBase64?: string | null;
  @Field(() => String, { nullable: true, description: 'WASI: a module stored before (uploadFogModule or an earlier job)' }) moduleSha256?: string | null;
  @Field(() => String, { nullable: true, description: 'COMMAND: an admin-registered template' }) template?: string | null;
  @Field(() => [String], { nullable: true }) args?: string[] | null;
  @Field(() => [FogEnvVarInput], { nullable: true }) env?: FogEnvVarInput[] | null;
  @Field(() => FogResourcesInput, { nullable: true }) resources?: FogResourcesInput | null;
  @Field(() => Int, { nullable: true, description: 'Wall-clock limit, ms (default 60 s)' }) timeoutMs?: number | null;
  @Field(() => String, { nullable: true, description: 'S, A (default) or B' }) sla?: string | null;
  @Field(() => FogTier, { nullable: true, description: "Default: the namespace's tier" }) tier?: FogTier | null;
  @Field(() => Int, { nullable: true, description: "Silver: orders the namespace's own queue" }) priority?: number | null;
}

@InputType()
export class FogJobFilter {
  @Field(() => String, { nullable: true }) namespace?: string | null;
  @Field(() => FogJobStatus, { nullable: true }) status?: FogJobStatus | null;
  @Field(() => FogTier, { nullable: true }) tier?: FogTier | null;
  @Field(() => String, { nullable: true }) nodeId?: string | null;
}

@InputType()
export class FogLogChunkInput {
  @Field(() => FogLogStream) stream!: FogLogStream;
  @Field() text!: string;
}

@InputType()
export class FogTimingsInput {
  @Field(() => Float, { nullable: true }) workerStartMs?: number | null;
  @Field(() => Float, { nullable: true }) startupMs?: number | null;
  @Field(() => Float, { nullable: true }) runMs?: number | null;
  @Field(() => Float, { nullable: true }) cleanupMs?: number | null;
  @Field(() => Float, { nullable: true }) totalMs?: number | null;
}

@InputType()
export class RegisterFogCommandTemplateInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { description: 'argv prefix, e.g. ["/bin/echo"]' }) command!: string[];
  @Field(() => [String], { description: 'One anchored regex (^…$) per allowed argument position' }) argPatterns!: string[];
}

@InputType()
export class CompleteFogJobInput {
  @Field() jobId!: string;
  @Field() token!: string;
  @Field(() => ID, { nullable: true, description: 'The reporting node (the assignment must be on it); saves the API looking the job up' }) nodeId?: string | null;
  @Field(() => FogJobStatus) status!: FogJobStatus;
  @Field(() => Int, { nullable: true }) exitCode?: number | null;
  @Field(() => String, { nullable: true }) errorCode?: string | null;
  @Field(() => String, { nullable: true }) error?: string | null;
  @Field(() => [FogLogChunkInput], { nullable: true }) logs?: FogLogChunkInput[] | null;
  @Field(() => FogTimingsInput, { nullable: true }) timings?: FogTimingsInput | null;
  @Field(() => Float, { nullable: true }) cpuMs?: number | null;
}
