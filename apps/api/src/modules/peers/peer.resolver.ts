/**
 * Peers: the P2P mesh registry, signed telemetry, routing, status, live events and the
 * propagation simulator. Thin: rules live in libs/p2p (PeerRegistryService,
 * PeerTelemetryService, MeshSimulationService); simulations run on workers. Writes need
 * DEVELOPER in the namespace; a peer's messages also need its signature.
 */
import { assertNamespace, canAccessNamespace, inNamespaces, roleIn, type Principal } from '@aivillage/auth';
import { AppError, ErrorCode } from '@aivillage/errors';
import type { IngestResult, RejectReason } from '@aivillage/p2p';
import type { PeerEventPayload, PeerEventsPayload } from '@aivillage/pubsub';
import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context.js';
import { MeshGraph, MeshTopologyType, PropagationSimulationType } from './mesh-simulation.type.js';
import { PeerFilter, RegisterPeerInput, SignedPeerMessageInput, SimulatePropagationInput, TransportMixInput } from './peer.input.js';
import { toMeshTopology, toPeer, toPeerLink, toPeerRoute, toSimulation } from './peer.mapper.js';
import {
  LinkDirection, P2PStatus, PeerConnection, PeerEvent, PeerEventKind, PeerLinkSample, PeerLinkType, PeerMessageResult, PeerTransport, PeerType, RouteResult,
} from './peer.type.js';

/** How a refused single message surfaces as a GraphQL error. */
const REJECT_CODES: Record<RejectReason, ErrorCode> = {
  MALFORMED: ErrorCode.BAD_USER_INPUT,
  MISSING_SIGNATURE: ErrorCode.UNAUTHENTICATED,
  BAD_SIGNATURE: ErrorCode.UNAUTHENTICATED,
  UNKNOWN_PEER: ErrorCode.NOT_FOUND,
  FORBIDDEN: ErrorCode.FORBIDDEN,
  STALE: ErrorCode.CONFLICT,
  REPLAY: ErrorCode.CONFLICT,
};

/** May the caller report for peers of `namespace`? (DEVELOPER or above there) */
export function canReport(p: Principal): (namespace: string) => boolean {
  return (namespace) => {
    const role = roleIn(p, namespace);
    return role === 'ADMIN' || role === 'DEVELOPER';
  };
}

