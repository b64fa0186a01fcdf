/**
 * Loading graph snapshots (graph-snapshot.ts) and keeping them per namespace in one process:
 * `loadGraphSnapshot` reads a namespace's graph in one transaction; `GraphSnapshots` hands out
 * the snapshot of a namespace only at the exact version it was loaded at, rebuilds in the
 * background (debounced, one build at a time) and bounds the relations held.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import pg from 'pg';
import { ENTITY_TYPES } from './graph-model.js';
import { bothWaysCsr, GraphSnapshot, groupBy, strongestFirst, type SnapshotRelationData } from './graph-snapshot.js';

/** Relations per row of the packed relation query (bounds the size of one hex string). */
const RELATIONS_PER_ROW = 65_536;
/** subject index, object index (int4), id (uuid), confidence (float8), evidence chunk index (int4, −1 for none). */
const RECORD_BYTES = 36;

/**
 * Reads a namespace's graph in one REPEATABLE READ transaction (entities and relations agree):
 * entities in key order; the evidence chunks' ids in uuid order; every relation as a
 * RECORD_BYTES record packed into byteas of RELATIONS_PER_ROW, in relation-id order — a few
 * rows however many relations, no per-row parsing (hex on the wire: node-postgres reads
 * results as text). `tooBig` (nothing else read) when the namespace holds more than
 * `maxRelations` relations.
 */
export async function loadGraphSnapshot(pool: pg.Pool, namespaceId: string, version: string, maxRelations: number): Promise<GraphSnapshot | { tooBig: true; relations: number }> {
  const started = performance.now();
  const client = await pool.connect();
  let entities: pg.QueryResult<unknown[]>;
  let chunkIds: Buffer;
  let rel: SnapshotRelationData;
  let relationIds: Buffer;
  let m: number;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const counted = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT 1 FROM relations WHERE namespace_id = $1 LIMIT $2) r', [namespaceId, maxRelations + 1])).rows[0].n);
    if (counted > maxRelations) {
      await client.query('COMMIT');
      client.release();
      return { tooBig: true, relations: counted };
    }
    entities = await client.query<unknown[]>({
      text: `SELECT id::text, key, name, type::text, aliases, round(extract(epoch FROM created_at) * 1000)::float8
               FROM entities WHERE namespace_id = $1 ORDER BY key COLLATE "C"`,
      values: [namespaceId],
      rowMode: 'array',
    });
    const evidence = `SELECT DISTINCT evidence_chunk_id AS id FROM relations WHERE namespace_id = $1 AND evidence_chunk_id IS NOT NULL`;
    chunkIds = (await client.query<{ packed: Buffer | null }>(`SELECT string_agg(uuid_send(id), ''::bytea ORDER BY id) AS packed FROM (${evidence}) c`, [namespaceId])).rows[0].packed ?? Buffer.alloc(0);
    // Decoded row by row as they arrive (not accumulated): one part's hex string at a time.
    m = counted;
    rel = { src: new Int32Array(m), dst: new Int32Array(m), confidence: new Float64Array(m), evidence: new Int32Array(m), chunkIds };
    relationIds = Buffer.allocUnsafe(16 * m);
    let e = 0;
    const decode = (part: Buffer) => {
      if (e + part.length / RECORD_BYTES > m) throw new Error('more relations than counted in the same transaction');
      for (let at = 0; at < part.length; at += RECORD_BYTES, e++) {
        rel.src[e] = part.readInt32BE(at);
        rel.dst[e] = part.readInt32BE(at + 4);
        part.copy(relationIds, 16 * e, at + 8, at + 24);
        rel.confidence[e] = part.readDoubleBE(at + 24);
        rel.evidence[e] = part.readInt32BE(at + 32);
      }
    };
    await streamRows<{ packed: Buffer }>(client, {
      text: `WITH e AS (SELECT id, (row_number() OVER (ORDER BY key COLLATE "C") - 1)::int AS i FROM entities WHERE namespace_id = $1),
                  ch AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM (${evidence}) c),
                  rec AS (
                    SELECT r.id, (row_number() OVER (ORDER BY r.id) - 1) / ${RELATIONS_PER_ROW} AS part,
                           int4send(s.i) || int4send(o.i) || uuid_send(r.id) || float8send(r.confidence) || int4send(coalesce(ch.i, -1)) AS bytes
                      FROM relations r JOIN e s ON s.id = r.subject_id JOIN e o ON o.id = r.object_id LEFT JOIN ch ON ch.id = r.evidence_chunk_id
                     WHERE r.namespace_id = $1)
             SELECT string_agg(bytes, ''::bytea ORDER BY id) AS packed FROM rec GROUP BY part ORDER BY part`,
      values: [namespaceId],
    }, (row) => decode(row.packed));
    await client.query('COMMIT');
    if (e < m) {
      // Only relations whose endpoints are the namespace's own entities (all of them, by the foreign keys).
      m = e;
      rel = { src: rel.src.subarray(0, m), dst: rel.dst.subarray(0, m), confidence: rel.confidence.subarray(0, m), evidence: rel.evidence.subarray(0, m), chunkIds };
      relationIds = relationIds.subarray(0, 16 * m);
    }
  } catch (err) {
    await client.query('ROLLBACK').then(() => client.release(), (e: Error) => client.release(e));
    throw err;
  }
  client.release();

  await nextTurn();
  const n = entities.rows.length;
  const ids = new Array<string>(n);
  const keys = new Array<string>(n);
  const names = new Array<string>(n);
  const types = new Uint8Array(n);
  const aliases = new Array<readonly string[] | null>(n);
  const createdAt = new Float64Array(n);
  entities.rows.forEach((row, i) => {
    const [id, key, name, type, al, created] = row as [string, string, string, string, string[] | null, number];
    ids[i] = id;
    keys[i] = key;
    names[i] = name === key ? key : name;
    types[i] = Math.max(0, (ENTITY_TYPES as readonly string[]).indexOf(type));
    aliases[i] = al && al.length > 0 ? al : null;
    createdAt[i] = created;
  });
  await nextTurn();
  // indexRelations, a pass at a time: the API keeps answering in between.
  const csr = bothWaysCsr(n, rel.src, rel.dst);
  await nextTurn();
  const byStrength = strongestFirst(rel.confidence);
  await nextTurn();
  const asSubject = groupBy(n, rel.src, byStrength);
  await nextTurn();
  const asObject = groupBy(n, rel.dst, byStrength);
  await nextTurn();
  return new GraphSnapshot(namespaceId, version, ids, keys, names, types, aliases, createdAt, relationIds, { csr, asSubject, asObject }, rel, performance.now() - started);
}

