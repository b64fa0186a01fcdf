/**
 * A throwaway platform for a self-contained bench: its own Postgres schema (migrated), Redis
 * prefix and artifact directory, the `default` namespace (PLATINUM) and an API key with every
 * scope; the processes a bench starts go in `children`. All of it is removed afterwards.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { newApiKey } from '@aivillage/auth';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@aivillage/config';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { createRedis, deleteKeysMatching } from '@aivillage/queues';
import { stopAll } from './processes.js';

export interface IsolatedPlatform {
  db: IsolatedDatabase;
  databaseUrl: string;
  redis: Redis;
  prefix: string;
  namespaceId: string;
  /** `Authorization: Bearer <key>`. */
  key: string;
  /** Environment for the API and worker processes of this platform. */
  env: Record<string, string>;
  /** Processes to stop at the end. */
  children: ChildProcess[];
}

export async function withIsolatedPlatform<T>(label: string, fn: (p: IsolatedPlatform) => Promise<T>, opts: { rateLimitPerMinute?: number } = {}): Promise<T> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const db = await createIsolatedDatabase(databaseUrl, 'bench');
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const artifactDir = await mkdtemp(path.join(os.tmpdir(), `${label}-bench-`));
  const redis = createRedis(redisUrl);
  const children: ChildProcess[] = [];
  try {
    const ns = await db.prisma.namespace.create({ data: { name: 'default', tier: 'PLATINUM' } });
    const k = newApiKey();
    await db.prisma.apiKey.create({
      data: { name: 'bench', prefix: k.prefix, secretHash: k.hash, tier: 'PLATINUM', namespaceId: ns.id, scopes: ['read', 'write', 'metrics'], rateLimitPerMinute: opts.rateLimitPerMinute },
    });
    const env = {
      DATABASE_URL: databaseUrl, DATABASE_SCHEMA: db.schema, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, MODEL_ARTIFACT_DIR: artifactDir, LOG_LEVEL: 'info', NODE_ENV: 'production',
    };
    return await fn({ db, databaseUrl, redis, prefix, namespaceId: ns.id, key: k.key, env, children });
  } finally {
    await stopAll(children);
    await deleteKeysMatching(redis, `${prefix}:*`);
    redis.disconnect();
    await db.drop();
    await rm(artifactDir, { recursive: true, force: true });
  }
}
