/**
 * Fog nodes: registration and heartbeats (the agent), cordon and drain (operators), reads
 * with what their scheduled and running jobs hold. Thin: rules live in libs/fog FogNodeService.
 */
import { assertNamespace, canAccessNamespace, inNamespaces } from '@aivillage/auth';
import { forbidden, notFound } from '@aivillage/errors';
import type { FogNode } from '@aivillage/db';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { FogNodeHeartbeatInput, RegisterFogNodeInput } from './fog.input.js';
import { toFogNode } from './fog.mapper.js';
import { FogHeartbeatResult, FogNodeType } from './fog.type.js';

/** Nodes as the API shows them: status, and the resources their active jobs hold (one query for all). */
export async function nodeViews(ctx: Context, rows: readonly FogNode[]): Promise<FogNodeType[]> {
  const allocations = await ctx.deps.fogNodes.allocations(rows.map((n) => n.id));
  return Promise.all(
    rows.map(async (n) => toFogNode(n, (await ctx.loaders.namespaceById.load(n.namespaceId))!.name, ctx.deps.fogNodes, ctx.deps.config.FOG_HEARTBEAT_MS, allocations.get(n.id))),
  );
}

async function nodeView(ctx: Context, id: string): Promise<FogNodeType> {
  const [view] = await nodeViews(ctx, [await ctx.deps.fogNodes.get(id, inNamespaces(ctx.principal))]);
  return view;
}

/**
 * The node must be visible and the caller a DEVELOPER in its namespace (the agent's key).
 * Checked against the node's cached namespace: agents call this on every claim and report.
 */
export async function assertAgentOf(ctx: Context, nodeId: string): Promise<void> {
  const node = await ctx.deps.fogNodes.namespaceOf(nodeId);
  if (!node || !canAccessNamespace(ctx.principal, node.namespace)) throw notFound('FogNode', nodeId);
  assertNamespace(ctx.principal, node.namespace, 'DEVELOPER');
}

/** The fog job must be assigned to a node the caller runs. */
export async function assertAgentOfJob(ctx: Context, jobId: string): Promise<void> {
  const job = await ctx.prisma.fogJob.findUnique({ where: { id: /^[0-9a-f-]{36}$/i.test(jobId) ? jobId : '00000000-0000-0000-0000-000000000000' }, select: { nodeId: true } });
  if (!job?.nodeId) throw forbidden('This fog job is not assigned to a node you run');
  await assertAgentOf(ctx, job.nodeId);
}

@Resolver(() => FogNodeType)
export class FogNodeResolver {
  @Mutation(() => FogNodeType, { description: 'Registers (or re-registers, by name within the namespace) a fog node; the agent calls it at start' })
  async registerFogNode(@Arg('input') input: RegisterFogNodeInput, @Ctx() ctx: Context): Promise<FogNodeType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const [view] = await nodeViews(ctx, [await ctx.deps.fogNodes.register(input)]);
    return view;
  }

  @Mutation(() => FogHeartbeatResult, { description: "The agent's heartbeat with utilisation; answers which running jobs to cancel and whether to drain" })
  async fogNodeHeartbeat(@Arg('nodeId', () => ID) nodeId: string, @Arg('input') input: FogNodeHeartbeatInput, @Ctx() ctx: Context): Promise<FogHeartbeatResult> {
    await assertAgentOf(ctx, nodeId);
    const r = await ctx.deps.fogNodes.heartbeat(nodeId, inNamespaces(ctx.principal), input);
    return { node: await nodeView(ctx, r.node.id), cancelJobIds: r.cancelJobIds, drain: r.drain };
  }

  @Mutation(() => FogNodeType, { description: 'No new fog jobs on this node (running and already assigned ones continue); cordoned: false lifts it, and a drain with it' })
  async cordonFogNode(@Arg('id', () => ID) id: string, @Arg('cordoned', { defaultValue: true }) cordoned: boolean, @Ctx() ctx: Context): Promise<FogNodeType> {
    await assertAgentOf(ctx, id);
    await ctx.deps.fogNodes.setCordoned(id, inNamespaces(ctx.principal), cordoned);
    return nodeView(ctx, id);
  }

  @Mutation(() => FogNodeType, {
    description: 'Drain: no new fog jobs; on its next heartbeat the agent hands back the assignments still waiting in its queue and lets the running ones finish. `drained` turns true once nothing is scheduled on or running on it; cordonFogNode(cordoned: false) ends it',
  })
  async drainFogNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FogNodeType> {
    await assertAgentOf(ctx, id);
    await ctx.deps.fogNodes.drain(id, inNamespaces(ctx.principal));
    return nodeView(ctx, id);
  }

  @Query(() => [FogNodeType], { description: 'Fog nodes of the namespaces the caller may see' })
  async fogNodes(@Arg('namespace', () => String, { nullable: true }) namespace: string | null, @Ctx() ctx: Context): Promise<FogNodeType[]> {
    if (namespace != null) assertNamespace(ctx.principal, namespace);
    return nodeViews(ctx, await ctx.deps.fogNodes.list(inNamespaces(ctx.principal), namespace));
  }

  @Query(() => FogNodeType)
  fogNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FogNodeType> {
    return nodeView(ctx, id);
  }
}