@Resolver(() => PeerType)
export class PeerResolver {
  @Mutation(() => PeerType, { description: 'Registers a peer under its Ed25519 public key; CONFLICT when the key is taken' })
  async registerPeer(@Arg('input') input: RegisterPeerInput, @Ctx() ctx: Context): Promise<PeerType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const peer = await ctx.deps.peers.register(input);
    return toPeer(peer, input.namespace);
  }

  @Mutation(() => PeerType, { description: 'Removes a peer with its links and their history' })
  async removePeer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PeerType> {
    const peer = await this.load(id, ctx);
    assertNamespace(ctx.principal, peer.namespace, 'DEVELOPER');
    await ctx.deps.peers.remove(id, inNamespaces(ctx.principal));
    return peer;
  }

  @Mutation(() => PeerMessageResult, {
    description: 'Signed heartbeats and link reports, many at once (also POST /v1/p2p/messages). Each is checked on its own; refused ones are listed with their reason and counted',
  })
  sendPeerMessages(@Arg('messages', () => [SignedPeerMessageInput]) messages: SignedPeerMessageInput[], @Ctx() ctx: Context): Promise<IngestResult> {
    if (messages.length > ctx.deps.config.P2P_MESSAGE_BATCH_MAX) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `at most ${ctx.deps.config.P2P_MESSAGE_BATCH_MAX} messages per request (P2P_MESSAGE_BATCH_MAX)`);
    }
    return ctx.deps.peerTelemetry.ingest(messages, canReport(ctx.principal));
  }

  @Mutation(() => PeerType, { description: "One signed heartbeat (payload type 'heartbeat'); a refused one is an error whose extensions.reason says why" })
  peerHeartbeat(@Arg('message') message: SignedPeerMessageInput, @Ctx() ctx: Context): Promise<PeerType> {
    return this.single(message, 'heartbeat', ctx);
  }

  @Mutation(() => PeerType, { description: "One signed link report (payload type 'links'); a refused one is an error whose extensions.reason says why" })
  reportPeerLinks(@Arg('message') message: SignedPeerMessageInput, @Ctx() ctx: Context): Promise<PeerType> {
    return this.single(message, 'links', ctx);
  }

  @Query(() => PeerConnection, { description: 'Peers in the namespaces the caller may see, oldest first' })
  async peers(
    @Arg('filter', () => PeerFilter, { nullable: true }) filter: PeerFilter | null,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<PeerConnection> {
    if (filter?.namespace != null) assertNamespace(ctx.principal, filter.namespace);
    const page = await ctx.deps.peers.list({ visible: inNamespaces(ctx.principal), namespace: filter?.namespace, status: filter?.status, search: filter?.search, first, after });
    const names = await Promise.all(page.nodes.map((p) => ctx.loaders.namespaceById.load(p.namespaceId)));
    return {
      nodes: page.nodes.map((p, i) => toPeer(p, names[i]!.name)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.at(-1)?.id ?? null },
    };
  }

  @Query(() => PeerType, { description: 'One peer; NOT_FOUND when it does not exist or is not visible' })
  peer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PeerType> {
    return this.load(id, ctx);
  }

  @Query(() => RouteResult, {
    description: "Best path of at most 7 hops between two ONLINE peers under the guide's route score, with the transport per hop and alternatives; NO_ROUTE (extensions.reason) when there is none",
  })
  async route(
    @Arg('from', () => ID) from: string,
    @Arg('to', () => ID) to: string,
    @Arg('messageSize', () => Int, { description: 'Bytes' }) messageSize: number,
    @Arg('alternatives', () => Int, { defaultValue: 3, description: 'Next-best routes to return, 0..16' }) alternatives: number,
    @Ctx() ctx: Context,
  ): Promise<RouteResult> {
    if (!Number.isInteger(alternatives) || alternatives < 0 || alternatives > 16) throw new AppError(ErrorCode.BAD_USER_INPUT, 'alternatives must be 0 to 16');
    const p = ctx.principal;
    const r = await ctx.deps.peers.route({ from, to, messageSize, alternatives }, (namespace) => canAccessNamespace(p, namespace));
    return { best: toPeerRoute(r.best), alternatives: r.alternatives.map(toPeerRoute), computeMs: r.searchMs, graphBuiltAt: new Date(r.graphBuiltAt) };
  }

  @Query(() => P2PStatus, { description: 'Peers by status, transport and device class, link figures and message rates, in one namespace or all the caller may see' })
  async p2pStatus(@Arg('namespace', () => String, { nullable: true }) namespace: string | null, @Ctx() ctx: Context): Promise<P2PStatus> {
    return (await p2pStatusFor(ctx, namespace)) as P2PStatus;
  }

  @FieldResolver(() => [PeerLinkType], { description: 'Current links, per transport fastest first' })
  async links(
    @Root() peer: PeerType,
    @Arg('direction', () => LinkDirection, { defaultValue: LinkDirection.OUT }) direction: LinkDirection,
    @Ctx() ctx: Context,
  ): Promise<PeerLinkType[]> {
    const loader = direction === LinkDirection.OUT ? ctx.loaders.peerLinksOut : ctx.loaders.peerLinksIn;
    return (await loader.load(peer.id)).map(toPeerLink);
  }

  @Subscription(() => PeerEvent, {
    description: 'Peers joining (first heartbeat or back online), leaving (OFFLINE or removed), registering, and links appearing or changing by 20% or more, in one namespace',
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const namespace = args.namespace as string;
      assertNamespace(ctx.principal, namespace);
      return flatten(ctx.pubsub.subscribe('PEER_EVENTS'), namespace);
    },
  })
  peerEvents(@Root() e: PeerEventPayload & { namespace: string }, @Arg('namespace') _namespace: string): PeerEvent {
    return {
      kind: e.kind as PeerEventKind, peerId: e.peerId, namespace: e.namespace, at: new Date(e.at),
      link: e.link ? { ...e.link, transport: e.link.transport as PeerTransport } : null,
    };
  }

  private async single(message: SignedPeerMessageInput, type: 'heartbeat' | 'links', ctx: Context): Promise<PeerType> {
    if (!payloadHasType(message.payload, type)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `payload.type must be "${type}" for this mutation`, { details: { reason: 'MALFORMED' } });
    }
    const result = await ctx.deps.peerTelemetry.ingest([message], canReport(ctx.principal));
    const refused = result.rejected[0];
    if (refused) throw new AppError(REJECT_CODES[refused.reason], refused.message, { details: { reason: refused.reason } });
    return this.load(message.peerId, ctx);
  }

  private async load(id: string, ctx: Context): Promise<PeerType> {
    const peer = await ctx.deps.peers.get(id, inNamespaces(ctx.principal));
    const ns = await ctx.loaders.namespaceById.load(peer.namespaceId);
    return toPeer(peer, ns!.name);
  }
}

