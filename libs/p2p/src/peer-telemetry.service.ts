/**
 * Signed peer telemetry: heartbeats and link reports, one at a time (GraphQL) or thousands
 * per request (`POST /v1/p2p/messages`). Every message is checked in order — envelope,
 * known peer, caller may write in its namespace, Ed25519 signature, payload shape, clock
 * skew, sequence number — and a rejected message is counted by reason and reported back by
 * index; the others of the batch still count.
 *
 * Cost per batch, whatever its size: one query for unknown keys (public keys are cached:
 * a peer's key never changes), one UPDATE for every heartbeat (the sequence guard, through
 * unnest), and for link reports one transaction (guard, link upsert, history ring buffer).
 * Replay protection is the guard `last_seq < seq` inside the UPDATE itself, so two API
 * instances racing with the same message accept it once.
 */
import type { KeyObject } from 'node:crypto';
import { Lru } from '@aivillage/cache';
import type { PrismaClient } from '@aivillage/db';
import type { PeerEventPayload } from '@aivillage/pubsub';
import type { Redis } from 'ioredis';
import { publicKeyObject, verifyPayload } from './identity.js';
import { MAX_PAYLOAD_BYTES, peerPayloadSchema, type HeartbeatPayload, type LinksPayload, type SignedMessage } from './messages.js';
import type { PeerGraphVersions } from './peer-graph.js';
import { P2PRates } from './rates.js';

export const REJECT_REASONS = ['MALFORMED', 'MISSING_SIGNATURE', 'BAD_SIGNATURE', 'UNKNOWN_PEER', 'FORBIDDEN', 'STALE', 'REPLAY'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  /** Position in the batch. */
  index: number;
  peerId: string | null;
  reason: RejectReason;
  message: string;
}

export interface IngestResult {
  accepted: number;
  heartbeats: number;
  linkReports: number;
  rejected: Rejection[];
}

interface PeerKey {
  key: KeyObject;
  namespaceId: string;
  namespace: string;
}

export interface PeerTelemetryDeps {
  prisma: PrismaClient;
  redis: Redis;
  redisPrefix: string;
  versions: PeerGraphVersions;
  rates: P2PRates;
  /** Reports are kept per link in a ring buffer of this many slots. */
  linkHistory: number;
  maxClockSkewMs: number;
  /** Announces peer events (one call per namespace per batch). */
  publish(namespace: string, events: PeerEventPayload[]): void;
  /** Every accepted and rejected message, for Prometheus. */
  onMessage?(kind: 'heartbeat' | 'links' | 'unknown', outcome: 'accepted' | RejectReason, count: number): void;
  /** Link latencies accepted, ms (Prometheus `p2p_message_latency_seconds`). */
  onLinkLatency?(latencyMs: number, successRate: number): void;
}

/** A link moved this much (relative) in any figure: a LINK_CHANGED event and a route rebuild. */
export const LINK_CHANGE_THRESHOLD = 0.2;

interface Checked {
  index: number;
  ns: PeerKey;
  payload: HeartbeatPayload | LinksPayload;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_CACHE_SIZE = 200_000;
const KEY_TTL_MS = 10 * 60_000;

export class PeerTelemetryService {
  private readonly keys = new Lru<PeerKey>(KEY_CACHE_SIZE);

  constructor(private readonly deps: PeerTelemetryDeps) {}

  /** Forgets a removed peer's key at once (other instances keep it until its entry expires; the guard UPDATE finds no row). */
  forget(peerId: string): void {
    this.keys.delete(peerId);
  }

