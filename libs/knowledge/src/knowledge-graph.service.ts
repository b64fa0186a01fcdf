/**
 * The knowledge graph in SQL: explicit triples (addRelations), the k-hop neighbourhood of an
 * entity and all shortest paths between two, traversing relations in both directions.
 *
 * Traversal is an iterative frontier search: one query per hop fetches every relation
 * touching the frontier (B-tree indexes on both endpoints), the rest happens here. Paths are
 * bidirectional BFS — each round expands the smaller frontier — and are enumerated through
 * the meeting layer exactly as libs/knowledge's in-memory `findPaths` does, so both give the
 * same hop count, the same paths in the same order (lexicographic by entity key) and the same
 * truncation; likewise `neighbourhood` (nodes by distance, then key; a node's parent is its
 * smallest-key neighbour one hop closer). The integration tests hold them to that.
 * Hops are bounded by MAX_HOPS = 5 (the guide's max_traversal_depth).
 *
 * With a current in-process snapshot of the namespace's graph (graph-snapshot.ts) the same
 * queries walk memory instead, with the same results; without one (the namespace just changed,
 * or is over the snapshot budget) they run as above while the snapshot is rebuilt.
 */
import { badInput, notFound } from '@aivillage/errors';
import { pgPool, Prisma, type Entity, type PrismaClient } from '@aivillage/db';
import type pg from 'pg';
import { normalizeEntityName } from './extract.js';
import { isRelationKind, type RelationKind } from './graph-model.js';
import { MAX_HOPS } from './graph-search.js';
import type { GraphSnapshot } from './graph-snapshot.js';
import type { GraphSnapshots } from './graph-snapshots.js';
import type { KnowledgeCache } from './knowledge-cache.js';
import { checkInt, KnowledgeInputError } from './knowledge-errors.js';
import { KnowledgeNamespaces, type VersionedNamespace } from './knowledge-namespaces.js';
import { loadKnowledgeNamespace, lockNamespace, UUID, type KnowledgeNamespace } from './knowledge-store.js';
import { pooledRows } from './pooled-sql.js';

export interface TripleInput {
  subject: string;
  kind: RelationKind;
  label: string;
  object: string;
  /** In [0, 1]; default 1. */
  confidence?: number | null;
}

export interface AddRelationsResult {
  /** Triples written (new or with a new confidence). */
  relations: number;
  relationsCreated: number;
  entitiesCreated: number;
}

export interface NeighbourhoodEntry {
  entity: Entity;
  distance: number;
  /** The entity one hop closer (smallest key) and the relation joining them. */
  parentId: string;
  relationId: string;
}

export interface NeighbourhoodOutput {
  entity: Entity;
  nodes: NeighbourhoodEntry[];
  truncated: boolean;
}

export interface PathsOutput {
  from: Entity;
  to: Entity;
  /** Shortest distance in hops, null when none within maxHops. */
  hops: number | null;
  paths: { entities: Entity[]; relationIds: string[] }[];
  truncated: boolean;
}

/** Where a graph query's answer came from. */
export type GraphQuerySource = 'cache' | 'snapshot' | 'sql';

export interface KnowledgeGraphServiceDeps {
  prisma: PrismaClient;
  cache: KnowledgeCache;
  maxBatch: number;
  /** The pool traversal SQL runs on; default: the one behind `prisma` (pgPool). */
  pool?: pg.Pool;
  /** Namespace resolution shared with the search service; default: this service's own. */
  namespaces?: KnowledgeNamespaces;
  /** In-process graph snapshots; without them every query runs through SQL. */
  snapshots?: GraphSnapshots;
  /** `hops`: the query's hops (neighbourhood) or maxHops (paths). */
  onQuery?(kind: 'neighborhood' | 'paths', seconds: number, cached: boolean, source: GraphQuerySource, hops: number): void;
}

/** The hops argument of a cached graph query's args (neighbourhood: [entity, hops, …]; paths: [from, to, maxHops, …]). */
const hopsOf = (kind: 'neighborhood' | 'paths', args: unknown[]) => Number(args[kind === 'neighborhood' ? 1 : 2]);

export const DEFAULT_NEIGHBORHOOD_LIMIT = 100;
export const DEFAULT_PATHS_LIMIT = 10;
const MAX_LIMIT = 10_000;
const MAX_NAME = 256;

/** One hop: every relation touching the frontier, in both directions. */
interface Step {
  parent: string;
  relation: string;
  node: string;
  key: string;
}

