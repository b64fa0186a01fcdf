/**
 * Entity lookup for pickers (the console's graph explorer): the entities of a namespace that a
 * few typed letters may mean. A match is, best first: the key itself (`normalizeEntityName` of
 * the search), a key starting with it, a key with a word starting with it, then a name or an
 * alias containing the search as typed (case-insensitive). Within a class the best-connected
 * entities come first, so "cong" offers Congress before a phrase seen once.
 *
 * Keys are matched first; names and aliases (a costlier scan: lowercased text, detoasted alias
 * arrays) only when the keys do not fill the list. No index serves a substring, so both are
 * scans of the namespace's entities: on the 67,000 WordNet noun entities (115,000 relations)
 * on a loaded 2-core machine, 30–80 ms when keys fill the list, ~100 ms with the name scan —
 * enough for a picker that waits for a pause in typing. Only the first CANDIDATES matches by
 * class and key length are counted: their relations come from the covering endpoint indexes
 * (index-only), capped at DEGREE_CAP each, so a hub costs no more than any entity.
 */
import { Prisma, type Entity, type PrismaClient } from '@aivillage/db';
import { normalizeEntityName } from './extract.js';
import { checkInt, KnowledgeInputError } from './knowledge-errors.js';
import { loadKnowledgeNamespace } from './knowledge-store.js';
import type { EntityRow } from './knowledge-graph.service.js';

export const DEFAULT_ENTITY_MATCHES = 20;
export const MAX_ENTITY_MATCHES = 100;
/** The longest search accepted: an entity name is at most 256 characters. */
const MAX_SEARCH = 256;
/** Matches whose relations are counted before the best-connected are returned. */
const CANDIDATES = 200;
/** Relations counted per endpoint at most: beyond it an entity is "well connected" either way. */
const DEGREE_CAP = 1000;

export interface EntityMatch {
  entity: Entity;
  /** Relations touching it (each endpoint counted up to DEGREE_CAP). */
  relations: number;
}

interface MatchRow extends EntityRow {
  relations: number;
}

/** `text` as a LIKE pattern's literal part: `%`, `_` and the escape character itself escaped. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class KnowledgeEntityService {
  constructor(private readonly deps: { prisma: PrismaClient }) {}

  /**
   * Up to `first` (1..100) entities of `namespace` matching `search` (1..256 characters after
   * trimming), best first. BAD_USER_INPUT for an empty or overlong search or a bad `first`;
   * NOT_FOUND for a namespace that does not exist.
   */
  async search(namespace: string, search: string, first: number = DEFAULT_ENTITY_MATCHES): Promise<EntityMatch[]> {
    const text = typeof search === 'string' ? search.trim() : '';
    if (text.length < 1 || text.length > MAX_SEARCH) {
      throw new KnowledgeInputError(`search must be 1 to ${MAX_SEARCH} characters, got ${text.length}`, { field: 'search', max: MAX_SEARCH });
    }
    const limit = checkInt('first', first, 1, MAX_ENTITY_MATCHES);
    const ns = await loadKnowledgeNamespace(this.deps.prisma, namespace);
    // A search of function words only ("the") has no key: it matches by name alone.
    const key = normalizeEntityName(text);
    const keyPrefix = `${likeLiteral(key)}%`;
    const byKey = key
      ? await this.ranked(
          ns.id,
          Prisma.sql`(e.key LIKE ${keyPrefix} OR e.key LIKE ${`% ${keyPrefix}`})`,
          Prisma.sql`CASE WHEN e.key = ${key} THEN 0 WHEN e.key LIKE ${keyPrefix} THEN 1 ELSE 2 END`,
          limit,
        )
      : [];
    if (byKey.length >= limit) return byKey;
    // Names and aliases containing the search cost a scan of every entity's text (aliases
    // detoasted): only when the keys did not fill the list.
    const contains = `%${likeLiteral(text.toLowerCase())}%`;
    const seen = byKey.map((m) => m.entity.id);
    const byName = await this.ranked(
      ns.id,
      Prisma.sql`e.id <> ALL(${seen}::uuid[])
        AND (lower(e.name) LIKE ${contains} OR (cardinality(e.aliases) > 0 AND lower(array_to_string(e.aliases, chr(1))) LIKE ${contains}))`,
      Prisma.sql`3`,
      limit - byKey.length,
    );
    return [...byKey, ...byName];
  }

  /**
   * Entities of the namespace matching `where`, by `matchClass` (lower first), then relations
   * (more first), then key: the first CANDIDATES by class and key length are counted.
   */
  private async ranked(namespaceId: string, where: Prisma.Sql, matchClass: Prisma.Sql, limit: number): Promise<EntityMatch[]> {
    const rows = await this.deps.prisma.$queryRaw<MatchRow[]>`
      WITH matched AS (
        SELECT e.id, e.namespace_id, e.key, e.name, e.type, e.aliases, e.created_at, ${matchClass} AS class
          FROM entities e
         WHERE e.namespace_id = ${namespaceId}::uuid AND ${where}
         ORDER BY class, length(e.key), e.key
         LIMIT ${CANDIDATES}
      )
      SELECT m.id::text, m.namespace_id::text, m.key, m.name, m.type::text AS type, m.aliases, m.created_at,
             ((SELECT count(*) FROM (SELECT 1 FROM relations r WHERE r.subject_id = m.id LIMIT ${DEGREE_CAP}) s)
            + (SELECT count(*) FROM (SELECT 1 FROM relations r WHERE r.object_id = m.id LIMIT ${DEGREE_CAP}) o))::int AS relations
        FROM matched m
       ORDER BY m.class, relations DESC, m.key
       LIMIT ${limit}`;
    return rows.map((r) => ({
      entity: { id: r.id, namespaceId: r.namespace_id, key: r.key, name: r.name, type: r.type, aliases: r.aliases ?? [], createdAt: r.created_at },
      relations: r.relations,
    }));
  }
}
