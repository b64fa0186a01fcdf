/**
 * Detection end to end: samples injected into metric_samples (a slow GraphQL operation, a
 * process whose memory climbs), the workers' detect-anomalies job, alerts stored once while
 * unresolved, pushed on Subscription.alerts, acknowledged and resolved — with a webhook that
 * never answers, which must not hold any of it up.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LATENCY_BUCKETS_SECONDS } from '@aivillage/metrics';
import { startTestStack, type TestStack } from '../../test-stack.js';

const WEBHOOK_TIMEOUT_MS = 4000;
let stack: TestStack;
let hook: http.Server;
const hookRequests: { at: number; body: string }[] = [];

before(async () => {
  // A webhook that reads the request and never answers.
  hook = http.createServer((req) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => hookRequests.push({ at: Date.now(), body }));
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  stack = await startTestStack({
    workers: 1,
    env: {
      OBSERVABILITY_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
      OBSERVABILITY_ALERT_WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
      OBSERVABILITY_REGRESSION_RECENT_MS: '60000',
      OBSERVABILITY_REGRESSION_BASELINE_MS: '600000',
      OBSERVABILITY_LEAK_WINDOW_MS: '600000',
      OBSERVABILITY_LEAK_MIN_WINDOW_MS: '120000',
      // The test runs the pass itself.
      OBSERVABILITY_DETECT_INTERVAL_MS: '3600000',
    },
  });
});
after(async () => {
  await stack?.stop();
  hook.closeAllConnections();
  hook.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALERTS = `query($s: AlertStatus, $first: Int, $after: String) { alerts(status: $s, first: $first, after: $after) {
  nodes { id kind severity subject message value threshold baseline status occurrences acknowledgedBy resolvedBy } pageInfo { hasNextPage endCursor } } }`;

/** n requests of `operation`, all in the bucket ending at `bound` seconds, as one sample row. */
function requests(operation: string, ts: Date, bound: number, n: number) {
  const buckets = new Array(LATENCY_BUCKETS_SECONDS.length + 1).fill(0);
  buckets[LATENCY_BUCKETS_SECONDS.indexOf(bound)] = n;
  return {
    ts, metric: 'http_request_duration_seconds', labels: { endpoint: '/graphql', method: 'POST', operation, status: '200' }, component: 'api',
    instance: 'injected-api', kind: 'HISTOGRAM' as const, value: bound * n, count: n, bounds: LATENCY_BUCKETS_SECONDS, buckets,
  };
}
const memory = (instance: string, ts: Date, bytes: number) => ({
  ts, metric: 'memory_usage_bytes', labels: { component: 'api' }, component: 'api', instance, kind: 'GAUGE' as const, value: bytes, bounds: [], buckets: [],
});

async function detect(): Promise<void> {
  const job = await stack.apis[0].server.deps.queues.add('maintenance', 'detect-anomalies', {});
  for (let i = 0; i < 100; i++) {
    const state = await job.getState();
    if (state === 'completed') return;
    if (state === 'failed') throw new Error(`detect-anomalies failed: ${(await stack.apis[0].server.deps.queues.get('maintenance').getJob(job.id!))?.failedReason}`);
    await sleep(50);
  }
  throw new Error('detect-anomalies did not finish in 5 s');
}

