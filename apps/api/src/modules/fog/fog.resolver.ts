/**
 * Fog computing: jobs (submit one or many, cancel, read, queue counts by tier, live
 * updates), the agent's reports (claim, progress, completion, hand-back) and cost; nodes are
 * in fog-node.resolver.ts. Thin: rules live in libs/fog services; scheduling runs on workers.
 * Jobs are scoped to the caller's namespaces (another namespace's job is NOT_FOUND); writes
 * need DEVELOPER there. Agent reports need DEVELOPER in the node's namespace and the
 * assignment's token.
 */
import { assertNamespace, inNamespaces, isPlatformAdmin, type Principal } from '@aivillage/auth';
import { AppError, forbidden } from '@aivillage/errors';
import { MAX_FOG_SUBMIT_BATCH, type FogSubmission } from '@aivillage/fog';
import type { FogJobUpdatePayload } from '@aivillage/pubsub';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { PageInfo } from '../access/access.type.js';
import { assertAgentOf, assertAgentOfJob } from './fog-node.resolver.js';
import { CompleteFogJobInput, FogJobFilter, FogLogChunkInput, RegisterFogCommandTemplateInput, SubmitFogJobInput } from './fog.input.js';
import { toCostReport, toFogJob, toInvoice, toSubmitError, toTierQueues } from './fog.mapper.js';
import {
  FogCommandTemplateType, FogCostReport, FogInvoice, FogJobConnection, FogJobExecution, FogJobSubmission, FogJobType, FogJobUpdate, FogTierQueue,
} from './fog.type.js';

export { FogNodeResolver } from './fog-node.resolver.js';

void PageInfo;

const tierOf = (p: Principal) => p.tier;
const NODE_ARG = 'The reporting node (the assignment must be on it); saves the API looking the job up';

/** An agent's report: checked against the node it names (cached), else against the job's node (one lookup). */
const assertAgentOfReport = (ctx: Context, jobId: string, nodeId: string | null) => (nodeId ? assertAgentOf(ctx, nodeId) : assertAgentOfJob(ctx, jobId));
const toServiceInput = (input: SubmitFogJobInput) => ({ ...input, cpuCores: input.resources?.cpuCores, memoryMb: input.resources?.memoryMb, gpus: input.resources?.gpus });

@Resolver(() => FogJobType)
export class FogJobResolver {
  @Mutation(() => FogJobType, { description: 'Queues a fog job; BAD_USER_INPUT naming the resource (extensions.resource) when no node could ever run it' })
  async submitFogJob(@Arg('input') input: SubmitFogJobInput, @Ctx() ctx: Context): Promise<FogJobType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const job = await ctx.deps.fogJobs.submit(toServiceInput(input), { tier: tierOf(ctx.principal), label: ctx.principal.label });
    return toFogJob(job, input.namespace);
  }

  @Mutation(() => [FogJobSubmission], {
    description: `submitFogJob for up to ${MAX_FOG_SUBMIT_BATCH} jobs in one call, in order; each item is checked on its own (a refused one has \`error\` and does not stop the others), one scheduling pass is asked for`,
  })
  async submitFogJobs(@Arg('inputs', () => [SubmitFogJobInput]) inputs: SubmitFogJobInput[], @Ctx() ctx: Context): Promise<FogJobSubmission[]> {
    const results: (FogSubmission | null)[] = inputs.map((input) => {
      try {
        assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
        return null;
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error };
        throw error;
      }
    });
    const allowed = inputs.filter((_, i) => results[i] === null);
    const submitted = await ctx.deps.fogJobs.submitMany(allowed.map(toServiceInput), { tier: tierOf(ctx.principal), label: ctx.principal.label });
    let k = 0;
    return results.map((r, index) => {
      const s = r ?? submitted[k++];
      return s.ok ? { index, job: toFogJob(s.job, inputs[index].namespace), error: null } : { index, job: null, error: toSubmitError(s.error) };
    });
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
    const page = await ctx.deps.fogJobs.list({ visible: inNamespaces(ctx.principal), namespace: filter?.namespace, status: filter?.status, tier: filter?.tier, nodeId: filter?.nodeId, first, after });
    const names = await Promise.all(page.nodes.map((j) => ctx.loaders.namespaceById.load(j.namespaceId)));
    return { nodes: page.nodes.map((j, i) => toFogJob(j, names[i]!.name)), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.at(-1)?.id ?? null } };
  }

  @Query(() => [FogTierQueue], { description: 'Fog jobs per tier (Platinum first) by status, of the visible namespaces or one; with when the longest-waiting queued job came' })
  async fogQueueSummary(@Arg('namespace', () => String, { nullable: true }) namespace: string | null, @Ctx() ctx: Context): Promise<FogTierQueue[]> {
    if (namespace != null) assertNamespace(ctx.principal, namespace);
    return toTierQueues(await ctx.deps.fogJobs.queueSummary(inNamespaces(ctx.principal), namespace));
  }

  @Mutation(() => FogJobExecution, { description: 'Agent: claims an assignment (SCHEDULED → RUNNING) with its token and gets what to run; CONFLICT when stale' })
  async startFogJob(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('nodeId', () => ID) nodeId: string,
    @Arg('token') token: string,
    @Arg('cachedModules', () => [String], { nullable: true, description: 'sha256s of WASI modules the agent holds: the module is sent only when it is not one of them' }) cachedModules: string[] | null,
    @Ctx() ctx: Context,
  ): Promise<FogJobExecution> {
    await assertAgentOf(ctx, nodeId);
    return (await ctx.deps.fogJobs.start(jobId, nodeId, token, (cachedModules ?? []).slice(0, 256))) as FogJobExecution;
  }

  @Mutation(() => Boolean, { description: 'Agent: log increments of a running job; answers true when its cancellation was requested' })
  async reportFogJobProgress(
    @Arg('jobId', () => ID) jobId: string, @Arg('token') token: string, @Arg('logs', () => [FogLogChunkInput]) logs: FogLogChunkInput[],
    @Arg('nodeId', () => ID, { nullable: true, description: NODE_ARG }) nodeId: string | null, @Ctx() ctx: Context,
  ): Promise<boolean> {
    await assertAgentOfReport(ctx, jobId, nodeId);
    return (await ctx.deps.fogJobs.progress(jobId, token, logs, nodeId)).cancelRequested;
  }

  @Mutation(() => FogJobType, { description: "Agent: the final report (once per assignment; a stale agent's report is CONFLICT)" })
  async completeFogJob(@Arg('input') input: CompleteFogJobInput, @Ctx() ctx: Context): Promise<FogJobType> {
    await assertAgentOfReport(ctx, input.jobId, input.nodeId ?? null);
    const job = await ctx.deps.fogJobs.complete({ ...input, status: input.status as 'SUCCEEDED', timings: input.timings ? { ...input.timings } : null });
    return toFogJob(job, await ctx.deps.fogJobs.namespaceName(job.namespaceId));
  }

  @Mutation(() => FogJobType, { description: 'Agent: hands an assignment back (shutting down, draining); the job is queued again without using an attempt' })
  async releaseFogJob(
    @Arg('jobId', () => ID) jobId: string, @Arg('token') token: string, @Arg('nodeId', () => ID, { nullable: true, description: NODE_ARG }) nodeId: string | null, @Ctx() ctx: Context,
  ): Promise<FogJobType> {
    await assertAgentOfReport(ctx, jobId, nodeId);
    const job = await ctx.deps.fogJobs.release(jobId, token, 'handed back by its node (shutting down or draining)', nodeId);
    return toFogJob(job, await ctx.deps.fogJobs.namespaceName(job.namespaceId));
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
