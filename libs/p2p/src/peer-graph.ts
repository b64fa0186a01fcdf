/**
 * The registered mesh as a routable graph. Links are reported per direction; routing and
 * simulation treat a link as usable both ways, with the WORSE of the two directions' figures
 * per transport (higher latency, lower throughput, lower success rate) — a route is only as
 * good as its weakest report. Only ONLINE peers take part.
 *
 * Per namespace, the built graph (and its search index) is cached in each API process and
 * rebuilt when the namespace's graph version in Redis changes: writers bump it when a peer
 * joins or leaves or a link changes noticeably (see LINK_CHANGE_THRESHOLD), from any API
 * instance or worker. Readers look at the version at most every `checkEveryMs`.
 */
import type { PrismaClient } from '@aivillage/db';
import type { Redis } from 'ioredis';
import { indexGraph, type GraphIndex, type Link, type LinkTransport, type P2PGraph } from './graph.js';
import { TRANSPORTS, type TransportKind } from './transports.js';

export class PeerGraphVersions {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(namespaceId: string): string {
    return `${this.prefix}:p2p:graph-version:${namespaceId}`;
  }

  async bump(namespaceIds: readonly string[]): Promise<void> {
    if (namespaceIds.length === 0) return;
    const pipe = this.redis.pipeline();
    for (const ns of namespaceIds) pipe.incr(this.key(ns));
    await pipe.exec();
  }

  async get(namespaceId: string): Promise<number> {
    return Number((await this.redis.get(this.key(namespaceId))) ?? 0);
  }
}

/** Midpoint of a transport's modelled range: the figure used where peers report none (set-up, battery). */
const mid = (kind: TransportKind, field: 'setupMs' | 'batteryImpact') => (TRANSPORTS[kind][field].min + TRANSPORTS[kind][field].max) / 2;

export interface PeerGraphSnapshot {
  graph: P2PGraph;
  /** Registered peers that are not ONLINE (excluded from the graph), for clear NO_ROUTE reasons. */
  offline: ReadonlyMap<string, string>;
  builtAt: number;
  buildMs: number;
}

/** Loads the namespace's ONLINE peers and their links, merging the two directions of each link. */
export async function loadPeerGraph(prisma: PrismaClient, namespaceId: string): Promise<PeerGraphSnapshot> {
  const t0 = performance.now();
  const [peers, links] = await Promise.all([
    prisma.$queryRaw<{ id: string; device_class: string; status: string }[]>`
      SELECT id, device_class::text, status::text FROM peers WHERE namespace_id = ${namespaceId}::uuid`,
    prisma.$queryRaw<{ f: string; t: string; tr: string; lat: number; tput: number; ok: number }[]>`
      SELECT l.from_peer_id AS f, l.to_peer_id AS t, lower(l.transport::text) AS tr, l.latency_ms AS lat, l.throughput_mbps AS tput, l.success_rate AS ok
      FROM peer_links l WHERE l.namespace_id = ${namespaceId}::uuid`,
  ]);
  const online = new Set<string>();
  const offline = new Map<string, string>();
  const graphPeers = [];
  for (const p of peers) {
    if (p.status === 'ONLINE') {
      online.add(p.id);
      graphPeers.push({ id: p.id, mobile: p.device_class === 'MOBILE' });
    } else offline.set(p.id, p.status);
  }
  const pairs = new Map<string, { a: string; b: string; byTransport: Map<TransportKind, LinkTransport> }>();
  for (const l of links) {
    if (!online.has(l.f) || !online.has(l.t)) continue;
    const [a, b] = l.f < l.t ? [l.f, l.t] : [l.t, l.f];
    const key = `${a}|${b}`;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { a, b, byTransport: new Map() }));
    const kind = l.tr as TransportKind;
    const seen = pair.byTransport.get(kind);
    pair.byTransport.set(kind, {
      transport: kind,
      latencyMs: Math.max(seen?.latencyMs ?? 0, l.lat),
      throughputMbps: Math.min(seen?.throughputMbps ?? Infinity, l.tput),
      successRate: Math.min(seen?.successRate ?? 1, l.ok),
      setupMs: mid(kind, 'setupMs'),
      batteryImpact: mid(kind, 'batteryImpact'),
    });
  }
  const graphLinks: Link[] = [...pairs.values()].map((p) => ({ a: p.a, b: p.b, transports: [...p.byTransport.values()] }));
  return { graph: { peers: graphPeers, links: graphLinks }, offline, builtAt: Date.now(), buildMs: performance.now() - t0 };
}

interface Entry {
  version: number;
  checkedAt: number;
  snapshot: Promise<PeerGraphSnapshot & { index: GraphIndex }>;
}

export class PeerGraphCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly deps: { prisma: PrismaClient; versions: PeerGraphVersions; checkEveryMs?: number },
  ) {}

  /** The namespace's graph, indexed; rebuilt (once, however many callers wait) when its version moved. */
  async get(namespaceId: string): Promise<PeerGraphSnapshot & { index: GraphIndex }> {
    const now = Date.now();
    const entry = this.entries.get(namespaceId);
    if (entry && now - entry.checkedAt < (this.deps.checkEveryMs ?? 250)) return entry.snapshot;
    const version = await this.deps.versions.get(namespaceId);
    const current = this.entries.get(namespaceId);
    if (current && current.version === version) {
      current.checkedAt = now;
      return current.snapshot;
    }
    const snapshot = loadPeerGraph(this.deps.prisma, namespaceId).then((s) => ({ ...s, index: indexGraph(s.graph) }));
    const next: Entry = { version, checkedAt: now, snapshot };
    this.entries.set(namespaceId, next);
    snapshot.catch(() => {
      if (this.entries.get(namespaceId) === next) this.entries.delete(namespaceId);
    });
    return snapshot;
  }

  /** Drops this process's copy (after a local write; other processes follow the version). */
  invalidate(namespaceId: string): void {
    this.entries.delete(namespaceId);
  }
}
