/**
 * Fog computing: nodes (register, heartbeat, cordon/drain), jobs (submit, cancel, read, live
 * updates), the agent's reports (claim, progress, completion, hand-back) and cost. Thin:
 * rules live in libs/fog services; scheduling runs on workers. Jobs are scoped to the
 * caller's namespaces (another namespace's job is NOT_FOUND); writes need DEVELOPER there.
 * Agent reports need DEVELOPER in the node's namespace and the assignment's token.
 */
import { assertNamespace, inNamespaces, isPlatformAdmin, type Principal } from '@aivillage/auth';
import { forbidden } from '@aivillage/errors';
import type { FogJobUpdatePayload } from '@aivillage/pubsub';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { PageInfo } from '../access/access.type.js';
import {
  CompleteFogJobInput, FogJobFilter, FogLogChunkInput, FogNodeHeartbeatInput, RegisterFogCommandTemplateInput, RegisterFogNodeInput, SubmitFogJobInput,
} from './fog.input.js';
import { toCostReport, toFogJob, toFogNode, toInvoice } from './fog.mapper.js';
import {
  FogCommandTemplateType, FogCostReport, FogHeartbeatResult, FogInvoice, FogJobConnection, FogJobExecution, FogJobType, FogJobUpdate, FogNodeType,
} from './fog.type.js';

void PageInfo;

async function nodeView(ctx: Context, id: string): Promise<FogNodeType> {
  const node = await ctx.deps.fogNodes.get(id, inNamespaces(ctx.principal));
  return toFogNode(node, (await ctx.loaders.namespaceById.load(node.namespaceId))!.name, ctx.deps.fogNodes, ctx.deps.config.FOG_HEARTBEAT_MS);
}

/** The node must be visible and the caller a DEVELOPER in its namespace (the agent's key). */
async function assertAgentOf(ctx: Context, nodeId: string): Promise<void> {
  const node = await ctx.deps.fogNodes.get(nodeId, inNamespaces(ctx.principal));
  assertNamespace(ctx.principal, (await ctx.loaders.namespaceById.load(node.namespaceId))!.name, 'DEVELOPER');
}

async function assertAgentOfJob(ctx: Context, jobId: string): Promise<void> {
  const job = await ctx.prisma.fogJob.findUnique({ where: { id: /^[0-9a-f-]{36}$/i.test(jobId) ? jobId : '00000000-0000-0000-0000-000000000000' }, select: { nodeId: true } });
  if (!job?.nodeId) throw forbidden('This fog job is not assigned to a node you run');
  await assertAgentOf(ctx, job.nodeId);
}

const tierOf = (p: Principal) => p.tier;

@Resolver(() => FogNodeType)
export class FogNodeResolver {
  @Mutation(() => FogNodeType, { description: 'Registers (or re-registers, by name within the namespace) a fog node; the agent calls it at start' })
  async registerFogNode(@Arg('input') input: RegisterFogNodeInput, @Ctx() ctx: Context): Promise<FogNodeType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const node = await ctx.deps.fogNodes.register(input);
    return toFogNode(node, input.namespace, ctx.deps.fogNodes, ctx.deps.config.FOG_HEARTBEAT_MS);
  }

  @Mutation(() => FogHeartbeatResult, { description: "The agent's heartbeat with utilisation; answers which running jobs to cancel" })
  async fogNodeHeartbeat(@Arg('nodeId', () => ID) nodeId: string, @Arg('input') input: FogNodeHeartbeatInput, @Ctx() ctx: Context): Promise<FogHeartbeatResult> {
    await assertAgentOf(ctx, nodeId);
    const r = await ctx.deps.fogNodes.heartbeat(nodeId, inNamespaces(ctx.principal), input);
    return { node: await nodeView(ctx, r.node.id), cancelJobIds: r.cancelJobIds };
  }

  @Mutation(() => FogNodeType, { description: 'No new fog jobs on this node (running ones continue); cordoned: false lifts it' })
  async cordonFogNode(@Arg('id', () => ID) id: string, @Arg('cordoned', { defaultValue: true }) cordoned: boolean, @Ctx() ctx: Context): Promise<FogNodeType> {
    await assertAgentOf(ctx, id);
    await ctx.deps.fogNodes.setCordoned(id, inNamespaces(ctx.principal), cordoned);
    return nodeView(ctx, id);
  }

  @Mutation(() => FogNodeType, { description: 'Drain: cordon, and let running jobs finish (the node shows DRAINING)' })
  async drainFogNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FogNodeType> {
    return this.cordonFogNode(id, true, ctx);
  }

  @Query(() => [FogNodeType], { description: 'Fog nodes of the namespaces the caller may see' })
  async fogNodes(@Arg('namespace', () => String, { nullable: true }) namespace: string | null, @Ctx() ctx: Context): Promise<FogNodeType[]> {
    if (namespace != null) assertNamespace(ctx.principal, namespace);
    const rows = await ctx.deps.fogNodes.list(inNamespaces(ctx.principal), namespace);
    return Promise.all(rows.map(async (n) => toFogNode(n, (await ctx.loaders.namespaceById.load(n.namespaceId))!.name, ctx.deps.fogNodes, ctx.deps.config.FOG_HEARTBEAT_MS)));
  }

  @Query(() => FogNodeType)
  fogNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FogNodeType> {
    return nodeView(ctx, id);
  }
}