function checkHops(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_HOPS) {
    throw new KnowledgeInputError(`${name} must be an integer in [1, ${MAX_HOPS}], got ${value}`, { field: name, max: MAX_HOPS, value });
  }
  return value;
}

export class KnowledgeGraphService {
  private readonly pool: pg.Pool;
  private readonly namespaces: KnowledgeNamespaces;

  constructor(private readonly deps: KnowledgeGraphServiceDeps) {
    this.pool = deps.pool ?? pgPool(deps.prisma);
    this.namespaces = deps.namespaces ?? new KnowledgeNamespaces(deps.prisma, deps.cache);
  }

  /** Stops snapshot builds (shutdown). */
  close(): void {
    this.deps.snapshots?.close();
  }

  /**
   * Writes explicit triples (no evidence chunk), creating missing entities (named as given,
   * type CONCEPT). A triple already present gets the new confidence. All or nothing.
   */
  async addRelations(namespace: string, triples: readonly TripleInput[]): Promise<AddRelationsResult> {
    if (triples.length === 0) throw badInput('relations is empty', { field: 'relations' });
    if (triples.length > this.deps.maxBatch) throw badInput(`at most ${this.deps.maxBatch} relations per call (KNOWLEDGE_MAX_BATCH_RELATIONS), got ${triples.length}`, { field: 'relations', max: this.deps.maxBatch });
    const names = new Map<string, string>(); // key → name (first seen)
    const rows = new Map<string, { s: string; o: string; kind: RelationKind; label: string; confidence: number }>();
    triples.forEach((t, i) => {
      const keyOf = (side: 'subject' | 'object') => {
        const name = typeof t[side] === 'string' ? t[side].trim() : '';
        const key = normalizeEntityName(name);
        if (!name || name.length > MAX_NAME || !key) throw new KnowledgeInputError(`relations[${i}].${side} must name an entity (1 to ${MAX_NAME} characters, not only function words)`, { field: side, index: i });
        if (!names.has(key)) names.set(key, name);
        return key;
      };
      const s = keyOf('subject');
      const o = keyOf('object');
      if (s === o) throw new KnowledgeInputError(`relations[${i}]: subject and object are the same entity (${JSON.stringify(s)})`, { index: i });
      if (!isRelationKind(t.kind)) throw new KnowledgeInputError(`relations[${i}].kind is not a relation kind`, { index: i });
      const label = typeof t.label === 'string' ? t.label.trim() : '';
      if (label.length < 1 || label.length > 128) throw new KnowledgeInputError(`relations[${i}].label must be 1 to 128 characters`, { field: 'label', index: i });
      const confidence = t.confidence ?? 1;
      if (!(confidence >= 0 && confidence <= 1)) throw new KnowledgeInputError(`relations[${i}].confidence must be in [0, 1], got ${confidence}`, { field: 'confidence', index: i });
      rows.set(JSON.stringify([s, o, t.kind, label]), { s, o, kind: t.kind, label, confidence }); // the last one wins
    });
    const ns = await loadKnowledgeNamespace(this.deps.prisma, namespace);
    const keys = [...names.keys()].sort();
    const list = [...rows.values()];
    const result = await this.deps.prisma.$transaction(async (tx) => {
      await lockNamespace(tx, ns.id);
      const entitiesCreated = await tx.$executeRaw`
        INSERT INTO entities (id, namespace_id, key, name)
        SELECT gen_random_uuid(), ${ns.id}::uuid, u.key, u.name FROM unnest(${keys}::text[], ${keys.map((k) => names.get(k)!)}::text[]) AS u(key, name)
        ON CONFLICT (namespace_id, key) DO NOTHING`;
      const ids = await tx.$queryRaw<{ id: string; key: string }[]>`SELECT id::text, key FROM entities WHERE namespace_id = ${ns.id}::uuid AND key = ANY(${keys}::text[])`;
      const idOf = new Map(ids.map((r) => [r.key, r.id]));
      const written = await tx.$queryRaw<{ inserted: boolean }[]>`
        INSERT INTO relations (id, namespace_id, subject_id, object_id, kind, label, confidence, support, evidence_chunk_id)
        SELECT gen_random_uuid(), ${ns.id}::uuid, u.s, u.o, u.k::"RelationKind", u.l, u.c, 1, NULL
          FROM unnest(${list.map((r) => idOf.get(r.s)!)}::uuid[], ${list.map((r) => idOf.get(r.o)!)}::uuid[], ${list.map((r) => r.kind)}::text[],
                      ${list.map((r) => r.label)}::text[], ${list.map((r) => r.confidence)}::float8[]) AS u(s, o, k, l, c)
        ON CONFLICT (subject_id, object_id, kind, label, evidence_chunk_id) DO UPDATE SET confidence = EXCLUDED.confidence
           WHERE relations.confidence IS DISTINCT FROM EXCLUDED.confidence
        RETURNING (xmax = 0) AS inserted`;
      return { relations: written.length, relationsCreated: written.filter((w) => w.inserted).length, entitiesCreated };
    }, { timeout: 120_000 });
    if (result.relations > 0 || result.entitiesCreated > 0) await this.deps.cache.bump(ns.id);
    return result;
  }