@Resolver(() => PeerLinkType)
export class PeerLinkFieldsResolver {
  @FieldResolver(() => PeerType, { description: 'The peer at the far end' })
  async to(@Root() link: PeerLinkType, @Ctx() ctx: Context): Promise<PeerType> {
    const peer = (await ctx.loaders.peerById.load(link.toPeerId))!;
    return toPeer(peer, (await ctx.loaders.namespaceById.load(peer.namespaceId))!.name);
  }

  @FieldResolver(() => [PeerLinkSample], { description: 'Reports over time, oldest first (at most P2P_LINK_HISTORY)' })
  history(@Root() link: PeerLinkType, @Arg('limit', () => Int, { defaultValue: 120 }) limit: number, @Ctx() ctx: Context): Promise<PeerLinkSample[]> {
    return ctx.loaders.peerLinkHistory(Math.min(Math.max(limit, 1), 10_000)).load(link.id);
  }
}

@Resolver(() => MeshTopologyType)
export class MeshSimulationResolver {
  @Mutation(() => MeshTopologyType, {
    description: 'Queues the generation of a seeded small-world mesh (same parameters, same graph); nodes above P2P_MAX_SIM_NODES are refused before any work',
  })
  async generateMeshTopology(
    @Arg('nodes', () => Int) nodes: number,
    @Arg('degree', () => Int, { description: 'Target average degree' }) degree: number,
    @Arg('transportMix', () => TransportMixInput) transportMix: TransportMixInput,
    @Arg('seed', () => Int) seed: number,
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Arg('mobileShare', () => Float, { nullable: true, description: 'Share of mobile peers (default 0.3)' }) mobileShare: number | null,
    @Ctx() ctx: Context,
  ): Promise<MeshTopologyType> {
    assertNamespace(ctx.principal, namespace, 'DEVELOPER');
    const row = await ctx.deps.meshSimulation.generateTopology({ namespace, name, nodes, degree, transportMix: { ...transportMix }, seed, mobileShare });
    return toMeshTopology(row, namespace);
  }

