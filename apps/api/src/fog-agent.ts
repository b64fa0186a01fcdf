/**
 * `npm run fog-agent -- --api <url> --key <api key> [--name n --cpus n --memory-mb n --gpus n
 *   --gpu-model m --region r --pool SHARED|GOLD_DEDICATED --namespace ns --concurrency n]`
 * Runs a fog node on this machine (libs/fog FogAgent): registers through the GraphQL API,
 * heartbeats through it, pulls its jobs from BullMQ — so REDIS_URL and REDIS_PREFIX must
 * point at the deployment's Redis — and on SIGTERM finishes or hands back its jobs.
 */
import { hostname, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, fogAgentConfigSchema, loadConfig } from '@aivillage/config';
import { FogAgent } from '@aivillage/fog/agent';

let config;
try {
  config = loadConfig(fogAgentConfigSchema);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    api: { type: 'string' }, key: { type: 'string' }, name: { type: 'string' }, cpus: { type: 'string' }, 'memory-mb': { type: 'string' },
    gpus: { type: 'string' }, 'gpu-model': { type: 'string' }, region: { type: 'string' }, pool: { type: 'string' }, namespace: { type: 'string' },
    concurrency: { type: 'string' }, 'key-file': { type: 'string' },
  },
});
const apiUrl = values.api ?? config.FOG_AGENT_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 4000}`;
let apiKey = values.key ?? config.FOG_AGENT_API_KEY;
if (!apiKey && values['key-file']) apiKey = JSON.parse(await import('node:fs/promises').then((f) => f.readFile(values['key-file']!, 'utf8'))).apiKey as string;
if (!apiKey) {
  console.error('fog-agent: an API key is required (--key, --key-file or FOG_AGENT_API_KEY)');
  process.exit(1);
}
const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const log = (msg: string, extra?: Record<string, unknown>) => {
  if (config.LOG_LEVEL !== 'silent') console.log(`fog-agent: ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
};
const agent = new FogAgent({
  apiUrl, apiKey, redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, namespace: values.namespace ?? 'default',
  name: values.name ?? hostname(), cpuCores: num(values.cpus, cpus().length), memoryMb: num(values['memory-mb'], Math.floor(totalmem() / 1024 / 1024)),
  gpus: num(values.gpus, 0), gpuModel: values['gpu-model'] ?? null, region: values.region ?? null,
  pool: values.pool === 'GOLD_DEDICATED' ? 'GOLD_DEDICATED' : 'SHARED', concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  graceMs: config.FOG_AGENT_GRACE_MS, log,
});
// The API may still be starting (npm start): retry registration for a while.
for (let i = 0; ; i++) {
  try {
    await agent.start();
    break;
  } catch (error) {
    if (i >= 60) throw error;
    log(`registration failed (${(error as Error).message}); retrying`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
console.log(`fog-agent: node ${agent.nodeId} ready`);
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log('stopping: finishing or handing back jobs');
    agent.stop().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
  });
