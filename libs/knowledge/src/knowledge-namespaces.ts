/**
 * The namespace a knowledge query is about, resolved in process instead of by a Postgres
 * round trip per query: its id by name (namespaces are never renamed; an entry is re-read
 * after `nameTtlMs` anyway) and its knowledge settings per namespace version. Every write that
 * changes the settings — the first ingestion fixes embedder and dimension, each ingestion or
 * deletion moves the chunk count — bumps the version (knowledge-cache.ts), so settings read
 * at the current version are current. A query reads the version with its result-cache lookup
 * (one Redis round trip for both, knowledge-cache.ts) and hands it to `at` and to whatever
 * else is kept per version (graph snapshots).
 */
import type { PrismaClient } from '@aivillage/db';
import type { KnowledgeCache } from './knowledge-cache.js';
import { loadKnowledgeNamespace, type KnowledgeNamespace, type KnowledgeSettingsRow } from './knowledge-store.js';

export interface VersionedNamespace extends KnowledgeNamespace {
  /** The namespace version its settings were read at (or read after: never older). */
  version: string;
}

export class KnowledgeNamespaces {
  private readonly ids = new Map<string, { id: string; at: number }>();
  private readonly settings = new Map<string, { version: string; settings: KnowledgeSettingsRow | null }>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache: Pick<KnowledgeCache, 'version'>,
    private readonly nameTtlMs = 60_000,
  ) {}

  /** The namespace's id (from memory after the first call); NOT_FOUND when no namespace has that name. */
  async id(name: string): Promise<{ id: string; name: string }> {
    const known = this.ids.get(name);
    if (known && Date.now() - known.at <= this.nameTtlMs) return { id: known.id, name };
    const ns = await loadKnowledgeNamespace(this.prisma, name);
    this.ids.set(name, { id: ns.id, at: Date.now() });
    return { id: ns.id, name };
  }

  /**
   * The namespace with its settings at `version`, a version the caller read (with its cache
   * lookup) before calling: from memory when already read at that version, else from Postgres.
   */
  async at(ns: { id: string; name: string }, version: string): Promise<VersionedNamespace> {
    const held = this.settings.get(ns.id);
    if (held?.version === version) return { ...ns, settings: held.settings, version };
    const loaded = await loadKnowledgeNamespace(this.prisma, ns.name);
    if (loaded.id !== ns.id) {
      // Renamed or recreated meanwhile: resolve the name afresh.
      this.ids.delete(ns.name);
      return this.get(ns.name);
    }
    this.settings.set(ns.id, { version, settings: loaded.settings });
    return { ...loaded, version };
  }

  /** `id`, then `at` the namespace's current version. */
  async get(name: string): Promise<VersionedNamespace> {
    const ns = await this.id(name);
    return this.at(ns, await this.cache.version(ns.id));
  }
}
