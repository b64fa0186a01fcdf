/**
 * Sliding-window rate limits in Redis, exact and correct across any number of API
 * instances: each request is a member of a sorted set scored by its time; one Lua call
 * drops members older than the window, counts, and admits or refuses atomically.
 * Memory per key is bounded by the limit itself (refused requests are not stored).
 */
import type { Redis } from 'ioredis';

const SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local member = ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local retry = window
if oldest[2] then retry = tonumber(oldest[2]) + window - now end
return {0, 0, retry}`;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms until the window admits another request (0 when allowed). */
  retryAfterMs: number;
  /** ms until the window is fully replenished, for RateLimit-Reset. */
  resetMs: number;
}

let counter = 0;

export class RateLimiter {
  private sha?: string;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs = 60_000,
  ) {}

  key(subject: string) {
    return `${this.prefix}:ratelimit:${subject}`;
  }

  async hit(subject: string, limit: number, now = Date.now()): Promise<RateLimitDecision> {
    // Unique member per request even within one millisecond on one instance.
    const member = `${now}-${process.pid}-${(counter = (counter + 1) % 1e9)}`;
    const args = [now, this.windowMs, limit, member];
    let result: [number, number, number];
    try {
      this.sha ??= (await this.redis.script('LOAD', SCRIPT)) as string;
      result = (await this.redis.evalsha(this.sha, 1, this.key(subject), ...args)) as [number, number, number];
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      result = (await this.redis.eval(SCRIPT, 1, this.key(subject), ...args)) as [number, number, number];
    }
    const [allowed, remaining, retry] = result;
    return { allowed: allowed === 1, limit, remaining, retryAfterMs: Math.max(0, retry), resetMs: this.windowMs };
  }

  /** Requests counted in the current window (for "usage against limits"). */
  async usage(subject: string, now = Date.now()): Promise<number> {
    return this.redis.zcount(this.key(subject), now - this.windowMs, '+inf');
  }
}
