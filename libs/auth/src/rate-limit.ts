/**
 * Sliding-window rate-limit state in Redis: each admitted request is a member of a sorted
 * set scored by its time (admission.ts adds them, atomically with the connection lease).
 * Memory per key is bounded by the limit itself (refused requests are not stored).
 * This class names the keys and reads usage back.
 */
import type { Redis } from 'ioredis';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms until the window admits another request (0 when allowed). */
  retryAfterMs: number;
  /** ms until the window is fully replenished, for RateLimit-Reset. */
  resetMs: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs = 60_000,
  ) {}

  key(subject: string) {
    return `${this.prefix}:ratelimit:${subject}`;
  }

  /** Requests counted in the current window (for "usage against limits"). */
  async usage(subject: string, now = Date.now()): Promise<number> {
    return this.redis.zcount(this.key(subject), now - this.windowMs, '+inf');
  }
}
