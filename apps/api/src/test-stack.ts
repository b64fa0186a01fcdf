/**
 * Test helper: real API servers (port 0) in this process and real worker processes
 * (`workers/dist/main.js`, spawned), isolated in their own Postgres schema and Redis
 * prefix so tests run side by side and leave nothing behind. Not used in production code.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { apiConfigSchema, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, loadConfig, workerConfigSchema } from '@aivillage/config';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { createLogger } from '@aivillage/log';
import { spawn, type ChildProcess } from 'node:child_process';
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
  gql<T = any>(query: string, variables?: Record<string, unknown>, apiIndex?: number): Promise<{ status: number; body: { data?: T; errors: any[] } }>;
  stop(): Promise<void>;
}

export async function startTestStack(opts: { apis?: number; workers?: number; env?: Record<string, string> } = {}): Promise<TestStack> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const db = await createIsolatedDatabase(databaseUrl, 'api');
  const redisPrefix = `test-${randomBytes(5).toString('hex')}`;
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
    ...opts.env,
  };
  const log = createLogger('test', env.LOG_LEVEL);
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
  return {
    db,
    redisPrefix,
    apis,
    workers,
    startWorker,
    async gql(query, variables, apiIndex = 0) {
      const res = await fetch(`${apis[apiIndex].url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    async stop() {
      await Promise.all(workers.map((w) => stopChild(w)));
      await Promise.all(apis.map((a) => a.server.stop()));
      await deleteKeysMatching(redis, `${redisPrefix}:*`);
      await redis.quit();
      await db.drop();
    },
  };
}
