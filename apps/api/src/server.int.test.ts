/**
 * The API end to end over real HTTP and WebSocket, against real Postgres and Redis
 * (isolated schema + prefix) and a real worker process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestStack, stopChild, type TestStack } from './test-stack.js';

const API_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

const STATUS = `query Status { platformStatus { version healthy uptimeSeconds
  postgres { ok latencyMs } redis { ok latencyMs }
  queues { name ok latencyMs workers waiting } workers { id queues lastSeenAt } } }`;

function wsClient(url: string, apiKey: string) {
  return createClient({ url: url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { apiKey } });
}

/** Collects `n` results of a subscription, or rejects with the first error. */
function take<T>(client: ReturnType<typeof wsClient>, query: string, n: number, timeoutMs = 10_000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const timer = setTimeout(() => { dispose(); reject(new Error(`only ${got.length}/${n} results in ${timeoutMs} ms`)); }, timeoutMs);
    const dispose = client.subscribe<T>({ query }, {
      next: (r) => {
        if (r.errors) { clearTimeout(timer); dispose(); reject(Object.assign(new Error('errors'), { errors: r.errors })); return; }
        got.push(r.data as T);
        if (got.length === n) { clearTimeout(timer); dispose(); resolve(got); }
      },
      error: (e) => { clearTimeout(timer); reject(e); },
      complete: () => {},
    });
  });
}