  /**
   * Checks and stores a batch. `canWrite(namespace)` says whether the caller may report for
   * peers of that namespace (the signature proves which peer; the API key, on whose behalf).
   */
  async ingest(messages: readonly SignedMessage[], canWrite: (namespace: string) => boolean): Promise<IngestResult> {
    const rejected: Rejection[] = [];
    const reject = (index: number, peerId: string | null, reason: RejectReason, message: string) => {
      rejected.push({ index, peerId, reason, message });
    };
    const keys = await this.lookupKeys(messages);
    const now = Date.now();
    const checked: Checked[] = [];
    const linkTargets = new Set<string>();
    messages.forEach((m, index) => {
      const peerId = typeof m?.peerId === 'string' ? m.peerId : null;
      if (!peerId || !UUID.test(peerId) || typeof m.payload !== 'string') {
        return reject(index, peerId, 'MALFORMED', 'a message needs peerId (a peer id) and payload (a JSON string)');
      }
      if (Buffer.byteLength(m.payload) > MAX_PAYLOAD_BYTES) return reject(index, peerId, 'MALFORMED', `payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
      if (m.signature == null || m.signature === '') return reject(index, peerId, 'MISSING_SIGNATURE', 'the message is not signed');
      const ns = keys.get(peerId);
      if (!ns) return reject(index, peerId, 'UNKNOWN_PEER', `no peer ${peerId} is registered`);
      if (!canWrite(ns.namespace)) return reject(index, peerId, 'FORBIDDEN', `no write access to namespace ${JSON.stringify(ns.namespace)}`);
      if (!verifyPayload(ns.key, m.payload, m.signature)) return reject(index, peerId, 'BAD_SIGNATURE', "the signature does not match the peer's public key");
      let parsed;
      try {
        parsed = peerPayloadSchema.safeParse(JSON.parse(m.payload));
      } catch {
        return reject(index, peerId, 'MALFORMED', 'payload is not JSON');
      }
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return reject(index, peerId, 'MALFORMED', `payload.${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      const payload = parsed.data;
      if (payload.peer !== peerId) return reject(index, peerId, 'MALFORMED', 'payload.peer differs from peerId');
      if (Math.abs(payload.ts - now) > this.deps.maxClockSkewMs) {
        return reject(index, peerId, 'STALE', `payload.ts is more than ${this.deps.maxClockSkewMs} ms from the server's clock`);
      }
      if (payload.type === 'links') for (const l of payload.links) linkTargets.add(l.to);
      checked.push({ index, ns, payload });
    });

    // Link targets must be peers of the same namespace (checked before any sequence number is used up).
    const targets = linkTargets.size ? await this.lookupKeys([...linkTargets].map((peerId) => ({ peerId, payload: '' }))) : new Map<string, PeerKey>();
    const valid = checked.filter((c) => {
      if (c.payload.type !== 'links') return true;
      const bad = c.payload.links.findIndex((l) => targets.get(l.to)?.namespaceId !== c.ns.namespaceId || l.to === c.payload.peer);
      if (bad < 0) return true;
      const to = c.payload.links[bad].to;
      reject(c.index, c.payload.peer, 'MALFORMED', to === c.payload.peer
        ? `payload.links.${bad}.to: a peer cannot link to itself`
        : `payload.links.${bad}.to: no peer ${to} in namespace ${JSON.stringify(c.ns.namespace)}`);
      return false;
    });

    const { accepted, replays, events } = await this.store(valid);
    for (const c of replays) {
      reject(c.index, c.payload.peer, 'REPLAY', `seq ${c.payload.seq} is not above the last one accepted from this peer`);
    }
    rejected.sort((a, b) => a.index - b.index);

    for (const [namespace, list] of events) this.deps.publish(namespace, list);
    const heartbeats = accepted.filter((c) => c.payload.type === 'heartbeat').length;
    const linkReports = accepted.length - heartbeats;
    await this.count(accepted, rejected, keys);
    return { accepted: accepted.length, heartbeats, linkReports, rejected };
  }

  private async count(accepted: Checked[], rejected: Rejection[], keys: Map<string, PeerKey>): Promise<void> {
    const { rates, onMessage } = this.deps;
    const tally = new Map<string, number>();
    const add = (ns: string, kind: string, n = 1) => tally.set(`${ns}\u0000${kind}`, (tally.get(`${ns}\u0000${kind}`) ?? 0) + n);
    for (const c of accepted) add(c.ns.namespaceId, c.payload.type === 'heartbeat' ? 'heartbeat' : 'links');
    for (const r of rejected) add((r.peerId && keys.get(r.peerId)?.namespaceId) || '_', `rejected:${r.reason}`);
    await rates.add([...tally].map(([k, n]) => {
      const [namespaceId, kind] = k.split('\u0000');
      return { namespaceId, kind, count: n };
    })).catch(() => {}); // rates are best effort; the data is stored
    if (onMessage) {
      const hb = accepted.filter((c) => c.payload.type === 'heartbeat').length;
      if (hb) onMessage('heartbeat', 'accepted', hb);
      if (accepted.length - hb) onMessage('links', 'accepted', accepted.length - hb);
      for (const r of rejected) onMessage('unknown', r.reason, 1);
    }
  }

  /** Public keys and namespaces of the peers named, from the cache or one query. */
  private async lookupKeys(messages: readonly Pick<SignedMessage, 'peerId' | 'payload'>[]): Promise<Map<string, PeerKey>> {
    const out = new Map<string, PeerKey>();
    const missing = new Set<string>();
    for (const m of messages) {
      const id = m?.peerId;
      if (typeof id !== 'string' || !UUID.test(id) || out.has(id)) continue;
      const hit = this.keys.get(id);
      if (hit) out.set(id, hit);
      else missing.add(id);
    }
    if (missing.size) {
      const rows = await this.deps.prisma.$queryRaw<{ id: string; public_key: Uint8Array; namespace_id: string; namespace: string }[]>`
        SELECT p.id, p.public_key, p.namespace_id, n.name AS namespace
        FROM peers p JOIN namespaces n ON n.id = p.namespace_id
        WHERE p.id = ANY(${[...missing]}::uuid[])`;
      for (const r of rows) {
        const entry = { key: publicKeyObject(r.public_key), namespaceId: r.namespace_id, namespace: r.namespace };
        this.keys.set(r.id, entry, KEY_TTL_MS);
        out.set(r.id, entry);
      }
    }
    return out;
  }

  /**
   * Applies the sequence guard and writes. Messages of one peer in one batch are taken
   * together: a repeated seq is a replay of the first copy; the others are all accepted when
   * the smallest seq is above the stored one, else all refused as replays (a peer sends one
   * message at a time; a batch holding several of one peer comes from a relay).
   */
  private async store(checked: Checked[]): Promise<{ accepted: Checked[]; replays: Checked[]; events: Map<string, PeerEventPayload[]> }> {
    const events = new Map<string, PeerEventPayload[]>();
    if (checked.length === 0) return { accepted: [], replays: [], events };
    const byPeer = new Map<string, Checked[]>();
    for (const c of checked) {
      const list = byPeer.get(c.payload.peer);
      if (list) list.push(c);
      else byPeer.set(c.payload.peer, [c]);
    }
    const replays: Checked[] = [];
    const groups: { peer: string; min: number; max: number; battery: number | null; count: number; items: Checked[] }[] = [];
    for (const [peer, all] of byPeer) {
      // A copy of a message already in this batch is a replay of it.
      const bySeq = new Map<number, Checked>();
      const items: Checked[] = [];
      for (const c of all) {
        if (bySeq.has(c.payload.seq)) replays.push(c);
        else {
          bySeq.set(c.payload.seq, c);
          items.push(c);
        }
      }
      const seqs = items.map((c) => c.payload.seq);
      const latest = items.reduce((a, b) => (b.payload.seq > a.payload.seq ? b : a));
      const battery = [...items].sort((a, b) => b.payload.seq - a.payload.seq).find((c) => c.payload.type === 'heartbeat' && c.payload.battery !== undefined);
      groups.push({
        peer, min: Math.min(...seqs), max: latest.payload.seq,
        battery: battery?.payload.type === 'heartbeat' ? (battery.payload.battery ?? null) : null,
        count: items.filter((c) => c.payload.type === 'heartbeat').length, items,
      });
    }
    const hasLinks = checked.some((c) => c.payload.type === 'links');
    const replaysBefore = replays.length;
    groups.sort((a, b) => (a.peer < b.peer ? -1 : 1));
    const run = async (db: Pick<PrismaClient, '$queryRaw' | '$executeRaw'>) => {
      // The FROM subquery reads each row's status before the update: NEW/OFFLINE → ONLINE is a join.
      const updated = await db.$queryRaw<{ id: string; old_status: string; namespace_id: string }[]>`
        UPDATE peers p SET last_seq = v.max_seq, last_seen_at = now(), status = 'ONLINE',
          heartbeats = p.heartbeats + v.beats, battery_percent = COALESCE(v.battery, p.battery_percent)
        FROM (
          SELECT u.id, u.min_seq, u.max_seq, u.battery, u.beats, q.status AS old_status
          FROM unnest(${groups.map((g) => g.peer)}::uuid[], ${groups.map((g) => g.min)}::bigint[], ${groups.map((g) => g.max)}::bigint[],
                      ${groups.map((g) => g.battery)}::real[], ${groups.map((g) => g.count)}::int[]) AS u(id, min_seq, max_seq, battery, beats)
          JOIN peers q ON q.id = u.id
        ) v
        WHERE p.id = v.id AND p.last_seq < v.min_seq
        RETURNING p.id, v.old_status, p.namespace_id`;
      const ok = new Map(updated.map((r) => [r.id, r]));
      const accepted: Checked[] = [];
      for (const g of groups) {
        if (ok.has(g.peer)) accepted.push(...g.items);
        else replays.push(...g.items);
      }
      const linkEvents = hasLinks ? await this.writeLinks(db, accepted) : [];
      return { accepted, updated, linkEvents };
    };
    const { accepted, updated, linkEvents } = await retryOnDeadlock(() => {
      replays.length = replaysBefore;
      return hasLinks ? this.deps.prisma.$transaction((tx) => run(tx)) : run(this.deps.prisma);
    });

    const at = new Date().toISOString();
    const nsName = new Map(checked.map((c) => [c.ns.namespaceId, c.ns.namespace]));
    const push = (namespaceId: string, e: PeerEventPayload) => {
      const name = nsName.get(namespaceId)!;
      const list = events.get(name);
      if (list) list.push(e);
      else events.set(name, [e]);
    };
    const changedGraphs = new Set<string>();
    for (const r of updated) {
      if (r.old_status !== 'ONLINE') {
        push(r.namespace_id, { kind: 'JOINED', peerId: r.id, at });
        changedGraphs.add(r.namespace_id);
      }
    }
    for (const e of linkEvents) {
      push(e.namespaceId, { kind: 'LINK_CHANGED', peerId: e.from, at, link: e.link });
      changedGraphs.add(e.namespaceId);
    }
    if (changedGraphs.size) await this.deps.versions.bump([...changedGraphs]);
    return { accepted, replays, events };
  }

  /** Upserts the reported links and writes each report into its link's history ring buffer. */
  private async writeLinks(
    db: Pick<PrismaClient, '$queryRaw' | '$executeRaw'>,
    accepted: Checked[],
  ): Promise<{ namespaceId: string; from: string; link: NonNullable<PeerEventPayload['link']> }[]> {
    // Last report wins when one batch measures the same link twice.
    const rows = new Map<string, { ns: string; from: string; to: string; transport: string; lat: number; tput: number; ok: number }>();
    for (const c of accepted) {
      if (c.payload.type !== 'links') continue;
      for (const l of c.payload.links) {
        rows.set(`${c.payload.peer}|${l.to}|${l.transport}`, {
          ns: c.ns.namespaceId, from: c.payload.peer, to: l.to, transport: l.transport.toUpperCase(), lat: l.latencyMs, tput: l.throughputMbps, ok: l.successRate,
        });
        this.deps.onLinkLatency?.(l.latencyMs, l.successRate);
      }
    }
    if (rows.size === 0) return [];
    // Sorted, so concurrent batches lock link rows in the same order.
    const list = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
    const before = await db.$queryRaw<{ from_peer_id: string; to_peer_id: string; transport: string; latency_ms: number; throughput_mbps: number; success_rate: number }[]>`
      SELECT l.from_peer_id, l.to_peer_id, l.transport::text AS transport, l.latency_ms, l.throughput_mbps, l.success_rate
      FROM peer_links l
      JOIN unnest(${list.map((r) => r.from)}::uuid[], ${list.map((r) => r.to)}::uuid[], ${list.map((r) => r.transport)}::text[]) AS u(f, t, tr)
        ON l.from_peer_id = u.f AND l.to_peer_id = u.t AND l.transport = u.tr::"PeerTransport"`;
    const old = new Map(before.map((b) => [`${b.from_peer_id}|${b.to_peer_id}|${b.transport}`, b]));
    const returned = await db.$queryRaw<{ id: string; reports: number; from_peer_id: string; to_peer_id: string; transport: string }[]>`
      INSERT INTO peer_links AS l (id, namespace_id, from_peer_id, to_peer_id, transport, latency_ms, throughput_mbps, success_rate, reports, updated_at)
      SELECT gen_random_uuid(), u.ns, u.f, u.t, u.tr::"PeerTransport", u.lat, u.tput, u.ok, 1, now()
      FROM unnest(${list.map((r) => r.ns)}::uuid[], ${list.map((r) => r.from)}::uuid[], ${list.map((r) => r.to)}::uuid[], ${list.map((r) => r.transport)}::text[],
                  ${list.map((r) => r.lat)}::float8[], ${list.map((r) => r.tput)}::float8[], ${list.map((r) => r.ok)}::float8[])
        AS u(ns, f, t, tr, lat, tput, ok)
      ON CONFLICT (from_peer_id, to_peer_id, transport) DO UPDATE
        SET latency_ms = EXCLUDED.latency_ms, throughput_mbps = EXCLUDED.throughput_mbps, success_rate = EXCLUDED.success_rate,
            reports = l.reports + 1, updated_at = now()
      RETURNING l.id, l.reports, l.from_peer_id, l.to_peer_id, l.transport::text AS transport`;
    const byKey = new Map(returned.map((r) => [`${r.from_peer_id}|${r.to_peer_id}|${r.transport}`, r]));
    const upserted = list.map((r) => byKey.get(`${r.from}|${r.to}|${r.transport}`)!);
    const history = this.deps.linkHistory;
    await db.$executeRaw`
      INSERT INTO peer_link_samples AS s (link_id, slot, at, latency_ms, throughput_mbps, success_rate)
      SELECT u.id, (u.n - 1) % ${history}::int, now(), u.lat, u.tput, u.ok
      FROM unnest(${upserted.map((r) => r.id)}::uuid[], ${upserted.map((r) => r.reports)}::int[],
                  ${list.map((r) => r.lat)}::float8[], ${list.map((r) => r.tput)}::float8[], ${list.map((r) => r.ok)}::float8[])
        AS u(id, n, lat, tput, ok)
      ON CONFLICT (link_id, slot) DO UPDATE
        SET at = EXCLUDED.at, latency_ms = EXCLUDED.latency_ms, throughput_mbps = EXCLUDED.throughput_mbps, success_rate = EXCLUDED.success_rate`;
    const moved = (a: number, b: number) => Math.abs(a - b) > LINK_CHANGE_THRESHOLD * Math.max(Math.abs(a), Math.abs(b), 1e-9);
    const changes: { namespaceId: string; from: string; link: NonNullable<PeerEventPayload['link']> }[] = [];
    for (const r of list) {
      const o = old.get(`${r.from}|${r.to}|${r.transport}`);
      if (o && !moved(o.latency_ms, r.lat) && !moved(o.throughput_mbps, r.tput) && !moved(o.success_rate, r.ok)) continue;
      changes.push({
        namespaceId: r.ns, from: r.from,
        link: { toPeerId: r.to, transport: r.transport, latencyMs: r.lat, throughputMbps: r.tput, successRate: r.ok, isNew: !o },
      });
    }
    return changes;
  }
}

/** Runs `fn` again (up to twice) when Postgres chose it as a deadlock victim; the transaction was rolled back. */
async function retryOnDeadlock<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 2 || !/40P01|deadlock detected/i.test(String((error as Error)?.message ?? error))) throw error;
    }
  }
}
