/**
 * Message rates for p2pStatus, shared by every API instance: per-second counters in Redis
 * (`<prefix>:p2p:rate:<namespaceId>:<kind>:<epoch second>`, kept two minutes), one pipeline
 * per batch. A rate is the mean over the last `windowSeconds` complete seconds.
 */
import type { Redis } from 'ioredis';

const KEEP_SECONDS = 120;

export class P2PRates {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(namespaceId: string, kind: string, second: number): string {
    return `${this.prefix}:p2p:rate:${namespaceId}:${kind}:${second}`;
  }

  async add(counts: { namespaceId: string; kind: string; count: number }[], now = Date.now()): Promise<void> {
    if (counts.length === 0) return;
    const second = Math.floor(now / 1000);
    const pipe = this.redis.pipeline();
    for (const c of counts) {
      const k = this.key(c.namespaceId, c.kind, second);
      pipe.incrby(k, c.count).expire(k, KEEP_SECONDS);
    }
    await pipe.exec();
  }

  /** Per-second means of each kind over the last `windowSeconds` complete seconds, summed over `namespaceIds`. */
  async rates(namespaceIds: string[], kinds: readonly string[], windowSeconds = 10, now = Date.now()): Promise<Record<string, number>> {
    const out: Record<string, number> = Object.fromEntries(kinds.map((k) => [k, 0]));
    if (namespaceIds.length === 0 || kinds.length === 0) return out;
    const last = Math.floor(now / 1000) - 1;
    const keys: string[] = [];
    const kindOf: string[] = [];
    for (const ns of namespaceIds) {
      for (const kind of kinds) {
        for (let s = last - windowSeconds + 1; s <= last; s++) {
          keys.push(this.key(ns, kind, s));
          kindOf.push(kind);
        }
      }
    }
    const values = await this.redis.mget(keys);
    values.forEach((v, i) => {
      if (v) out[kindOf[i]] += Number(v) / windowSeconds;
    });
    return out;
  }
}