/** Runs a query whose rows are handed to `onRow` as they arrive and never accumulated. */
function streamRows<R>(client: pg.PoolClient, config: pg.QueryConfig, onRow: (row: R) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(config);
    let failed = false;
    query.on('row', (row: R) => {
      if (failed) return;
      try {
        onRow(row);
      } catch (err) {
        failed = true;
        reject(err);
      }
    });
    query.on('error', reject);
    query.on('end', () => (failed ? undefined : resolve()));
    client.query(query);
  });
}

export interface GraphSnapshotsOptions {
  pool: pg.Pool;
  /** How a snapshot is read (default `loadGraphSnapshot` on `pool`); tests pass their own. */
  load?(namespaceId: string, version: string, maxRelations: number): Promise<GraphSnapshot | { tooBig: true; relations: number }>;
  /** The namespace's current version (KnowledgeCache.version). */
  version(namespaceId: string): Promise<string>;
  /** KNOWLEDGE_GRAPH_SNAPSHOT_MAX_RELATIONS: relations held in all snapshots together, at most; 0 = never build. */
  maxRelations: number;
  /** A build starts once the namespace's version has held still this long (default 250 ms). */
  debounceMs?: number;
  /** A snapshot unused this long is dropped (default 15 minutes). */
  idleMs?: number;
  /** After each build (or refusal) and eviction: what is held now, for metrics. */
  onChange?(held: readonly GraphSnapshot[]): void;
  onError?(namespaceId: string, err: unknown): void;
}

/** A failed build is retried no sooner than this; a namespace found too big is counted again no sooner than this. */
const RETRY_AFTER_FAILURE_MS = 10_000;
const TOO_BIG_RECHECK_MS = 60_000;

interface Slot {
  snapshot: GraphSnapshot | null;
  usedAt: number;
  /** The newest version a caller asked for, and when it was first seen. */
  wanted: string | null;
  wantedSince: number;
  timer: NodeJS.Timeout | null;
  /** Too many relations at this version: not retried until the version moves. */
  tooBigAt: string | null;
  /** No build before this (ms since the epoch): after a failure, or a namespace found too big. */
  notBefore: number;
}

/** The snapshots of one process, by namespace id. */
export class GraphSnapshots {
  private readonly slots = new Map<string, Slot>();
  /** Builds run one at a time (each holds a transient copy of the relations). */
  private queue: Promise<unknown> = Promise.resolve();
  private building = new Set<string>();
  private closed = false;