  /** The entity a name (or key, or id) denotes in the namespace; NOT_FOUND otherwise. */
  async resolveEntity(ns: Pick<KnowledgeNamespace, 'id' | 'name'>, name: string): Promise<Entity> {
    const key = normalizeEntityName(name ?? '');
    const id = UUID.test(name) ? name : null;
    const rows = key || id
      ? await pooledRows<EntityRow>(this.pool, Prisma.sql`
          SELECT ${ENTITY_COLUMNS} FROM entities WHERE namespace_id = ${ns.id}::uuid AND (key = ${key} OR id = ${id}::uuid) ORDER BY key = ${key} DESC LIMIT 1`)
      : [];
    if (!rows[0]) throw notFound(`Entity in namespace ${JSON.stringify(ns.name)}:`, name);
    return toEntity(rows[0]);
  }

  async neighbourhood(namespace: string, entity: string, hops: number, limit?: number | null): Promise<NeighbourhoodOutput> {
    checkHops('hops', hops);
    const lim = checkInt('limit', limit ?? DEFAULT_NEIGHBORHOOD_LIMIT, 1, MAX_LIMIT);
    return this.cached('neighborhood', namespace, [entity, hops, lim], (g, ns) => {
      const start = g.resolve(ns.name, entity);
      const r = g.neighbourhood(start, hops, lim);
      return {
        entity: g.entity(start),
        nodes: r.nodes.map((n) => ({ entity: g.entity(n.node), distance: n.distance, parentId: g.entityId(n.parent), relationId: g.relationId(n.edge) })),
        truncated: r.truncated,
      };
    }, async (ns) => {
      const start = await this.resolveEntity(ns, entity);
      const visited: string[] = [start.id];
      const out: { id: string; distance: number; parentId: string; relationId: string }[] = [];
      let truncated = false;
      let frontier: { id: string; key: string }[] = [{ id: start.id, key: start.key }];
      for (let d = 1; d <= hops && frontier.length > 0 && !truncated; d++) {
        // New nodes in key order with their smallest-key parent; one more than still fits tells truncation.
        const fresh = await pooledRows<{ node: string; parent: string; relation: string; key: string }>(this.pool, Prisma.sql`
          WITH f AS (SELECT * FROM unnest(${frontier.map((f) => f.id)}::uuid[], ${frontier.map((f) => f.key)}::text[]) AS f(id, key)),
          e AS (
            SELECT f.id AS parent, f.key AS pkey, r.id AS relation, r.object_id AS node FROM f JOIN relations r ON r.subject_id = f.id
            UNION ALL
            SELECT f.id, f.key, r.id, r.subject_id FROM f JOIN relations r ON r.object_id = f.id),
          fresh AS (
            SELECT DISTINCT ON (e.node) e.node, e.parent, e.relation FROM e
             WHERE NOT EXISTS (SELECT 1 FROM unnest(${visited}::uuid[]) AS v(id) WHERE v.id = e.node)
             ORDER BY e.node, e.pkey COLLATE "C", e.relation)
          SELECT fresh.node::text, fresh.parent::text, fresh.relation::text, n.key
            FROM fresh JOIN entities n ON n.id = fresh.node
           ORDER BY n.key COLLATE "C"
           LIMIT ${lim - out.length + 1}::int`);
        if (out.length + fresh.length > lim) {
          truncated = true;
          fresh.length = lim - out.length;
        }
        for (const f of fresh) {
          out.push({ id: f.node, distance: d, parentId: f.parent, relationId: f.relation });
          visited.push(f.node);
        }
        frontier = fresh.map((f) => ({ id: f.node, key: f.key }));
      }
      const entities = await this.entitiesById(out.map((o) => o.id));
      return { entity: start, nodes: out.map((o) => ({ entity: entities.get(o.id)!, distance: o.distance, parentId: o.parentId, relationId: o.relationId })), truncated };
    });
  }

