/**
 * Concurrent-connection limits (in-flight HTTP requests + open WebSockets) per caller,
 * across API instances. Each connection is a sorted-set member scored by its lease expiry;
 * WebSockets renew their lease while open, so a crashed instance's connections expire
 * on their own instead of counting forever. Leases are taken by admission.ts together with
 * the rate check; this class renews, releases and counts them.
 */
import type { Redis } from 'ioredis';

export const CONNECTION_LEASE_MS = 90_000;

export class ConnectionLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(subject: string) {
    return `${this.prefix}:connections:${subject}`;
  }

  async renew(subject: string, id: string, leaseMs = CONNECTION_LEASE_MS, now = Date.now()): Promise<void> {
    await this.redis.multi().zadd(this.key(subject), 'XX', now + leaseMs, id).pexpire(this.key(subject), leaseMs).exec();
  }

  async release(subject: string, id: string): Promise<void> {
    await this.redis.zrem(this.key(subject), id);
  }

  async count(subject: string, now = Date.now()): Promise<number> {
    return this.redis.zcount(this.key(subject), now, '+inf');
  }
}
