/**
 * The guide's multi-layer response cache: L1 an in-process LRU (fast, per instance), L2
 * Redis (shared by every instance). Entries are found by a key that includes the current
 * version of each tag the response depends on; a write bumps its tags' versions (in Redis,
 * broadcast to every instance's copy), so stale entries are never found again and simply
 * expire. No scan-and-delete, and invalidation is as immediate as a pub/sub message.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Lru } from './lru.js';

export interface CacheStats {
  l1: { size: number; hits: number; misses: number; hitRate: number | null };
  l2: { hits: number; misses: number; hitRate: number | null };
  invalidations: number;
}

export interface ResponseCacheOptions {
  redis: Redis;
  /** Dedicated subscriber connection for tag-version broadcasts. */
  subscriber: Redis;
  prefix: string;
  l1MaxEntries?: number;
  /** L1 keeps entries at most this long (the L2 TTL still applies). */
  l1TtlMs?: number;
  onLookup?: (layer: 'l1' | 'l2', hit: boolean) => void;
}

const rate = (h: number, m: number) => (h + m === 0 ? null : h / (h + m));

export class ResponseCache {
  private readonly l1: Lru<string>;
  private readonly versions = new Map<string, number>();
  private readonly counts = { l1h: 0, l1m: 0, l2h: 0, l2m: 0, inv: 0 };
  private readonly keys: { tags: string; channel: string; entry: (k: string) => string };
  private readonly ready: Promise<void>;

  constructor(private readonly o: ResponseCacheOptions) {
    this.l1 = new Lru(o.l1MaxEntries ?? 2000);
    const keys = { tags: `${o.prefix}:cache:tags`, channel: `${o.prefix}:cache:bump`, entry: (k: string) => `${o.prefix}:cache:e:${k}` };
    this.keys = keys;
    o.subscriber.on('message', (channel, message) => {
      if (channel !== keys.channel) return;
      const { tag, version } = JSON.parse(message) as { tag: string; version: number };
      if ((this.versions.get(tag) ?? 0) < version) this.versions.set(tag, version);
    });
    this.ready = (async () => {
      await o.subscriber.subscribe(keys.channel);
      const all = await o.redis.hgetall(keys.tags);
      for (const [tag, v] of Object.entries(all)) this.versions.set(tag, Number(v));
    })();
  }

  whenReady() {
    return this.ready;
  }

  /** The lookup key for a response: its identity (operation, variables, scope) plus tag versions. */
  key(identity: string, tags: readonly string[]): string {
    const versions = tags.map((t) => `${t}@${this.versions.get(t) ?? 0}`).join(',');
    return createHash('sha256').update(identity).update('\0').update(versions).digest('base64url');
  }

  async get(key: string): Promise<string | undefined> {
    const local = this.l1.get(key);
    this.o.onLookup?.('l1', local !== undefined);
    if (local !== undefined) {
      this.counts.l1h++;
      return local;
    }
    this.counts.l1m++;
    const shared = await this.o.redis.get(this.keys.entry(key));
    this.o.onLookup?.('l2', shared !== null);
    if (shared === null) {
      this.counts.l2m++;
      return undefined;
    }
    this.counts.l2h++;
    this.l1.set(key, shared, this.o.l1TtlMs ?? 60_000);
    return shared;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.l1.set(key, value, Math.min(ttlSeconds * 1000, this.o.l1TtlMs ?? 60_000));
    await this.o.redis.set(this.keys.entry(key), value, 'EX', ttlSeconds);
  }

  /** Makes every cached response that depends on any of `tags` unreachable, on every instance. */
  async invalidate(tags: readonly string[]): Promise<void> {
    for (const tag of tags) {
      const version = await this.o.redis.hincrby(this.keys.tags, tag, 1);
      this.versions.set(tag, Math.max(this.versions.get(tag) ?? 0, version));
      await this.o.redis.publish(this.keys.channel, JSON.stringify({ tag, version }));
      this.counts.inv++;
    }
  }

  stats(): CacheStats {
    const c = this.counts;
    return {
      l1: { size: this.l1.size, hits: c.l1h, misses: c.l1m, hitRate: rate(c.l1h, c.l1m) },
      l2: { hits: c.l2h, misses: c.l2m, hitRate: rate(c.l2h, c.l2m) },
      invalidations: c.inv,
    };
  }
}
