/**
 * Admission at the edge in ONE Redis round trip: the sliding-window rate limit and the
 * concurrent-connection lease are checked and taken together by a Lua script, so each
 * request pays a single EVALSHA however many instances share the limits. Releasing the
 * lease happens after the response, off the request's path.
 */
import type { Redis } from 'ioredis';
import { CONNECTION_LEASE_MS, ConnectionLimiter } from './connection-limit.js';
import { RateLimiter, type RateLimitDecision } from './rate-limit.js';

// KEYS: rate key, connections key. ARGV: now, window, rate limit (-1 = none), member,
// connection limit (-1 = none), connection id, lease ms.
// Returns {admitted(1/0), reason(0 ok, 1 rate, 2 connections), remaining, retryMs}.
const SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local climit = tonumber(ARGV[5])
local lease = tonumber(ARGV[7])
local remaining = -1
if rate >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[1])
  if count >= rate then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    local retry = window
    if oldest[2] then retry = tonumber(oldest[2]) + window - now end
    return {0, 1, 0, retry}
  end
  remaining = rate - count - 1
end
if climit >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= climit then return {0, 2, math.max(remaining, 0), 1000} end
  redis.call('ZADD', KEYS[2], now + lease, ARGV[6])
  redis.call('PEXPIRE', KEYS[2], lease)
end
if rate >= 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
end
return {1, 0, remaining, 0}`;

export interface AdmissionDecision {
  admitted: boolean;
  reason: 'ok' | 'rate' | 'connections';
  rate: RateLimitDecision | null;
}

let seq = 0;

export class Admission {
  private sha?: string;
  readonly rates: RateLimiter;
  readonly connections: ConnectionLimiter;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly windowMs = 60_000,
  ) {
    this.rates = new RateLimiter(redis, prefix, windowMs);
    this.connections = new ConnectionLimiter(redis, prefix);
  }

  /**
   * Counts one request against `requestsPerMinute` and, when `connectionId` is given, takes a
   * connection lease against `maxConnections` (null = unlimited for either).
   */
  async admit(
    subject: string,
    requestsPerMinute: number | null,
    maxConnections: number | null,
    connectionId: string | null,
    leaseMs = CONNECTION_LEASE_MS,
    now = Date.now(),
  ): Promise<AdmissionDecision> {
    const rate = requestsPerMinute ?? -1;
    const conns = connectionId === null ? -1 : (maxConnections ?? -1);
    if (rate < 0 && conns < 0) return { admitted: true, reason: 'ok', rate: null };
    const member = `${now}-${process.pid}-${(seq = (seq + 1) % 1e9)}`;
    const keys = [this.rates.key(subject), this.connections.key(subject)];
    const args = [now, this.windowMs, rate, member, conns, connectionId ?? '', leaseMs];
    let r: [number, number, number, number];
    try {
      this.sha ??= (await this.redis.script('LOAD', SCRIPT)) as string;
      r = (await this.redis.evalsha(this.sha, 2, ...keys, ...args)) as typeof r;
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      r = (await this.redis.eval(SCRIPT, 2, ...keys, ...args)) as typeof r;
    }
    const [admitted, reason, remaining, retry] = r;
    return {
      admitted: admitted === 1,
      reason: reason === 1 ? 'rate' : reason === 2 ? 'connections' : 'ok',
      rate: requestsPerMinute === null ? null : {
        allowed: reason !== 1, limit: requestsPerMinute, remaining: Math.max(0, remaining),
        retryAfterMs: Math.max(0, retry), resetMs: this.windowMs,
      },
    };
  }

  release(subject: string, connectionId: string): Promise<void> {
    return this.connections.release(subject, connectionId);
  }
}
