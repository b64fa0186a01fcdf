/**
 * A real fog agent process for a browser test (apps/api/dist/fog-agent.js, `npm run
 * fog-agent`): it registers a fog node through the stack's API with an API key, heartbeats,
 * and pulls its jobs from the stack's Redis prefix. Its log goes beside the stack's service
 * logs. Stop it (`service.stop()`, SIGTERM: it drains and exits) before the stack stops, so
 * it does not outlive the Redis prefix and the schema.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_REDIS_URL } from '@aivillage/config';
import type { ConsoleStack } from './console-stack.js';
import { ARTIFACTS_DIR, REPO_ROOT } from './paths.js';
import { startService, type Service } from './services.js';

export const FOG_AGENT_MAIN = path.join(REPO_ROOT, 'apps/api/dist/fog-agent.js');

export interface FogAgentOptions {
  /** The node's name (registration is idempotent by name). */
  name: string;
  cpus?: number;
  memoryMb?: number;
  gpus?: number;
  region?: string;
  pool?: 'SHARED' | 'GOLD_DEDICATED';
  namespace?: string;
  /** The API key it registers with (DEVELOPER in the namespace); default the stack's traffic key. */
  apiKey?: string;
  /** Extra environment, e.g. FOG_AGENT_GRACE_MS. */
  env?: NodeJS.ProcessEnv;
}

export function startFogAgent(stack: ConsoleStack, options: FogAgentOptions): Service {
  if (!existsSync(FOG_AGENT_MAIN)) throw new Error(`${path.relative(REPO_ROOT, FOG_AGENT_MAIN)} is missing: run \`npm run build\``);
  const { name, cpus = 2, memoryMb = 2048, gpus = 0, region, pool, namespace = 'default', apiKey = stack.trafficKey, env = {} } = options;
  const args = [FOG_AGENT_MAIN, '--api', stack.apiUrl, '--key', apiKey, '--name', name, '--cpus', String(cpus), '--memory-mb', String(memoryMb), '--gpus', String(gpus), '--namespace', namespace];
  if (region) args.push('--region', region);
  if (pool) args.push('--pool', pool);
  return startService(`fog-agent-${name}`, process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      REDIS_URL: process.env.REDIS_URL || DEFAULT_REDIS_URL,
      REDIS_PREFIX: stack.redisPrefix,
      LOG_LEVEL: 'info',
      FOG_AGENT_GRACE_MS: '2000',
      ...env,
    },
    logDir: path.join(ARTIFACTS_DIR, 'logs', stack.redisPrefix),
  });
}
