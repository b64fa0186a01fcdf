/**
 * Test helper: real API servers (port 0) in this process and real worker processes
 * (`workers/dist/main.js`, spawned), isolated in their own Postgres schema and Redis
 * prefix so tests run side by side and leave nothing behind. Not used in production code.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { apiConfigSchema, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, loadConfig, workerConfigSchema } from '@aivillage/config';
import { hashPassword, newApiKey, type Scope, type TierName } from '@aivillage/auth';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { createLogger } from '@aivillage/log';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRedis, deleteKeysMatching } from '@aivillage/queues';
import { createApiServer, type ApiServer } from './server.js';

const WORKER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../workers/dist/main.js');

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export interface TestStack {
  db: IsolatedDatabase;
  redisPrefix: string;
  apis: { server: ApiServer; url: string }[];
  workers: ChildProcess[];
  /** Spawns a worker process and resolves once its heartbeat is visible. */
  startWorker(): Promise<ChildProcess>;
  /** A platform admin in this stack's database. */
  admin: { id: string; email: string; password: string };
  /** Cookie header of a signed-in session of `admin` (on the first API), for admin-only operations. */
  adminCookie: string;
  /** A PLATINUM key with every scope in namespace `default`; `gql` sends it by default. */
  adminKey: string;
  /** Creates a key directly in the database (fast; the GraphQL path has its own tests). */
  createKey(opts?: { tier?: TierName; scopes?: Scope[]; namespace?: string; expiresAt?: Date; rateLimitPerMinute?: number }): Promise<{ key: string; id: string }>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, opts?: { apiIndex?: number; key?: string | null; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: { data?: T; errors: any[] } }>;
  stop(): Promise<void>;
}

export async function startTestStack(opts: { apis?: number; workers?: number; env?: Record<string, string> } = {}): Promise<TestStack> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const db = await createIsolatedDatabase(databaseUrl, 'api');
  const redisPrefix = `test-${randomBytes(5).toString('hex')}`;
  // Model artifacts are content-addressed and garbage-collected per database: each stack
  // gets its own directory so parallel tests never delete each other's files.
  const ownArtifactDir = opts.env?.MODEL_ARTIFACT_DIR ? null : await mkdtemp(path.join(tmpdir(), `${redisPrefix}-artifacts-`));
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: db.schema,
    REDIS_PREFIX: redisPrefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    METRICS_SAMPLE_MS: '200',
    WORKER_HEARTBEAT_MS: '200',
    WS_INIT_TIMEOUT_MS: '500',
    ...(ownArtifactDir ? { MODEL_ARTIFACT_DIR: ownArtifactDir } : {}),
    ...opts.env,
  };
  const log = createLogger('test', env.LOG_LEVEL);
  const prisma = db.prisma;
  const defaultNs = await prisma.namespace.create({ data: { name: 'default', tier: 'GOLD' } });
  const admin = { email: `admin-${redisPrefix}@example.com`, password: 'correct horse battery', id: '' };
  admin.id = (await prisma.user.create({ data: { email: admin.email, role: 'ADMIN', passwordHash: await hashPassword(admin.password) } })).id;
  const createKey: TestStack['createKey'] = async (o = {}) => {
    const ns = o.namespace
      ? await prisma.namespace.upsert({ where: { name: o.namespace }, create: { name: o.namespace }, update: {} })
      : defaultNs;
    const { key, prefix, hash } = newApiKey();
    const row = await prisma.apiKey.create({
      data: {
        name: 'test', prefix, secretHash: hash, tier: o.tier ?? 'PLATINUM', namespaceId: ns.id,
        scopes: o.scopes ?? ['read', 'write', 'metrics'], expiresAt: o.expiresAt, rateLimitPerMinute: o.rateLimitPerMinute,
      },
    });
    return { key, id: row.id };
  };
  const adminKey = (await createKey()).key;
  const apis: TestStack['apis'] = [];
  const workers: ChildProcess[] = [];
  const redis = createRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  loadConfig(workerConfigSchema, env); // fail here, with every problem listed, rather than in the child
  const startWorker = async () => {
    const child = spawn(process.execPath, [WORKER_MAIN], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    workers.push(child);
    const deadline = Date.now() + 15_000;
    const before = await redis.zcard(`${redisPrefix}:workers`);
    while ((await redis.zcard(`${redisPrefix}:workers`)) <= before) {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('worker did not start within 15 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    return child;
  };
  for (let i = 0; i < (opts.apis ?? 1); i++) {
    const server = await createApiServer(loadConfig(apiConfigSchema, env), { prisma: db.prisma, log });
    apis.push({ server, url: await server.listen() });
  }
  for (let i = 0; i < (opts.workers ?? 1); i++) await startWorker();
  let adminCookie = '';
  if (apis.length) {
    const res = await fetch(`${apis[0].url}/v1/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    if (res.status !== 200) throw new Error(`test admin could not sign in: ${res.status} ${await res.text()}`);
    adminCookie = res.headers.get('set-cookie')!.split(';')[0];
  }
  return {
    db,
    redisPrefix,
    apis,
    workers,
    startWorker,
    admin,
    adminKey,
    adminCookie,
    createKey,
    async gql(query, variables, opts = {}) {
      const key = opts.key === undefined ? adminKey : opts.key;
      const res = await fetch(`${apis[opts.apiIndex ?? 0].url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    },
    async stop() {
      await Promise.all(workers.map((w) => stopChild(w)));
      await Promise.all(apis.map((a) => a.server.stop()));
      await deleteKeysMatching(redis, `${redisPrefix}:*`);
      await redis.quit();
      await db.drop();
      if (ownArtifactDir) await rm(ownArtifactDir, { recursive: true, force: true });
    },
  };
}