describe('api with one instance and one worker', () => {
  let stack: TestStack;
  before(async () => { stack = await startTestStack(); });
  after(() => stack.stop());

  test('platformStatus reports version, uptime and measured latencies of every dependency', async () => {
    const { status, body } = await stack.gql(STATUS);
    assert.equal(status, 200);
    const s = body.data.platformStatus;
    assert.equal(s.healthy, true);
    assert.match(s.version, /^\d+\.\d+\.\d+/);
    assert.ok(s.uptimeSeconds >= 0);
    for (const dep of [s.postgres, s.redis, ...s.queues]) {
      assert.equal(dep.ok, true);
      assert.ok(dep.latencyMs > 0 && dep.latencyMs < 2000, `latency ${dep.latencyMs}`);
    }
    assert.deepEqual(s.queues.map((q: any) => q.name), ['maintenance', 'inference', 'training', 'p2p', 'knowledge', 'fog']);
    assert.equal(s.queues[0].workers, 1);
    assert.equal(s.workers.length, 1);
  });

  test('probes: /healthz is live, /readyz checks Postgres, Redis and workers', async () => {
    const base = stack.apis[0].url;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as any;
    assert.equal(body.ready, true);
    assert.equal(body.queues[0].workers, 1);
  });

  test('/metrics exposes the guide’s metric names, labelled by operation and status', async () => {
    await stack.gql(STATUS);
    const text = await (await fetch(`${stack.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).text();
    assert.match(text, /http_request_duration_seconds_bucket\{[^}]*endpoint="\/graphql",operation="Status",status="200"/);
    assert.match(text, /^active_connections_total(\{[^}]*\})? \d+/m);
    assert.match(text, /^memory_usage_bytes\{component="api"\} \d+/m);
    assert.match(text, /^process_cpu_seconds_total/m);
  });

  test('bad input gets a clear coded error and the server keeps serving', async () => {
    const url = `${stack.apis[0].url}/graphql`;
    const auth = { authorization: `Bearer ${stack.adminKey}` };
    const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    const malformed = await post('{"query": ');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as any).errors[0].extensions.code, 'BAD_REQUEST');

    const huge = await post(JSON.stringify({ query: `{ platformStatus { version } }`, variables: { pad: 'x'.repeat(1_100_000) } }));
    assert.equal(huge.status, 413);
    assert.equal(((await huge.json()) as any).errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');

    // The schema has no recursive type yet, so depth is built from fields the limit sees
    // before field validation runs: the depth error comes first.
    const tooDeep = await stack.gql(`query Deep { ${'a { '.repeat(11)}b${' }'.repeat(11)} }`);
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.body.errors[0].extensions.code, 'QUERY_TOO_DEEP');
    const deepEnough = await stack.gql(`{ ${'a { '.repeat(9)}b${' }'.repeat(9)} }`);
    assert.ok(!deepEnough.body.errors.some((e: any) => e.extensions.code === 'QUERY_TOO_DEEP'), 'depth 10 is allowed');

    const unknownOp = await post(JSON.stringify({ query: STATUS, operationName: 'Nope' }));
    const unknownBody = (await unknownOp.json()) as any;
    assert.equal(unknownOp.status, 400);
    assert.match(unknownBody.errors[0].message, /Unknown operation named "Nope"/);
    assert.ok(['OPERATION_RESOLUTION_FAILURE', 'BAD_USER_INPUT', 'BAD_REQUEST'].includes(unknownBody.errors[0].extensions.code));

    const unknownField = await stack.gql('{ nope }');
    assert.equal(unknownField.body.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');

    const badArg = await stack.gql('{ namespace(id: "not-a-uuid") { id } }');
    assert.equal(badArg.body.errors[0].extensions.code, 'BAD_USER_INPUT');

    const still = await stack.gql(STATUS);
    assert.equal(still.body.data.platformStatus.healthy, true);
  });

  test('a WebSocket that never sends connection_init is closed with 4408', async () => {
    const ws = new WebSocket(`${stack.apis[0].url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    assert.equal(code, 4408);
    assert.equal((await stack.gql(STATUS)).status, 200);
  });

  test('systemMetrics streams live samples that reflect the traffic', async () => {
    const client = wsClient(stack.apis[0].url, stack.adminKey);
    try {
      const load = setInterval(() => void stack.gql('{ namespaces { id } }'), 10);
      const samples = await take<any>(client, `subscription { systemMetrics(intervalMs: 200) {
        timestamp cpuPercent rssBytes heapUsedBytes eventLoopLagP99Ms requestsPerSecond p95LatencyMs
        activeConnections instances queueDepths { queue waiting active delayed } } }`, 4);
      clearInterval(load);
      const last = samples.at(-1).systemMetrics;
      assert.ok(Date.parse(samples[0].systemMetrics.timestamp) < Date.parse(last.timestamp));
      assert.equal(last.instances, 1);
      assert.ok(last.rssBytes > 10_000_000 && last.heapUsedBytes > 0);
      assert.ok(samples.some((s) => s.systemMetrics.requestsPerSecond > 0), 'traffic shows up as requests/s');
      assert.ok(samples.some((s) => s.systemMetrics.p95LatencyMs > 0));
      assert.ok(last.activeConnections >= 1, 'the WebSocket itself is a connection');
      assert.deepEqual(last.queueDepths.map((q: any) => q.queue), ['maintenance', 'inference', 'training', 'p2p', 'knowledge', 'fog']);
    } finally {
      await client.dispose();
    }
  });

  test('systemMetrics honours intervalMs and rejects one below the sampling period', async () => {
    const client = wsClient(stack.apis[0].url, stack.adminKey);
    try {
      const samples = await take<any>(client, 'subscription { systemMetrics(intervalMs: 600) { timestamp } }', 3);
      const gaps = samples.slice(1).map((s, i) => Date.parse(s.systemMetrics.timestamp) - Date.parse(samples[i].systemMetrics.timestamp));
      for (const gap of gaps) assert.ok(gap >= 450, `gap ${gap} ms`);
      await assert.rejects(take(client, 'subscription { systemMetrics(intervalMs: 10) { timestamp } }', 1), (e: any) => {
        assert.equal(e.errors[0].extensions.code, 'BAD_USER_INPUT');
        return true;
      });
    } finally {
      await client.dispose();
    }
  });
});

describe('api behind a load balancer: two instances share one Redis', () => {
  let stack: TestStack;
  before(async () => { stack = await startTestStack({ apis: 2 }); });
  after(() => stack.stop());

  test('a subscriber on either instance receives the same fleet-wide samples', async () => {
    const a = wsClient(stack.apis[0].url, stack.adminKey);
    const b = wsClient(stack.apis[1].url, stack.adminKey);
    try {
      const q = 'subscription { systemMetrics(intervalMs: 200) { timestamp instances } }';
      const [sa, sb] = await Promise.all([take<any>(a, q, 5), take<any>(b, q, 5)]);
      assert.ok(sa.some((s) => s.systemMetrics.instances === 2), 'samples merge both instances');
      const ta = new Set(sa.map((s) => s.systemMetrics.timestamp));
      assert.ok(sb.some((s) => ta.has(s.systemMetrics.timestamp)), 'both instances relay the same published samples');
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  test('readiness fails when the last worker stops, and recovers when one starts', async () => {
    await stopChild(stack.workers[0]);
    const notReady = await fetch(`${stack.apis[1].url}/readyz`);
    assert.equal(notReady.status, 503);
    const selfReady = await fetch(`${stack.apis[1].url}/readyz?scope=self`);
    assert.equal(selfReady.status, 200, 'this process still serves: Postgres and Redis answer');
    assert.equal(((await selfReady.json()) as any).scope, 'self');
    const s = (await stack.gql(STATUS, undefined, { apiIndex: 1 })).body.data.platformStatus;
    assert.equal(s.healthy, false);
    assert.equal(s.queues[0].workers, 0);
    await stack.startWorker();
    assert.equal((await fetch(`${stack.apis[0].url}/readyz`)).status, 200);
  });
});

describe('api process lifecycle', () => {
  let stack: TestStack;
  before(async () => { stack = await startTestStack({ apis: 0 }); });
  after(() => stack.stop());

  test('SIGTERM drains: WebSockets are closed as going away (1001) and the process exits 0', async () => {
    const child = spawn(process.execPath, [API_MAIN], {
      env: { ...process.env, DATABASE_SCHEMA: stack.db.schema, REDIS_PREFIX: stack.redisPrefix, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_SAMPLE_MS: '200' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const output: string[] = [];
    child.stdout!.on('data', (d) => output.push(String(d)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error(`api exited before listening: ${out}`)));
    });
    const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: stack.adminKey } }));
    await new Promise((r) => ws.once('message', r)); // connection_ack
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const started = Date.now();
    child.kill('SIGTERM');
    assert.equal(await closed, 1001);
    assert.equal(await exited, 0, `api exit code; its log:\n${output.join('')}`);
    assert.ok(Date.now() - started < 5000, `shutdown took ${Date.now() - started} ms`);
  });
});

describe('subscription fan-out', () => {
  let stack: TestStack;
  before(async () => { stack = await startTestStack(); });
  after(() => stack.stop());

  test('many identical subscribers share one execution and each receives every sample', async () => {
    const clients = Array.from({ length: 20 }, () => wsClient(stack.apis[0].url, stack.adminKey));
    try {
      const q = 'subscription { systemMetrics(intervalMs: 200) { timestamp instances } }';
      const all = await Promise.all(clients.map((c) => take<any>(c, q, 3)));
      for (const samples of all) assert.equal(samples.length, 3);
      // Everyone saw the same published samples.
      const first = new Set(all[0].map((s) => s.systemMetrics.timestamp));
      assert.ok(all.every((samples) => samples.some((s) => first.has(s.systemMetrics.timestamp))));
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });
});