describe('alerts', () => {
  test('a regression and a memory leak raise one alert each, live and at once, while the webhook hangs', async () => {
    const now = Date.now();
    const rows = [];
    // Baseline: 10 min of SlowOp at ≤ 25 ms; the last minute at 75–100 ms. FastOp stays fast.
    for (let m = 9; m >= 2; m--) rows.push(requests('SlowOp', new Date(now - m * 60_000), 0.025, 30), requests('FastOp', new Date(now - m * 60_000), 0.01, 30));
    rows.push(requests('SlowOp', new Date(now - 20_000), 0.1, 40), requests('FastOp', new Date(now - 20_000), 0.01, 40));
    // 30 samples over 5 min: one process grows 100 → 300 MB, another stays flat.
    for (let i = 0; i < 30; i++) {
      const ts = new Date(now - 300_000 + i * 10_000);
      rows.push(memory('injected-leaky', ts, 100e6 + i * 7e6), memory('injected-steady', ts, 100e6));
    }
    await stack.db.prisma.metricSample.createMany({ data: rows });

    const client = createClient({ url: `${stack.apis[0].url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stack.adminKey}` } });
    const events: { event: string; alert: { subject: string; kind: string; status: string } }[] = [];
    let live!: () => void;
    const subscribed = new Promise<void>((r) => (live = r));
    client.subscribe(
      { query: 'subscription { alerts { event alert { id kind subject status } } }' },
      { next: (v) => events.push(v.data!.alerts as (typeof events)[number]), error: () => undefined, complete: () => undefined },
    );
    client.on('connected', () => setTimeout(live, 200)); // the server subscribes right after connection_ack
    await subscribed;

    const started = Date.now();
    await detect();
    const detectedInMs = Date.now() - started;
    assert.ok(detectedInMs < WEBHOOK_TIMEOUT_MS, `the pass took ${detectedInMs} ms: it did not wait for the webhook`);
    const open = (await stack.gql(ALERTS, { s: 'OPEN' })).body.data.alerts.nodes;
    const regression = open.find((a: any) => a.kind === 'REGRESSION');
    const leak = open.find((a: any) => a.kind === 'MEMORY_LEAK');
    assert.equal(open.length, 2, JSON.stringify(open));
    assert.equal(regression.subject, 'SlowOp');
    assert.ok(regression.value >= regression.threshold && regression.threshold >= regression.baseline * 1.2);
    assert.ok(regression.baseline > 10 && regression.baseline <= 25, `baseline p95 ${regression.baseline} ms in its bucket`);
    assert.ok(regression.value > 75 && regression.value <= 100, `recent p95 ${regression.value} ms in its bucket`);
    assert.equal(leak.subject, 'api/injected-leaky');
    assert.ok(leak.value >= 1.5, `growth ${leak.value}`);
    assert.match(leak.message, /grew/);

    for (let i = 0; i < 40 && events.length < 2; i++) await sleep(50);
    assert.deepEqual(events.map((e) => `${e.event} ${e.alert.kind} ${e.alert.subject}`).sort(), ['OPENED MEMORY_LEAK api/injected-leaky', 'OPENED REGRESSION SlowOp']);
    for (let i = 0; i < 40 && hookRequests.length < 2; i++) await sleep(50);
    assert.equal(hookRequests.length, 2, 'each new alert was POSTed to the webhook');
    assert.deepEqual(hookRequests.map((r) => JSON.parse(r.body).event), ['OPENED', 'OPENED']);

    // Found again while open: the same rows, counted, not announced again.
    await detect();
    const again = (await stack.gql(ALERTS, { s: 'OPEN' })).body.data.alerts.nodes;
    assert.deepEqual(again.map((a: any) => [a.id, a.occurrences]).sort(), open.map((a: any) => [a.id, 2]).sort());
    await sleep(200);
    assert.equal(events.length, 2);
    assert.equal(hookRequests.length, 2);

    // Acknowledge, then resolve: each change is pushed.
    const ack = await stack.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id) { status acknowledgedBy } }`, { id: regression.id });
    assert.equal(ack.body.data.acknowledgeAlert.status, 'ACKNOWLEDGED');
    assert.ok(ack.body.data.acknowledgeAlert.acknowledgedBy);
    const res = await stack.gql(`mutation($id: ID!) { resolveAlert(id: $id) { status resolvedBy } }`, { id: regression.id });
    assert.equal(res.body.data.resolveAlert.status, 'RESOLVED');
    for (let i = 0; i < 40 && events.length < 4; i++) await sleep(50);
    assert.deepEqual(events.slice(2).map((e) => e.event), ['ACKNOWLEDGED', 'RESOLVED']);
    const conflict = await stack.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }`, { id: regression.id });
    assert.equal(conflict.body.errors[0].extensions.code, 'CONFLICT', 'a resolved alert cannot be acknowledged');
    await client.dispose();
  });

  test('a process whose memory is back to its baseline has its alert resolved by the detector', async () => {
    const now = Date.now();
    await stack.db.prisma.metricSample.createMany({ data: Array.from({ length: 10 }, (_, i) => memory('injected-leaky', new Date(now - (9 - i) * 500), 100e6)) });
    await detect();
    const leak = (await stack.gql(ALERTS, {})).body.data.alerts.nodes.find((a: any) => a.kind === 'MEMORY_LEAK');
    assert.equal(leak.status, 'RESOLVED');
    assert.equal(leak.resolvedBy, 'detector');
  });

  test('paging, bad input and unknown alerts', async () => {
    const page1 = (await stack.gql(ALERTS, { first: 1 })).body.data.alerts;
    assert.equal(page1.nodes.length, 1);
    assert.equal(page1.pageInfo.hasNextPage, true);
    const page2 = (await stack.gql(ALERTS, { first: 1, after: page1.pageInfo.endCursor })).body.data.alerts;
    assert.notEqual(page2.nodes[0].id, page1.nodes[0].id);
    assert.equal((await stack.gql(ALERTS, { first: 0 })).body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal((await stack.gql(ALERTS, { after: 'x' })).body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal((await stack.gql(`mutation { acknowledgeAlert(id: "999999") { id } }`)).body.errors[0].extensions.code, 'NOT_FOUND');
    assert.equal((await stack.gql(`mutation { resolveAlert(id: "nope") { id } }`)).body.errors[0].extensions.code, 'NOT_FOUND');
  });
});