  constructor(private readonly o: GraphSnapshotsOptions) {}

  get enabled(): boolean {
    return this.o.maxRelations > 0;
  }

  /**
   * The namespace's snapshot at exactly `version`, or null — in which case the caller answers
   * another way and a build is scheduled (once the version holds still).
   */
  current(namespaceId: string, version: string): GraphSnapshot | null {
    if (!this.enabled || this.closed) return null;
    let slot = this.slots.get(namespaceId);
    if (!slot) this.slots.set(namespaceId, (slot = { snapshot: null, usedAt: 0, wanted: null, wantedSince: 0, timer: null, tooBigAt: null, notBefore: 0 }));
    slot.usedAt = Date.now();
    if (slot.snapshot?.version === version) return slot.snapshot;
    // A caller that read the version just before a newer snapshot landed: nothing is stale.
    if (slot.snapshot && Number(version) < Number(slot.snapshot.version)) return null;
    if (slot.snapshot) {
      slot.snapshot = null; // stale for good: versions only move forward
      this.changed();
    }
    if (slot.tooBigAt === version) return null;
    if (slot.wanted !== version) {
      slot.wanted = version;
      slot.wantedSince = Date.now();
    }
    this.schedule(namespaceId, slot);
    return null;
  }

  /** Builds the namespace's snapshot now (not debounced) and resolves once it is held (or refused): tests, warm-up. */
  async refresh(namespaceId: string): Promise<GraphSnapshot | null> {
    await this.build(namespaceId);
    return this.slots.get(namespaceId)?.snapshot ?? null;
  }

  held(): GraphSnapshot[] {
    return [...this.slots.values()].flatMap((s) => (s.snapshot ? [s.snapshot] : []));
  }

  close(): void {
    this.closed = true;
    for (const s of this.slots.values()) if (s.timer) clearTimeout(s.timer);
    this.slots.clear();
  }

  private schedule(namespaceId: string, slot: Slot): void {
    if (slot.timer || this.building.has(namespaceId)) return;
    const debounce = this.o.debounceMs ?? 250;
    const wait = Math.max(0, slot.wantedSince + debounce - Date.now(), slot.notBefore - Date.now());
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (this.closed) return;
      // The version moved again while waiting: wait for it to hold still.
      if (Date.now() - slot.wantedSince < debounce || Date.now() < slot.notBefore) return this.schedule(namespaceId, slot);
      void this.build(namespaceId);
    }, wait);
    slot.timer.unref();
  }

  private build(namespaceId: string): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      this.building.add(namespaceId);
      try {
        // The version before reading: a write landing meanwhile makes this snapshot stale at once.
        const version = await this.o.version(namespaceId);
        const slot = this.slots.get(namespaceId);
        if (slot?.snapshot?.version === version) return;
        this.evictIdle();
        const r = await (this.o.load ?? ((id, v, max) => loadGraphSnapshot(this.o.pool, id, v, max)))(namespaceId, version, this.o.maxRelations);
        if (this.closed) return;
        const s = this.slots.get(namespaceId) ?? { snapshot: null, usedAt: Date.now(), wanted: null, wantedSince: 0, timer: null, tooBigAt: null, notBefore: 0 };
        this.slots.set(namespaceId, s);
        if ('tooBig' in r) {
          s.tooBigAt = version;
          s.notBefore = Date.now() + TOO_BIG_RECHECK_MS;
        } else {
          s.snapshot = r;
          this.evictOver(namespaceId);
        }
        this.changed();
      } catch (err) {
        const s = this.slots.get(namespaceId);
        if (s) s.notBefore = Date.now() + RETRY_AFTER_FAILURE_MS;
        this.o.onError?.(namespaceId, err);
      } finally {
        this.building.delete(namespaceId);
      }
    });
    this.queue = run;
    return run;
  }

  /** Least recently used first, until the held relations fit the budget (the one just built stays). */
  private evictOver(keep: string): void {
    let total = this.held().reduce((t, s) => t + s.relationCount, 0);
    const others = [...this.slots.entries()].filter(([id, s]) => id !== keep && s.snapshot).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [, s] of others) {
      if (total <= this.o.maxRelations) break;
      total -= s.snapshot!.relationCount;
      s.snapshot = null;
    }
  }

  private evictIdle(): void {
    const idle = this.o.idleMs ?? 15 * 60_000;
    for (const s of this.slots.values()) if (s.snapshot && Date.now() - s.usedAt > idle) s.snapshot = null;
  }

  private changed(): void {
    this.o.onChange?.(this.held());
  }
}
