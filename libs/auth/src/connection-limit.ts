/**
 * Concurrent-connection limits (in-flight HTTP requests + open WebSockets) per caller,
 * across API instances. Each connection is a sorted-set member scored by its lease expiry;
 * WebSockets renew their lease while open, so a crashed instance's connections expire
 * on their own instead of counting forever.
 */
import type { Redis } from 'ioredis';

const ACQUIRE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', key, tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', key, tonumber(ARGV[5]))
return 1`;

export const CONNECTION_LEASE_MS = 90_000;

export class ConnectionLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(subject: string) {
    return `${this.prefix}:connections:${subject}`;
  }

  async acquire(subject: string, id: string, limit: number, leaseMs = CONNECTION_LEASE_MS, now = Date.now()): Promise<boolean> {
    const ok = await this.redis.eval(ACQUIRE, 1, this.key(subject), now, limit, now + leaseMs, id, leaseMs);
    return ok === 1;
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
