/**
 * Redis connections. BullMQ needs `maxRetriesPerRequest: null` on its connections
 * (blocking commands must wait out reconnects instead of failing the job loop);
 * we use the same settings everywhere so one factory serves queues, pub/sub and heartbeats.
 */
import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Reconnect quickly at first, then back off to 2 s between attempts.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    ...options,
  });
}

/** Milliseconds one PING takes, or throws when Redis does not answer within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - started;
}

/**
 * Deletes every key matching `pattern`, in SCAN batches (never KEYS, which blocks Redis).
 * Used to remove a test run's own prefix; never point it at a shared one.
 */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
