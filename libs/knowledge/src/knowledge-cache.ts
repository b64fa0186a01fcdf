/**
 * Search and graph results cached in Redis per namespace. Each namespace has a version
 * counter; an entry remembers the version it was computed at and counts only while that is
 * still the namespace's version. Every write that changes what a query could return —
 * a document becoming READY, a deletion, explicit triples — bumps the version (the worker
 * does it for ingestion), so stale entries are never served and simply expire.
 *
 * The same version tells in-process copies (namespace settings, graph snapshots) whether they
 * are current.
 *
 * Both keys of a namespace share a hash tag (`{<namespace id>}`), so one MGET reads the
 * version and the entry in one round trip, on a single Redis or a Redis Cluster.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

interface Entry<T> {
  v: string;
  data: T;
}

export class KnowledgeCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** 0 disables caching (every lookup misses, nothing is stored). */
    private readonly ttlSeconds: number,
    private readonly onLookup?: (hit: boolean) => void,
  ) {}

  versionKey(namespaceId: string): string {
    return `${this.prefix}:knowledge:{${namespaceId}}:version`;
  }

  private entryKey(namespaceId: string, identity: unknown): string {
    const hash = createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
    return `${this.prefix}:knowledge:{${namespaceId}}:q:${hash}`;
  }

  /**
   * The cached value for `identity` in the namespace, or a miss with a `store` function that
   * caches a value computed now (tagged with the version read before computing, so a write
   * that lands meanwhile makes it stale at once). Either way with the namespace's `version`,
   * read in the same round trip (caching off: a GET of the version alone).
   */
  async lookup<T>(namespaceId: string, identity: unknown): Promise<{ hit: true; value: T; version: string } | { hit: false; version: string; store(value: T): Promise<void> }> {
    if (this.ttlSeconds === 0) return { hit: false, version: await this.version(namespaceId), store: async () => {} };
    const key = this.entryKey(namespaceId, identity);
    const [version, raw] = await this.redis.mget(this.versionKey(namespaceId), key);
    const v = version ?? '0';
    if (raw !== null) {
      const entry = JSON.parse(raw) as Entry<T>;
      if (entry.v === v) {
        this.onLookup?.(true);
        return { hit: true, value: entry.data, version: v };
      }
    }
    this.onLookup?.(false);
    return {
      hit: false,
      version: v,
      store: async (data: T) => {
        await this.redis.set(key, JSON.stringify({ v, data } satisfies Entry<T>), 'EX', this.ttlSeconds);
      },
    };
  }

  /**
   * The namespace's current version ('0' before the first write). In-process state derived from
   * a namespace (its settings, its graph snapshot) is current exactly while this is unchanged.
   */
  async version(namespaceId: string): Promise<string> {
    return (await this.redis.get(this.versionKey(namespaceId))) ?? '0';
  }

  /** Makes every cached result of the namespace stale. */
  async bump(namespaceId: string): Promise<void> {
    await this.redis.incr(this.versionKey(namespaceId));
  }
}

/** Bumps a namespace's version from a process without a KnowledgeCache (the worker). */
export async function bumpKnowledgeVersion(redis: Redis, prefix: string, namespaceId: string): Promise<void> {
  await new KnowledgeCache(redis, prefix, 0).bump(namespaceId);
}