  async paths(namespace: string, from: string, to: string, maxHops: number, limit?: number | null): Promise<PathsOutput> {
    checkHops('maxHops', maxHops);
    const lim = checkInt('limit', limit ?? DEFAULT_PATHS_LIMIT, 1, MAX_LIMIT);
    return this.cached('paths', namespace, [from, to, maxHops, lim], (g, ns) => {
      const a = g.resolve(ns.name, from);
      const b = g.resolve(ns.name, to);
      if (a === b) return { from: g.entity(a), to: g.entity(b), hops: 0, paths: [{ entities: [g.entity(a)], relationIds: [] }], truncated: false };
      const r = g.paths(a, b, maxHops, lim);
      return {
        from: g.entity(a), to: g.entity(b), hops: r.hops, truncated: r.truncated,
        paths: r.paths.map((p) => ({ entities: p.nodes.map((i) => g.entity(i)), relationIds: p.edges.map((e) => g.relationId(e)) })),
      };
    }, async (ns) => {
      const [a, b] = await Promise.all([this.resolveEntity(ns, from), this.resolveEntity(ns, to)]);
      if (a.id === b.id) return { from: a, to: b, hops: 0, paths: [{ entities: [a], relationIds: [] }], truncated: false };
      const search = await this.bidirectional(a, b, maxHops, lim);
      const entities = await this.entitiesById([...new Set(search.paths.flatMap((p) => p.nodes))]);
      return { from: a, to: b, hops: search.hops, truncated: search.truncated, paths: search.paths.map((p) => ({ entities: p.nodes.map((id) => entities.get(id)!), relationIds: p.relations })) };
    });
  }

  /**
   * Bidirectional BFS over relation endpoints, then every shortest path through the meeting
   * layer in lexicographic order of entity keys (see graph-search.ts `findPaths`, which this
   * mirrors; parents are remembered per side instead of reading an adjacency).
   */
  private async bidirectional(a: Entity, b: Entity, maxHops: number, limit: number) {
    const keyOf = new Map<string, string>([[a.id, a.key], [b.id, b.key]]);
    type Side = { dist: Map<string, number>; layers: string[][]; parents: Map<string, Map<string, string>> };
    const F: Side = { dist: new Map([[a.id, 0]]), layers: [[a.id]], parents: new Map() };
    const B: Side = { dist: new Map([[b.id, 0]]), layers: [[b.id]], parents: new Map() };
    const none = { hops: null, paths: [] as { nodes: string[]; relations: string[] }[], truncated: false };
    let met = false;
    while (!met && F.layers.length - 1 + (B.layers.length - 1) < maxHops) {
      const forward = F.layers.at(-1)!.length <= B.layers.at(-1)!.length;
      const [side, other] = forward ? [F, B] : [B, F];
      const d = side.layers.length - 1;
      const next: string[] = [];
      for (const s of await this.step(side.layers[d], [...side.dist.keys()])) {
        const known = side.dist.get(s.node);
        if (known !== undefined && known !== d + 1) continue;
        if (known === undefined) {
          side.dist.set(s.node, d + 1);
          keyOf.set(s.node, s.key);
          next.push(s.node);
          if (other.dist.has(s.node)) met = true;
        }
        let ps = side.parents.get(s.node);
        if (!ps) side.parents.set(s.node, (ps = new Map()));
        const r = ps.get(s.parent);
        if (r === undefined || s.relation < r) ps.set(s.parent, s.relation);
      }
      if (next.length === 0) return none;
      side.layers.push(next);
    }
    if (!met) return none;
    const dF = F.layers.length - 1;
    const dB = B.layers.length - 1;
    const hops = dF + dB;
    // Forward children (node → child → relation) within the forward layers.
    const children = new Map<string, Map<string, string>>();
    for (const [child, ps] of F.parents) for (const [parent, rel] of ps) {
      let cs = children.get(parent);
      if (!cs) children.set(parent, (cs = new Map()));
      cs.set(child, rel);
    }
    // good: forward nodes from which the meeting layer is reachable along the layers.
    const good = new Set<string>(F.layers[dF].filter((v) => B.dist.get(v) === dB));
    for (let p = dF - 1; p >= 0; p--) {
      for (const u of F.layers[p]) {
        for (const v of children.get(u)?.keys() ?? []) if (good.has(v) && F.dist.get(v) === p + 1) {
          good.add(u);
          break;
        }
      }
    }
    const byKey = (x: [string, string], y: [string, string]) => cmp(keyOf.get(x[0])!, keyOf.get(y[0])!);
    const paths: { nodes: string[]; relations: string[] }[] = [];
    let truncated = false;
    const nodes = [a.id];
    const rels: string[] = [];
    const walk = (u: string, p: number): boolean => {
      if (p === hops) {
        if (paths.length === limit) {
          truncated = true;
          return false;
        }
        paths.push({ nodes: [...nodes], relations: [...rels] });
        return true;
      }
      const options: [string, string][] = p < dF
        ? [...(children.get(u) ?? [])].filter(([v]) => F.dist.get(v) === p + 1 && good.has(v))
        : [...(B.parents.get(u) ?? [])].filter(([v]) => B.dist.get(v) === hops - p - 1);
      options.sort(byKey);
      for (const [v, rel] of options) {
        nodes.push(v);
        rels.push(rel);
        const more = walk(v, p + 1);
        nodes.pop();
        rels.pop();
        if (!more) return false;
      }
      return true;
    };
    walk(a.id, 0);
    return { hops, paths, truncated };
  }

