/**
 * Profiling (platform admins only): capture a CPU profile or heap snapshot of any live API
 * instance or worker process, poll the artifact, download it from GET /v1/profiles/:id.
 * Captures are audited. The work is in libs/observability (ProfilingService, ProfilingAgent).
 */
import { profileDownloadPath, profileFileName } from '@aivillage/observability';
import type { ProfileArtifactMeta, ProfilingTarget as TargetRow } from '@aivillage/observability/server';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import {
  ProfileArtifact, ProfileArtifactConnection, ProfileComponent, ProfileKind, ProfileStatus, ProfilingTarget,
} from './profiling.type.js';

export const toProfileArtifact = (a: ProfileArtifactMeta): ProfileArtifact => {
  const id = String(a.id);
  return {
    id, kind: a.kind as ProfileKind, status: a.status as ProfileStatus, targetInstance: a.targetInstance,
    targetComponent: a.targetComponent === 'api' ? ProfileComponent.API : ProfileComponent.WORKER, requestedBy: a.requestedBy,
    seconds: a.seconds, error: a.error, sizeBytes: a.sizeBytes, sha256: a.sha256, fileName: profileFileName(id, a.kind),
    downloadUrl: a.status === 'READY' ? profileDownloadPath(id) : null, createdAt: a.createdAt, startedAt: a.startedAt, finishedAt: a.finishedAt,
  };
};

const toTarget = (t: TargetRow, selfId: string): ProfilingTarget => ({
  ...t, component: t.component === 'api' ? ProfileComponent.API : ProfileComponent.WORKER, lastSeenAt: new Date(t.lastSeenAt), self: t.id === selfId,
});

@Resolver()
export class ProfilingResolver {
  @Authorized('ADMIN')
  @Query(() => [ProfilingTarget], { description: 'Live API instances and worker processes that can be profiled (this instance first)' })
  async profilingTargets(@Ctx() ctx: Context): Promise<ProfilingTarget[]> {
    return (await ctx.deps.profiling.targets()).map((t) => toTarget(t, ctx.deps.profiling.selfId));
  }

  @Authorized('ADMIN')
  @Query(() => ProfileArtifact, { nullable: true })
  async profileArtifact(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ProfileArtifact | null> {
    const a = await ctx.deps.profiling.get(id);
    return a ? toProfileArtifact(a) : null;
  }

  @Authorized('ADMIN')
  @Query(() => ProfileArtifactConnection, { description: 'Profile artifacts, newest first' })
  async profileArtifacts(
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProfileArtifactConnection> {
    const { nodes, hasNextPage } = await ctx.deps.profiling.list({ first, after });
    return { nodes: nodes.map(toProfileArtifact), pageInfo: { hasNextPage, endCursor: nodes.length ? String(nodes[nodes.length - 1].id) : null } };
  }

  @Authorized('ADMIN')
  @Mutation(() => ProfileArtifact, {
    description: 'Starts a V8 CPU profile of a live process (`target`: an instance id from profilingTargets, or `api` for this instance) for 1–60 seconds; returns the artifact at once (PENDING) — poll profileArtifact(id)',
  })
  async captureCpuProfile(@Arg('target') target: string, @Arg('seconds', () => Int) seconds: number, @Ctx() ctx: Context): Promise<ProfileArtifact> {
    return this.audited(ctx, 'profile.cpu', { target, seconds }, () => ctx.deps.profiling.captureCpuProfile(target, seconds, ctx.principal.label));
  }

  @Authorized('ADMIN')
  @Mutation(() => ProfileArtifact, { description: "Takes a V8 heap snapshot of a live process (pauses it while V8 walks the heap); returns the artifact at once (PENDING)" })
  async captureHeapSnapshot(@Arg('target') target: string, @Ctx() ctx: Context): Promise<ProfileArtifact> {
    return this.audited(ctx, 'profile.heap', { target }, () => ctx.deps.profiling.captureHeapSnapshot(target, ctx.principal.label));
  }

  private async audited(ctx: Context, action: string, details: Record<string, unknown>, run: () => Promise<ProfileArtifactMeta>): Promise<ProfileArtifact> {
    try {
      const a = await run();
      void ctx.deps.audit.record({ actor: ctx.principal, action, outcome: 'success', targetType: 'profile', targetId: String(a.id), details: { ...details, instance: a.targetInstance }, ...ctx.meta });
      return toProfileArtifact(a);
    } catch (error) {
      void ctx.deps.audit.record({ actor: ctx.principal, action, outcome: 'failure', details: { ...details, error: (error as Error).message }, ...ctx.meta });
      throw error;
    }
  }
}