@Resolver(() => FogJobType)
export class FogJobResolver {
  @Mutation(() => FogJobType, { description: 'Queues a fog job; BAD_USER_INPUT naming the resource (extensions.resource) when no node could ever run it' })
  async submitFogJob(@Arg('input') input: SubmitFogJobInput, @Ctx() ctx: Context): Promise<FogJobType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const job = await ctx.deps.fogJobs.submit(
      { ...input, cpuCores: input.resources?.cpuCores, memoryMb: input.resources?.memoryMb, gpus: input.resources?.gpus },
      { tier: tierOf(ctx.principal), label: ctx.principal.label },
    );
    return toFogJob(job, input.namespace);
  }

  @Mutation(() => FogJobType, { description: 'Cancels a queued or scheduled job at once, a running one by asking its agent' })
  async cancelFogJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FogJobType> {
    const job = await ctx.deps.fogJobs.get(id, inNamespaces(ctx.principal));
    const ns = (await ctx.loaders.namespaceById.load(job.namespaceId))!.name;
    assertNamespace(ctx.principal, ns, 'DEVELOPER');
    return toFogJob(await ctx.deps.fogJobs.cancel(id, inNamespaces(ctx.principal), ns), ns);
  }

  @Query(() => FogJobType, { description: 'One fog job; NOT_FOUND when it does not exist or is in a namespace the caller cannot see' })
  async fogJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FogJobType> {
    const job = await ctx.deps.fogJobs.get(id, inNamespaces(ctx.principal));
    return toFogJob(job, (await ctx.loaders.namespaceById.load(job.namespaceId))!.name);
  }

  @Query(() => FogJobConnection, { description: 'Fog jobs of the namespaces the caller may see, newest first' })
  async fogJobs(
    @Arg('filter', () => FogJobFilter, { nullable: true }) filter: FogJobFilter | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<FogJobConnection> {
    if (filter?.namespace != null) assertNamespace(ctx.principal, filter.namespace);
    const page = await ctx.deps.fogJobs.list({ visible: inNamespaces(ctx.principal), namespace: filter?.namespace, status: filter?.status, nodeId: filter?.nodeId, first, after });
    const names = await Promise.all(page.nodes.map((j) => ctx.loaders.namespaceById.load(j.namespaceId)));
    return { nodes: page.nodes.map((j, i) => toFogJob(j, names[i]!.name)), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.at(-1)?.id ?? null } };
  }

  @Mutation(() => FogJobExecution, { description: 'Agent: claims an assignment (SCHEDULED → RUNNING) with its token and gets what to run; CONFLICT when stale' })
  async startFogJob(@Arg('jobId', () => ID) jobId: string, @Arg('nodeId', () => ID) nodeId: string, @Arg('token') token: string, @Ctx() ctx: Context): Promise<FogJobExecution> {
    await assertAgentOf(ctx, nodeId);
    return (await ctx.deps.fogJobs.start(jobId, nodeId, token)).execution as FogJobExecution;
  }

  @Mutation(() => Boolean, { description: 'Agent: log increments of a running job; answers true when its cancellation was requested' })
  async reportFogJobProgress(
    @Arg('jobId', () => ID) jobId: string, @Arg('token') token: string, @Arg('logs', () => [FogLogChunkInput]) logs: FogLogChunkInput[], @Ctx() ctx: Context,
  ): Promise<boolean> {
    await assertAgentOfJob(ctx, jobId);
    return (await ctx.deps.fogJobs.progress(jobId, token, logs)).cancelRequested;
  }

  @Mutation(() => FogJobType, { description: "Agent: the final report (once per assignment; a stale agent's report is CONFLICT)" })
  async completeFogJob(@Arg('input') input: CompleteFogJobInput, @Ctx() ctx: Context): Promise<FogJobType> {
    await assertAgentOfJob(ctx, input.jobId);
    const job = await ctx.deps.fogJobs.complete({ ...input, status: input.status as 'SUCCEEDED', timings: input.timings ? { ...input.timings } : null });
    return toFogJob(job, (await ctx.loaders.namespaceById.load(job.namespaceId))!.name);
  }

  @Mutation(() => FogJobType, { description: 'Agent: hands an assignment back (shutting down); the job is queued again without using an attempt' })
  async releaseFogJob(@Arg('jobId', () => ID) jobId: string, @Arg('token') token: string, @Ctx() ctx: Context): Promise<FogJobType> {
    await assertAgentOfJob(ctx, jobId);
    const job = await ctx.deps.fogJobs.release(jobId, token, 'handed back by its node (shutting down)');
    return toFogJob(job, (await ctx.loaders.namespaceById.load(job.namespaceId))!.name);
  }

  @Mutation(() => FogCommandTemplateType, { description: 'ADMIN only: a program fog jobs may run (runtime COMMAND), with one pattern per argument' })
  async registerFogCommandTemplate(@Arg('input') input: RegisterFogCommandTemplateInput, @Ctx() ctx: Context): Promise<FogCommandTemplateType> {
    if (!isPlatformAdmin(ctx.principal)) throw forbidden('Only platform admins register fog command templates');
    return ctx.deps.fogTemplates.register(input, ctx.principal.label);
  }

  @Query(() => [FogCommandTemplateType])
  fogCommandTemplates(@Ctx() ctx: Context): Promise<FogCommandTemplateType[]> {
    return ctx.deps.fogTemplates.list();
  }

  @Query(() => FogCostReport, { description: "Cost of the namespace's fog usage in [from, to), per tier and UTC day, with the saving against the cloud price" })
  async fogCostReport(@Arg('namespace') namespace: string, @Arg('from') from: Date, @Arg('to') to: Date, @Ctx() ctx: Context): Promise<FogCostReport> {
    assertNamespace(ctx.principal, namespace);
    return toCostReport(await ctx.deps.fogCost.report(namespace, from, to), namespace, from, to);
  }

  @Query(() => FogInvoice, { description: 'The namespace’s fog invoice for a UTC month (YYYY-MM)' })
  async fogInvoice(@Arg('namespace') namespace: string, @Arg('month') month: string, @Ctx() ctx: Context): Promise<FogInvoice> {
    assertNamespace(ctx.principal, namespace);
    return toInvoice(await ctx.deps.fogCost.invoice(namespace, month));
  }

  @Subscription(() => FogJobUpdate, {
    description: 'Status changes and log increments of one fog job',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      await ctx.deps.fogJobs.get(args.jobId as string, inNamespaces(ctx.principal)); // NOT_FOUND when not visible
      return only(ctx.pubsub.subscribe('FOG_JOB_UPDATES'), args.jobId as string);
    },
  })
  fogJobUpdates(@Root() u: FogJobUpdatePayload, @Arg('jobId', () => ID) _jobId: string): FogJobUpdate {
    return {
      jobId: u.jobId, at: new Date(u.at), kind: u.kind, status: (u.status as FogJobUpdate['status']) ?? null, nodeId: u.nodeId ?? null, attempt: u.attempt ?? null,
      errorCode: u.errorCode ?? null, error: u.error ?? null, stream: (u.stream as FogJobUpdate['stream']) ?? null, text: u.text ?? null,
    };
  }
}

async function* only(source: AsyncIterable<FogJobUpdatePayload>, jobId: string): AsyncGenerator<FogJobUpdatePayload> {
  for await (const u of source) if (u.jobId === jobId) yield u;
}