  @Mutation(() => PropagationSimulationType, { description: 'Queues a gossip propagation simulation; ttl above 16 is refused before any work' })
  async simulatePropagation(@Arg('input') input: SimulatePropagationInput, @Ctx() ctx: Context): Promise<PropagationSimulationType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const visible = inNamespaces(ctx.principal);
    const row = await ctx.deps.meshSimulation.simulate(input, { topology: visible, peer: visible });
    return toSimulation(row, input.namespace);
  }

  @Query(() => [MeshTopologyType], { description: 'Generated topologies, newest first' })
  async meshTopologies(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<MeshTopologyType[]> {
    if (namespace != null) assertNamespace(ctx.principal, namespace);
    const rows = await ctx.deps.meshSimulation.listTopologies(inNamespaces(ctx.principal), namespace, first);
    return Promise.all(rows.map(async (r) => toMeshTopology(r, (await ctx.loaders.namespaceById.load(r.namespaceId))!.name)));
  }

  @Query(() => MeshTopologyType)
  async meshTopology(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MeshTopologyType> {
    const row = await ctx.deps.meshSimulation.getTopology(id, inNamespaces(ctx.principal));
    return toMeshTopology(row, (await ctx.loaders.namespaceById.load(row.namespaceId))!.name);
  }

  @Query(() => [PropagationSimulationType], { description: 'Simulations, newest first' })
  async propagationSimulations(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('topologyId', () => ID, { nullable: true }) topologyId: string | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<PropagationSimulationType[]> {
    if (namespace != null) assertNamespace(ctx.principal, namespace);
    const rows = await ctx.deps.meshSimulation.listSimulations(inNamespaces(ctx.principal), { namespace, topologyId }, first);
    return Promise.all(rows.map(async (r) => toSimulation(r, (await ctx.loaders.namespaceById.load(r.namespaceId))!.name)));
  }

  @Query(() => PropagationSimulationType)
  async propagationSimulation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PropagationSimulationType> {
    const row = await ctx.deps.meshSimulation.getSimulation(id, inNamespaces(ctx.principal));
    return toSimulation(row, (await ctx.loaders.namespaceById.load(row.namespaceId))!.name);
  }

  @FieldResolver(() => MeshGraph, { nullable: true, description: 'Peers and links, for topologies of at most 2,000 peers (null above, or before it is generated)' })
  async graph(@Root() t: MeshTopologyType, @Ctx() ctx: Context): Promise<MeshGraph | null> {
    return ctx.loaders.meshGraphById.load(t.id) as Promise<MeshGraph | null>;
  }
}

@Resolver(() => PropagationSimulationType)
export class PropagationSimulationFieldsResolver {
  @FieldResolver(() => MeshTopologyType, { nullable: true, description: 'The generated topology it ran on (null: the registered peers)' })
  async topology(@Root() s: PropagationSimulationType, @Ctx() ctx: Context): Promise<MeshTopologyType | null> {
    if (!s.topologyId) return null;
    const row = await ctx.loaders.meshTopologyById.load(s.topologyId);
    return row ? toMeshTopology(row, s.namespace) : null;
  }
}

/** p2pStatus for one namespace (checked) or every namespace the caller may see. Shared with GET /v1/p2p/status. */
export async function p2pStatusFor(ctx: Pick<Context, 'principal' | 'deps'>, namespace: string | null) {
  const p = ctx.principal;
  if (namespace != null) {
    assertNamespace(p, namespace);
    const ns = await ctx.deps.prisma.namespace.findUnique({ where: { name: namespace }, select: { id: true } });
    return ctx.deps.peers.status(ns ? [ns.id] : []);
  }
  if (p.namespaces === 'all') return ctx.deps.peers.status(null);
  const rows = await ctx.deps.prisma.namespace.findMany({ where: { name: { in: p.namespaces } }, select: { id: true } });
  return ctx.deps.peers.status(rows.map((r) => r.id));
}

function payloadHasType(payload: string, type: string): boolean {
  try {
    return (JSON.parse(payload) as { type?: unknown })?.type === type;
  } catch {
    return true; // not JSON: let the pipeline refuse it with its own reason (after checking the signature)
  }
}

/** One event per item from the per-batch PEER_EVENTS messages of `namespace`. */
async function* flatten(source: AsyncIterable<PeerEventsPayload>, namespace: string): AsyncGenerator<PeerEventPayload & { namespace: string }> {
  for await (const batch of source) {
    if (batch.namespace !== namespace) continue;
    for (const e of batch.events) yield { ...e, namespace };
  }
}
