/**
 * The baseline for the platformStatus figures: a bare `node:http` server running
 * graphql-js's `graphql()` (parse, validate, execute on every request; no framework, no
 * document cache, no single flight) over a schema with the same platformStatus fields,
 * doing the same dependency round trips the platform makes for one probe:
 *   Postgres `SELECT 1` (pg Pool, 10 connections like the API's default pool),
 *   Redis PING, the worker heartbeat read (ZRANGEBYSCORE + HMGET), and per queue one
 *   MULTI of LLEN/ZCARD (the round trip BullMQ's getJobCounts script makes).
 * The bench forks this file as a child process so it has its own event loop, as the API
 * does, and reads the port it listens on from an IPC message.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';
import { Redis } from 'ioredis';
import pg from 'pg';

const env = process.env;
const prefix = env.REDIS_PREFIX || 'aivillage';
const queues = (env.BASELINE_QUEUES || 'maintenance').split(',').filter(Boolean);
const workerMaxAgeMs = Number(env.BASELINE_WORKER_MAX_AGE_MS || 6000);
const startedAt = Date.now();

const pool = new pg.Pool({ connectionString: env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/aivillage', max: 10 });
const redis = new Redis(env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
// Failures surface per request as ok: false; don't let ioredis print unhandled error events.
redis.on('error', () => {});
pool.on('error', () => {});

const schema = buildSchema(`
  type DependencyHealth { name: String! ok: Boolean! latencyMs: Float error: String }
  type QueueHealth {
    name: String! ok: Boolean! latencyMs: Float error: String
    waiting: Int! active: Int! delayed: Int! failed: Int! completed: Int! workers: Int!
  }
  type PlatformStatus {
    version: String! healthy: Boolean! uptimeSeconds: Float!
    postgres: DependencyHealth! redis: DependencyHealth! queues: [QueueHealth!]!
  }
  type Query { platformStatus: PlatformStatus! }
`);

async function timed<T>(name: string, probe: () => Promise<T>) {
  const started = performance.now();
  try {
    const value = await probe();
    return { value, health: { name, ok: true, latencyMs: performance.now() - started, error: null as string | null } };
  } catch (error) {
    return { value: undefined, health: { name, ok: false, latencyMs: null, error: (error as Error).message } };
  }
}

async function liveWorkerQueues(): Promise<string[][]> {
  const ids = await redis.zrangebyscore(`${prefix}:workers`, Date.now() - workerMaxAgeMs, '+inf');
  if (ids.length === 0) return [];
  const infos = await redis.hmget(`${prefix}:workers:info`, ...ids);
  return infos.filter((s): s is string => s !== null).map((s) => (JSON.parse(s) as { queues: string[] }).queues);
}

async function queueCounts(queue: string) {
  const key = (state: string) => `${prefix}:bull:${queue}:${state}`;
  const r = await redis
    .multi()
    .llen(key('wait'))
    .llen(key('active'))
    .zcard(key('delayed'))
    .zcard(key('failed'))
    .zcard(key('completed'))
    .zcard(key('prioritized'))
    .exec();
  const n = (i: number) => Number(r?.[i]?.[1] ?? 0);
  return { waiting: n(0) + n(5), active: n(1), delayed: n(2), failed: n(3), completed: n(4) };
}

async function platformStatus() {
  const [postgres, redisHealth, workers, ...perQueue] = await Promise.all([
    timed('postgres', () => pool.query('SELECT 1')),
    timed('redis', () => redis.ping()),
    timed('workers', liveWorkerQueues),
    ...queues.map((q) => timed(q, () => queueCounts(q))),
  ]);
  const serving = workers.value ?? [];
  const queueHealth = perQueue.map(({ health, value }) => {
    const count = serving.filter((qs) => qs.includes(health.name)).length;
    return { ...health, ok: health.ok && count > 0, workers: count, ...(value ?? { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 }) };
  });
  return {
    version: '0.1.0',
    uptimeSeconds: (Date.now() - startedAt) / 1000,
    healthy: postgres.health.ok && redisHealth.health.ok && queueHealth.every((q) => q.ok),
    postgres: postgres.health,
    redis: redisHealth.health,
    queues: queueHealth,
  };
}

const rootValue = { platformStatus };

function send(res: http.ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/graphql') return send(res, 404, { errors: [{ message: 'Not found' }] });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let params: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      params = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { errors: [{ message: 'Invalid JSON body' }] });
    }
    graphql({ schema, source: params.query ?? '', rootValue, variableValues: params.variables, operationName: params.operationName }).then(
      (result) => send(res, 200, result),
      (error) => send(res, 500, { errors: [{ message: (error as Error).message }] }),
    );
  });
});

server.listen(Number(env.BASELINE_PORT || 0), '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void Promise.allSettled([pool.end(), redis.quit()]).then(() => process.exit(0)));
});
