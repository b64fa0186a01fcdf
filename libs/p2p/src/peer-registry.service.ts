/**
 * The mesh registry: register and remove peers, read peers, links and link history, route
 * between peers, summarise the mesh (p2pStatus) and sweep silent peers OFFLINE. Telemetry
 * (heartbeats, link reports) is peer-telemetry.service.ts.
 */
import { Lru } from '@aivillage/cache';
import { AppError, ErrorCode, badInput, conflict, notFound } from '@aivillage/errors';
import { Prisma, type Peer, type PrismaClient } from '@aivillage/db';
import type { PeerEventPayload } from '@aivillage/pubsub';
import { parsePublicKey } from './identity.js';
import type { PeerGraphCache, PeerGraphVersions } from './peer-graph.js';
import type { P2PRates } from './rates.js';
import { REJECT_REASONS } from './peer-telemetry.service.js';
import { bestRoute, type Route } from './route.js';
import { TRANSPORT_KINDS } from './transports.js';

export const DEVICE_CLASSES = ['MOBILE', 'DESKTOP', 'SERVER'] as const;
export type DeviceClassName = (typeof DEVICE_CLASSES)[number];
export type TransportName = 'BLE' | 'HTX' | 'QUIC';

export interface RegisterPeerInput {
  namespace: string;
  publicKey: string;
  displayName: string;
  deviceClass: DeviceClassName;
  region?: string | null;
  transports: { transport: TransportName; address: string }[];
}

export interface ListPeersInput {
  visible: Prisma.PeerWhereInput;
  namespace?: string | null;
  status?: Peer['status'] | null;
  search?: string | null;
  first: number;
  after?: string | null;
}

/** The mesh route cap: the BLE mesh's hop range in the guide. */
export const ROUTE_MAX_HOPS = 7;
export const MAX_MESSAGE_SIZE = 1 << 30;

export interface PeerRegistryDeps {
  prisma: PrismaClient;
  versions: PeerGraphVersions;
  graphs?: PeerGraphCache;
  rates?: P2PRates;
  publish(namespace: string, events: PeerEventPayload[]): void | Promise<void>;
  /** Called after a peer is removed (drop cached keys). */
  onRemoved?(peerId: string): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface P2PStatus {
  peers: number;
  byStatus: { status: string; count: number }[];
  byTransport: { transport: string; peers: number; links: number }[];
  byDeviceClass: { deviceClass: string; count: number }[];
  links: number;
  averageLatencyMs: number | null;
  averageSuccessRate: number | null;
  /** Messages per second over the last 10 s, across API instances. */
  heartbeatsPerSecond: number;
  linkReportsPerSecond: number;
  rejectedPerSecond: number;
  rejectedByReason: { reason: string; perSecond: number }[];
  healthy: boolean;
  /** Why not healthy (empty when healthy). */
  problems: string[];
}

interface PeerHome {
  namespaceId: string;
  namespace: string;
}

export class PeerRegistryService {
  private readonly homes = new Lru<PeerHome>(200_000);

  constructor(private readonly deps: PeerRegistryDeps) {}

  async register(input: RegisterPeerInput): Promise<Peer> {
    const { prisma } = this.deps;
    let raw: Buffer;
    try {
      raw = parsePublicKey(input.publicKey).raw;
    } catch (error) {
      throw badInput((error as Error).message, { field: 'publicKey' });
    }
    const displayName = input.displayName.trim();
    if (displayName.length < 1 || displayName.length > 128) throw badInput('displayName must be 1 to 128 characters', { field: 'displayName' });
    if (input.region != null && (input.region.length < 1 || input.region.length > 64)) throw badInput('region must be 1 to 64 characters', { field: 'region' });
    if (input.transports.length > 3) throw badInput('transports: at most one entry per transport (BLE, HTX, QUIC)', { field: 'transports' });
    const seen = new Set<string>();
    for (const [i, t] of input.transports.entries()) {
      if (seen.has(t.transport)) throw badInput(`transports.${i}.transport: ${t.transport} is listed twice`, { field: 'transports' });
      seen.add(t.transport);
      if (t.address.length < 1 || t.address.length > 256) throw badInput(`transports.${i}.address must be 1 to 256 characters`, { field: 'transports' });
    }
    const ns = await prisma.namespace.findUnique({ where: { name: input.namespace }, select: { id: true } });
    if (!ns) throw notFound('Namespace', input.namespace);
    try {
      const peer = await prisma.peer.create({
        data: {
          namespaceId: ns.id, publicKey: new Uint8Array(raw), displayName, deviceClass: input.deviceClass, region: input.region ?? null,
          transports: input.transports.map((t) => ({ transport: t.transport, address: t.address })),
        },
      });
      await this.deps.publish(input.namespace, [{ kind: 'REGISTERED', peerId: peer.id, at: new Date().toISOString() }]);
      return peer;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw conflict('A peer with this public key is already registered');
      throw error;
    }
  }

