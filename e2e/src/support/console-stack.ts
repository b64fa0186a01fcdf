/**
 * The whole platform for a browser test, isolated from everything else on the machine: its
 * own Postgres schema (migrated from scratch, then seeded with an admin, the `default`
 * namespace and a traffic API key — see seed-access.ts), its own Redis key prefix, free
 * ports, its own model artifact directory (a fresh temp dir, shared by the API, which stores
 * uploads there, and the worker, which loads models from it for inference), and real
 * processes — the built API, one worker process and the built console (`next start`).
 * `stop()` ends the processes, drops the schema, deletes the prefix's Redis keys and removes
 * the artifact directory, also after a start that failed half-way.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@aivillage/config';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { createRedis, deleteKeysMatching } from '@aivillage/queues';
import { API_MAIN, ARTIFACTS_DIR, CONSOLE_DIR, NEXT_BIN, REPO_ROOT, WORKERS_MAIN } from './paths.js';
import { seedAccess, type Credentials } from './seed-access.js';
import { freePort, startService, waitForHttpOk, type Service } from './services.js';

const READY_TIMEOUT_MS = 30_000;

export interface ConsoleStack {
  /** e.g. http://127.0.0.1:41234 (GraphQL at `${apiUrl}/graphql`) */
  apiUrl: string;
  /** e.g. http://127.0.0.1:41235 */
  consoleUrl: string;
  schema: string;
  redisPrefix: string;
  /** MODEL_ARTIFACT_DIR of the API and the worker (a temp dir, removed by `stop()`). */
  artifactDir: string;
  /** A platform admin in this run's schema (the browser signs in as it). */
  admin: Credentials;
  /** An unlimited PLATINUM key in `default`, for traffic from Node (`Authorization: Bearer …`). */
  trafficKey: string;
  api: Service;
  worker: Service;
  console: Service;
  stop(): Promise<void>;
}

/** Fails with the command to run when something the stack runs has not been built. */
export function assertBuilt(): void {
  const missing: string[] = [];
  if (!existsSync(path.join(CONSOLE_DIR, '.next/BUILD_ID'))) {
    missing.push('the console is not built (apps/console/.next is missing): run `npm run build:console`');
  }
  for (const main of [API_MAIN, WORKERS_MAIN]) {
    if (!existsSync(main)) missing.push(`${path.relative(REPO_ROOT, main)} is missing: run \`npm run build\``);
  }
  if (!existsSync(NEXT_BIN)) missing.push('node_modules/.bin/next is missing: run `npm install`');
  if (missing.length) throw new Error(`Cannot start the e2e stack:\n  - ${missing.join('\n  - ')}`);
}

export interface ConsoleStackOptions {
  /**
   * Extra environment of the API and the worker (not the console), e.g. TRAINING_COMMANDS
   * binding training phases to a test program; applied over the stack's own settings.
   */
  env?: NodeJS.ProcessEnv;
}

export async function startConsoleStack({ env = {} }: ConsoleStackOptions = {}): Promise<ConsoleStack> {
  assertBuilt();
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const redisPrefix = `e2e-${randomBytes(5).toString('hex')}`;
  // Per run, so suites running side by side do not overwrite each other's logs.
  const logDir = path.join(ARTIFACTS_DIR, 'logs', redisPrefix);

  const services: Service[] = [];
  let db: IsolatedDatabase | undefined;
  let artifactDir: string | undefined;
  // Every step runs even when an earlier one fails; the first failure is reported.
  const stop = async () => {
    const results: PromiseSettledResult<unknown>[] = await Promise.allSettled(services.map((s) => s.stop()));
    results.push(
      ...(await Promise.allSettled([
        db?.drop(),
        deleteRedisPrefix(redisUrl, redisPrefix),
        artifactDir ? rm(artifactDir, { recursive: true, force: true }) : undefined,
      ])),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    db = await createIsolatedDatabase(databaseUrl, 'e2e');
    artifactDir = await mkdtemp(path.join(tmpdir(), `${redisPrefix}-artifacts-`));
    const access = await seedAccess(db);
    const apiPort = await freePort();
    let consolePort = await freePort();
    while (consolePort === apiPort) consolePort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const consoleUrl = `http://127.0.0.1:${consolePort}`;
    const shared = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      // Uploads land here (API) and inference loads them from here (worker): one directory.
      MODEL_ARTIFACT_DIR: artifactDir,
      LOG_LEVEL: 'warn',
      ...env,
    };

    const api = startService('api', process.execPath, [API_MAIN], {
      cwd: REPO_ROOT,
      env: { ...shared, PORT: String(apiPort), HOST: '127.0.0.1', CORS_ORIGINS: consoleUrl },
      logDir,
    });
    services.push(api);
    const worker = startService('workers', process.execPath, [WORKERS_MAIN], { cwd: REPO_ROOT, env: shared, logDir });
    services.push(worker);
    const web = startService('console', NEXT_BIN, ['start', '-p', String(consolePort), '-H', '127.0.0.1'], {
      cwd: CONSOLE_DIR,
      env: { ...process.env, API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
      logDir,
    });
    services.push(web);

    await Promise.all([
      waitForHttpOk(api, `${apiUrl}/healthz`, READY_TIMEOUT_MS),
      waitForHttpOk(web, `${consoleUrl}/`, READY_TIMEOUT_MS),
    ]);
    worker.assertRunning();

    return {
      apiUrl,
      consoleUrl,
      schema: db.schema,
      redisPrefix,
      artifactDir,
      admin: access.admin,
      trafficKey: access.trafficKey,
      api,
      worker,
      console: web,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** Deletes every key under the run's own prefix (queues, heartbeats, pub/sub state). */
async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysMatching(redis, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