  /** Every relation from `frontier` to a node not in `visited` (both directions), with the far node's key. */
  private async step(frontier: readonly string[], visited: readonly string[]): Promise<Step[]> {
    if (frontier.length === 0) return [];
    return pooledRows<Step>(this.pool, Prisma.sql`
      WITH f AS (SELECT unnest(${[...frontier]}::uuid[]) AS id),
      e AS (
        SELECT f.id AS parent, r.id AS relation, r.object_id AS node FROM f JOIN relations r ON r.subject_id = f.id
        UNION ALL
        SELECT f.id, r.id, r.subject_id FROM f JOIN relations r ON r.object_id = f.id)
      SELECT e.parent::text, e.relation::text, e.node::text, n.key
        FROM e JOIN entities n ON n.id = e.node
       WHERE NOT EXISTS (SELECT 1 FROM unnest(${[...visited]}::uuid[]) AS v(id) WHERE v.id = e.node)`);
  }

  private async entitiesById(ids: readonly string[]): Promise<Map<string, Entity>> {
    const rows = ids.length ? await pooledRows<EntityRow>(this.pool, Prisma.sql`SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ANY(${[...ids]}::uuid[])`) : [];
    return new Map(rows.map((r) => [r.id, toEntity(r)]));
  }

  /**
   * A graph query through the result cache, then the namespace's current snapshot (`fromSnapshot`)
   * or, without one, SQL (`fromSql`).
   */
  private async cached<T>(
    kind: 'neighborhood' | 'paths', namespace: string, args: unknown[],
    fromSnapshot: (g: GraphSnapshot, ns: VersionedNamespace) => T, fromSql: (ns: VersionedNamespace) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    const named = await this.namespaces.id(namespace);
    const lookup = await this.deps.cache.lookup<T>(named.id, [kind, ...args]);
    if (lookup.hit) {
      this.deps.onQuery?.(kind, (performance.now() - started) / 1000, true, 'cache', hopsOf(kind, args));
      return revive(lookup.value);
    }
    // Traversal needs no settings: the namespace's version (read with the lookup) is enough.
    const ns: VersionedNamespace = { ...named, settings: null, version: lookup.version };
    const g = this.deps.snapshots?.current(ns.id, ns.version) ?? null;
    const value = g ? fromSnapshot(g, ns) : await fromSql(ns);
    await lookup.store(value);
    this.deps.onQuery?.(kind, (performance.now() - started) / 1000, false, g ? 'snapshot' : 'sql', hopsOf(kind, args));
    return value;
  }
}

export interface EntityRow {
  id: string;
  namespace_id: string;
  key: string;
  name: string;
  type: Entity['type'];
  aliases: string[] | null;
  created_at: Date;
}

const ENTITY_COLUMNS = Prisma.sql`id::text, namespace_id::text, key, name, type::text AS type, aliases, created_at`;

function toEntity(r: EntityRow): Entity {
  return { id: r.id, namespaceId: r.namespace_id, key: r.key, name: r.name, type: r.type, aliases: r.aliases ?? [], createdAt: r.created_at };
}

/**
 * Code-point order — UTF-8 byte order, i.e. `COLLATE "C"`, the order the neighbourhood SQL
 * and graph snapshots index keys in. It differs from plain code-unit order (`<`) only where
 * a character above U+FFFF meets one in U+E000–U+FFFF.
 */
function cmp(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    // A surrogate encodes a code point above every BMP character.
    return sx === sy ? x - y : sx ? 1 : -1;
  }
  return a.length - b.length;
}

/** Entities come back from the JSON cache with ISO dates; make them Dates again. */
function revive<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (k, v) => (k === 'createdAt' && typeof v === 'string' ? new Date(v) : v)) as T;
}
