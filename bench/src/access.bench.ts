/**
 * Access benchmark (self-contained: starts its own API processes in an isolated Postgres
 * schema and Redis prefix, and removes them afterwards):
 *   node bench/dist/access.bench.js [--quick]
 * Figures:
 *   1. the cost of authentication + rate limiting per request: the same request against an
 *      API with enforcement on (API key → principal, sliding-window admission in Redis,
 *      per-tier depth/cost/namespace checks) and one started with AUTH_DISABLED=true,
 *      measured in alternating rounds in one run; ratio of p50 latency and of throughput
 *      (goal ≤ 1.15×);
 *   2. precision: keys driven past their tier's quota by concurrent clients on two API
 *      instances; admitted requests vs the quota (goal: within 1%).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { newApiKey } from '@aivillage/auth';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@aivillage/config';
import { createIsolatedDatabase } from '@aivillage/db';
import { createRedis, deleteKeysMatching } from '@aivillage/queues';
import { median } from './lib/stats.js';
import { ms, pct, renderTable } from './lib/table.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = args.quick ? 2 : 4;
const ROUND_S = args.quick ? 4 : 8;
const CONNECTIONS = 16;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const log = (m: string) => process.stderr.write(`access-bench: ${m}\n`);

async function startApi(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, 'apps/api/dist/main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`api exited (${code}) before listening`)));
  });
  return { url, child };
}

function load(url: string, key: string | null, body: string, seconds: number, connections = CONNECTIONS) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `${url}/graphql`, method: 'POST', connections, duration: seconds, body,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function main() {
  const db = await createIsolatedDatabase(databaseUrl, 'bench');
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const redis = createRedis(redisUrl);
  const children: ChildProcess[] = [];
  try {
    const ns = await db.prisma.namespace.create({ data: { name: 'default', tier: 'GOLD' } });
    const mkKey = async (tier: 'BRONZE' | 'SILVER' | 'GOLD' | 'PLATINUM', rateLimitPerMinute?: number) => {
      const k = newApiKey();
      await db.prisma.apiKey.create({ data: { name: 'bench', prefix: k.prefix, secretHash: k.hash, tier, namespaceId: ns.id, scopes: ['read', 'write'], rateLimitPerMinute } });
      return k.key;
    };
    const common = { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: db.schema, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'info' };
    const on = await startApi(common);
    const off = await startApi({ ...common, AUTH_DISABLED: 'true' });
    const on2 = await startApi(common);
    children.push(on.child, off.child, on2.child);

    // 1. Cost of enforcement. `rated`: a PLATINUM key with a custom rate far above the load,
    // so the sliding window runs on every request but never refuses. `unrated`: a PLATINUM
    // key without one (authentication and per-operation checks only, no Redis round trip).
    const key = await mkKey('PLATINUM', 1_000_000_000);
    const unratedKey = await mkKey('PLATINUM');
    const cases = [
      { name: '{ tiers } (response cache hit)', body: JSON.stringify({ query: '{ tiers { tier requestsPerMinute } }' }) },
      { name: '{ apiKeys } (Postgres)', body: JSON.stringify({ query: '{ apiKeys { id prefix tier } }' }) },
    ];
    const rows: string[][] = [];
    const json: Record<string, unknown> = {};
    for (const c of cases) {
      log(`warming up ${c.name}`);
      await load(on.url, key, c.body, 2);
      await load(off.url, null, c.body, 2);
      const modes = { rated: { url: on.url, key }, unrated: { url: on.url, key: unratedKey }, off: { url: off.url, key: null } };
      type Mode = keyof typeof modes;
      const p50: Record<Mode, number[]> = { rated: [], unrated: [], off: [] };
      const rps: Record<Mode, number[]> = { rated: [], unrated: [], off: [] };
      let errors = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const order: Mode[] = r % 2 === 0 ? ['rated', 'unrated', 'off'] : ['off', 'unrated', 'rated'];
        for (const mode of order) {
          const res = await load(modes[mode].url, modes[mode].key, c.body, ROUND_S);
          p50[mode].push(res.latency.p50);
          rps[mode].push(res.requests.average);
          errors += res.errors + res.non2xx;
          log(`${c.name} round ${r + 1} ${mode}: ${res.requests.average.toFixed(0)} req/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms`);
        }
      }
      for (const mode of ['rated', 'unrated'] as const) {
        const label = mode === 'rated' ? 'auth + rate limit' : 'auth only';
        const throughputRatio = median(rps.off) / median(rps[mode]);
        rows.push([`${c.name}, ${label}: throughput`, `${median(rps[mode]).toFixed(0)} req/s`, `${median(rps.off).toFixed(0)} req/s`, `${throughputRatio.toFixed(3)}×`, '≤ 1.15×']);
        rows.push([`${c.name}, ${label}: p50 latency`, ms(median(p50[mode])), ms(median(p50.off)), `${(median(p50[mode]) / median(p50.off)).toFixed(3)}×`, '']);
      }
      json[c.name] = { p50, rps, errors };
    }

    // 2. Precision: drive keys past their quota from many concurrent clients on two instances.
    const precision: string[][] = [];
    for (const [tier, quota] of [['BRONZE', 60], ['SILVER', 200], ['GOLD', 500]] as const) {
      const k = await mkKey(tier);
      const body = JSON.stringify({ query: '{ me { tier } }' });
      const [a, b] = await Promise.all([
        load(on.url, k, body, 3, 32),
        load(on2.url, k, body, 3, 32),
      ]);
      const admitted = a['2xx'] + b['2xx'];
      const refused = a.non2xx + b.non2xx;
      const error = Math.abs(admitted - quota) / quota;
      precision.push([`${tier} key, ${a.requests.total + b.requests.total} requests in 3 s on 2 instances`, `${admitted} admitted`, `${quota}/min`, pct(error), '≤ 1%', `${refused} refused (429)`]);
      json[`precision-${tier}`] = { admitted, quota, refused };
    }

    console.log(`\nAccess benchmark — ${os.cpus().length} CPUs, Node ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_S} s\n`);
    console.log(renderTable(['figure', 'enforcement on', 'enforcement off (baseline)', 'ratio', 'goal'], rows));
    console.log('');
    console.log(renderTable(['precision', 'measured', 'quota', 'error', 'goal', 'note'], precision));
    console.log(`\n${JSON.stringify(json)}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await deleteKeysMatching(redis, `${prefix}:*`);
    redis.disconnect();
    await db.drop();
  }
}

await main();