  async remove(id: string, visible: Prisma.PeerWhereInput): Promise<Peer> {
    const peer = await this.get(id, visible);
    const ns = await this.deps.prisma.namespace.findUniqueOrThrow({ where: { id: peer.namespaceId }, select: { name: true } });
    await this.deps.prisma.peer.delete({ where: { id } });
    this.deps.onRemoved?.(id);
    this.homes.delete(id);
    await this.deps.versions.bump([peer.namespaceId]);
    this.deps.graphs?.invalidate(peer.namespaceId);
    await this.deps.publish(ns.name, [{ kind: 'REMOVED', peerId: id, at: new Date().toISOString() }]);
    return peer;
  }

  async get(id: string, visible: Prisma.PeerWhereInput): Promise<Peer> {
    if (!UUID.test(id)) throw notFound('Peer', id);
    const peer = await this.deps.prisma.peer.findFirst({ where: { AND: [{ id }, visible] } });
    if (!peer) throw notFound('Peer', id);
    return peer;
  }

  async list(input: ListPeersInput): Promise<{ nodes: Peer[]; hasNextPage: boolean }> {
    const first = Math.min(Math.max(input.first, 1), 10_000);
    if (input.after != null && !UUID.test(input.after)) throw badInput('after: not a cursor from this list', { field: 'after' });
    const where: Prisma.PeerWhereInput = {
      AND: [
        input.visible,
        input.namespace ? { namespace: { name: input.namespace } } : {},
        input.status ? { status: input.status } : {},
        input.search ? { displayName: { contains: input.search, mode: 'insensitive' } } : {},
      ],
    };
    const rows = await this.deps.prisma.peer.findMany({
      where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: first + 1,
      ...(input.after ? { cursor: { id: input.after }, skip: 1 } : {}),
    });
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /**
   * Best route of at most ROUTE_MAX_HOPS hops between two ONLINE peers of one namespace, with
   * alternatives. NO_ROUTE (with `reason`) when there is none; NOT_FOUND for a peer that does
   * not exist or that the caller may not see (`canSee(namespace)`).
   *
   * The hot path touches no database: a peer's namespace never changes, so it is cached, and
   * the graph comes from the cache (one Redis GET every 250 ms at most).
   */
  async route(
    input: { from: string; to: string; messageSize: number; alternatives?: number },
    canSee: (namespace: string) => boolean,
  ): Promise<{ best: Route; alternatives: readonly Route[]; namespaceId: string; graphBuiltAt: number; searchMs: number }> {
    if (!Number.isInteger(input.messageSize) || input.messageSize < 1 || input.messageSize > MAX_MESSAGE_SIZE) {
      throw badInput(`messageSize must be 1 to ${MAX_MESSAGE_SIZE} bytes`, { field: 'messageSize' });
    }
    if (input.from === input.to) throw badInput('from and to must be different peers', { field: 'to' });
    const [from, to] = await Promise.all([this.homeOf(input.from), this.homeOf(input.to)]);
    for (const [home, id] of [[from, input.from], [to, input.to]] as const) {
      if (!home || !canSee(home.namespace)) throw notFound('Peer', id);
    }
    if (from!.namespaceId !== to!.namespaceId) throw noRoute('from and to are in different namespaces (meshes)', 'different-namespaces');
    if (!this.deps.graphs) throw new Error('PeerRegistryService.route needs a graph cache');
    const snap = await this.deps.graphs.get(from!.namespaceId);
    for (const [id, field] of [[input.from, 'from'], [input.to, 'to']] as const) {
      if (snap.index.idOf.has(id)) continue;
      const row = await this.deps.prisma.peer.findUnique({ where: { id }, select: { status: true } });
      if (!row) throw notFound('Peer', id);
      throw noRoute(`${field} peer ${id} is ${row.status}: only ONLINE peers route`, 'peer-offline');
    }
    const t0 = performance.now();
    const result = bestRoute(snap.index, input.from, input.to, { messageSize: input.messageSize, maxHops: ROUTE_MAX_HOPS, alternatives: input.alternatives ?? 3 });
    const searchMs = performance.now() - t0;
    if (!result.found) {
      throw result.reason === 'disconnected'
        ? noRoute(`no path between ${input.from} and ${input.to} over ONLINE peers`, 'disconnected')
        : noRoute(`the shortest path has ${result.minHops} hops, more than the ${ROUTE_MAX_HOPS} allowed`, 'beyond-max-hops', { minHops: result.minHops });
    }
    return { best: result.best, alternatives: result.alternatives, namespaceId: from!.namespaceId, graphBuiltAt: snap.builtAt, searchMs };
  }

  /** The namespace a peer belongs to (immutable, so cached); null when there is no such peer. */
  private async homeOf(id: string): Promise<PeerHome | null> {
    if (!UUID.test(id)) return null;
    const hit = this.homes.get(id);
    if (hit) return hit;
    const row = await this.deps.prisma.peer.findUnique({ where: { id }, select: { namespaceId: true, namespace: { select: { name: true } } } });
    if (!row) return null;
    const home = { namespaceId: row.namespaceId, namespace: row.namespace.name };
    this.homes.set(id, home, 10 * 60_000);
    return home;
  }

  /** Peers by status, transport and device class, link figures and message rates, over `namespaceIds` (null: all). */
  async status(namespaceIds: string[] | null): Promise<P2PStatus> {
    const { prisma } = this.deps;
    const nsFilter = namespaceIds === null ? Prisma.sql`TRUE` : Prisma.sql`namespace_id = ANY(${namespaceIds}::uuid[])`;
    const [byStatus, byClass, byTransportPeers, linkRows] = await Promise.all([
      prisma.$queryRaw<{ status: string; n: bigint }[]>`SELECT status::text, count(*) AS n FROM peers WHERE ${nsFilter} GROUP BY status`,
      prisma.$queryRaw<{ device_class: string; n: bigint }[]>`SELECT device_class::text, count(*) AS n FROM peers WHERE ${nsFilter} GROUP BY device_class`,
      prisma.$queryRaw<{ transport: string; n: bigint }[]>`
        SELECT t->>'transport' AS transport, count(*) AS n FROM peers, jsonb_array_elements(transports) t WHERE ${nsFilter} GROUP BY 1`,
      prisma.$queryRaw<{ transport: string; n: bigint; lat: number | null; ok: number | null }[]>`
        SELECT transport::text, count(*) AS n, avg(latency_ms) AS lat, avg(success_rate) AS ok FROM peer_links WHERE ${nsFilter} GROUP BY transport`,
    ]);
    const num = (v: bigint | number) => Number(v);
    const peers = byStatus.reduce((s, r) => s + num(r.n), 0);
    const links = linkRows.reduce((s, r) => s + num(r.n), 0);
    const weighted = (f: 'lat' | 'ok') => (links ? linkRows.reduce((s, r) => s + (r[f] ?? 0) * num(r.n), 0) / links : null);
    let rates: Record<string, number> = {};
    if (this.deps.rates) {
      const ids = namespaceIds ?? (await prisma.namespace.findMany({ select: { id: true } })).map((n) => n.id);
      // Rejections of messages naming no known peer belong to no namespace: platform-wide views see them.
      if (namespaceIds === null) ids.push('_');
      rates = await this.deps.rates.rates(ids, ['heartbeat', 'links', ...REJECT_REASONS.map((r) => `rejected:${r}`)]);
    }
    const rejectedByReason = REJECT_REASONS.map((reason) => ({ reason, perSecond: rates[`rejected:${reason}`] ?? 0 }));
    const heartbeatsPerSecond = rates.heartbeat ?? 0;
    const linkReportsPerSecond = rates.links ?? 0;
    const rejectedPerSecond = rejectedByReason.reduce((s, r) => s + r.perSecond, 0);
    const statusCount = (s: string) => num(byStatus.find((r) => r.status === s)?.n ?? 0);
    const problems: string[] = [];
    if (peers > 0 && statusCount('ONLINE') === 0) problems.push('no peer is ONLINE');
    else if (peers > 0 && statusCount('OFFLINE') / peers > 0.2) problems.push(`${statusCount('OFFLINE')} of ${peers} peers are OFFLINE`);
    const total = heartbeatsPerSecond + linkReportsPerSecond + rejectedPerSecond;
    if (total > 0 && rejectedPerSecond / total > 0.05) problems.push(`${((100 * rejectedPerSecond) / total).toFixed(1)}% of messages are rejected`);
    const avgOk = weighted('ok');
    if (avgOk !== null && avgOk < 0.9) problems.push(`average link success rate ${(avgOk * 100).toFixed(1)}% is below 90%`);
    return {
      peers,
      byStatus: ['NEW', 'ONLINE', 'OFFLINE'].map((status) => ({ status, count: statusCount(status) })),
      byTransport: TRANSPORT_KINDS.map((k) => k.toUpperCase()).map((transport) => ({
        transport,
        peers: num(byTransportPeers.find((r) => r.transport === transport)?.n ?? 0),
        links: num(linkRows.find((r) => r.transport === transport)?.n ?? 0),
      })),
      byDeviceClass: DEVICE_CLASSES.map((deviceClass) => ({ deviceClass, count: num(byClass.find((r) => r.device_class === deviceClass)?.n ?? 0) })),
      links,
      averageLatencyMs: weighted('lat'),
      averageSuccessRate: avgOk,
      heartbeatsPerSecond,
      linkReportsPerSecond,
      rejectedPerSecond,
      rejectedByReason,
      healthy: problems.length === 0,
      problems,
    };
  }
}

export function noRoute(message: string, reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.NO_ROUTE, message, { details: { reason, ...details } });
}

/**
 * Marks ONLINE peers silent for longer than `timeoutMs` OFFLINE, announces that they left and
 * bumps their namespaces' graph versions. Idempotent; safe from several workers at once.
 */
export async function sweepPeers(
  deps: { prisma: PrismaClient; versions: PeerGraphVersions; publish(namespace: string, events: PeerEventPayload[]): Promise<void> },
  timeoutMs: number,
): Promise<{ offline: number }> {
  const rows = await deps.prisma.$queryRaw<{ id: string; namespace_id: string; namespace: string }[]>`
    UPDATE peers p SET status = 'OFFLINE'
    FROM namespaces n
    WHERE n.id = p.namespace_id AND p.status = 'ONLINE' AND p.last_seen_at < now() - make_interval(secs => ${timeoutMs / 1000}::float8)
    RETURNING p.id, p.namespace_id, n.name AS namespace`;
  if (rows.length === 0) return { offline: 0 };
  const at = new Date().toISOString();
  const byNs = new Map<string, PeerEventPayload[]>();
  for (const r of rows) {
    const list = byNs.get(r.namespace) ?? [];
    list.push({ kind: 'LEFT', peerId: r.id, at });
    byNs.set(r.namespace, list);
  }
  await deps.versions.bump([...new Set(rows.map((r) => r.namespace_id))]);
  for (const [ns, events] of byNs) await deps.publish(ns, events);
  return { offline: rows.length };
}
