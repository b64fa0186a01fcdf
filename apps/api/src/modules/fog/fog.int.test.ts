/**
 * Fog computing end to end: a real API, a real worker (the scheduler) and real fog agent
 * processes (apps/api/dist/fog-agent.js, spawned) running real WASI modules. Covers the
 * lifecycle with timestamps and live updates, admission (BAD_USER_INPUT naming the
 * resource), a module looping forever (TIMED_OUT, node keeps working), a malformed module
 * (FAILED COMPILE_ERROR), namespace isolation, admin-only command templates, an agent
 * SIGKILLed mid-job (rescheduled once, completed once, the stale report refused) and cost.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { busyLoop, busyLoopExpected, helloWorld, HELLO_TEXT, infiniteLoop, malformed } from '@aivillage/fog/fixtures';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestStack, stopChild, type TestStack } from '../../test-stack.js';

const AGENT_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fog-agent.js');
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

let stack: TestStack;
const agents: ChildProcess[] = [];
let env: Record<string, string>;

const SUBMIT = `mutation($i: SubmitFogJobInput!) { submitFogJob(input: $i) { id status tier namespace } }`;
const JOB = `query($id: ID!) { fogJob(id: $id) { id status nodeId attempt exitCode errorCode error stdout stderr stdoutBytes queuedAt scheduledAt startedAt finishedAt
  timings { queueWaitMs allocationMs startupMs runMs cleanupMs totalRunMs } } }`;
const NODES = `query { fogNodes { id name status cpuCores memoryMb missedHeartbeats utilisation { runningJobs } } }`;

function startAgent(name: string, extra: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [AGENT_MAIN, '--api', stack.apis[0].url, '--key', stack.adminKey, '--name', name, '--cpus', '2', '--memory-mb', '2048', ...extra], {
    env: { ...env, LOG_LEVEL: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'info', FOG_AGENT_GRACE_MS: '2000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  agents.push(child);
  return child;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function submit(input: Record<string, unknown>, key?: string) {
  const r = await stack.gql(SUBMIT, { i: { runtime: 'WASI', resources: { cpuCores: 0.5, memoryMb: 64 }, timeoutMs: 10_000, ...input } }, key ? { key } : {});
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data.submitFogJob as { id: string; status: string; tier: string };
}

const job = async (id: string) => (await stack.gql(JOB, { id })).body.data.fogJob;
const finished = (id: string, timeoutMs?: number) =>
  waitFor(`job ${id} to finish`, async () => {
    const j = await job(id);
    return ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(j.status) && j;
  }, timeoutMs);

before(async () => {
  stack = await startTestStack({
    apis: 1, workers: 1,
    env: { WORKER_QUEUES: 'maintenance,fog', FOG_SCHEDULER_INTERVAL_MS: '300', FOG_HEARTBEAT_MS: '400', FOG_MISSED_HEARTBEATS: '3' },
  });
  env = {
    ...(process.env as Record<string, string>), REDIS_PREFIX: stack.redisPrefix, FOG_HEARTBEAT_MS: '400',
  };
  startAgent('agent-a');
  await waitFor('agent-a ONLINE', async () => (await stack.gql(NODES)).body.data?.fogNodes?.find((n: { name: string; status: string }) => n.name === 'agent-a' && n.status === 'ONLINE'));
});

after(async () => {
  await Promise.all(agents.map((a) => stopChild(a, 'SIGKILL')));
  await stack?.stop();
});

describe('fog', () => {
  test('a WASI job runs QUEUED → SCHEDULED → RUNNING → SUCCEEDED with every timestamp, its output and live updates', async () => {
    const updates: { status: string | null; kind: string; text: string | null }[] = [];
    const first = await submit({ moduleBase64: b64(busyLoop()), args: ['1000'] }); // warms the agent's sandbox
    await finished(first.id);
    const client = createClient({ url: `${stack.apis[0].url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stack.adminKey}` } });
    // The node is cordoned while the job is submitted and the subscription starts, so no update
    // can go out before the subscription is live; then the node takes it.
    const CORDON = `mutation($id: ID!, $c: Boolean!) { cordonFogNode(id: $id, cordoned: $c) { id } }`;
    const nodeA = (await stack.gql(NODES)).body.data.fogNodes.find((n: { name: string }) => n.name === 'agent-a');
    await stack.gql(CORDON, { id: nodeA.id, c: true });
    const submitted = await submit({ moduleBase64: b64(helloWorld()), name: 'hello' });
    let live!: () => void;
    const subscribed = new Promise<void>((r) => (live = r));
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription($id: ID!) { fogJobUpdates(jobId: $id) { kind status text stream attempt } }', variables: { id: submitted.id } },
        {
          next: (v) => {
            const u = v.data?.fogJobUpdates as { status: string | null; kind: string; text: string | null };
            updates.push(u);
            if (u?.status === 'SUCCEEDED') resolve();
          },
          error: reject, complete: resolve,
        },
      );
      client.on('connected', () => setTimeout(live, 200)); // the server subscribes right after connection_ack
    });
    await subscribed;
    await stack.gql(CORDON, { id: nodeA.id, c: false });
    const j = await finished(submitted.id);
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
    await client.dispose();
    assert.equal(j.status, 'SUCCEEDED');
    assert.equal(j.exitCode, 0);
    assert.equal(j.stdout, HELLO_TEXT);
    assert.equal(j.attempt, 1);
    for (const k of ['queuedAt', 'scheduledAt', 'startedAt', 'finishedAt']) assert.ok(j[k], `${k} kept`);
    for (const k of ['queueWaitMs', 'allocationMs', 'startupMs', 'runMs', 'cleanupMs']) assert.equal(typeof j.timings[k], 'number', k);
    assert.equal(submitted.tier, 'GOLD', "tier from the namespace's");
    const statuses = updates.filter((u) => u.kind === 'STATUS').map((u) => u.status);
    assert.ok(statuses.includes('RUNNING') && statuses.at(-1) === 'SUCCEEDED', JSON.stringify(updates));
    const list = await stack.gql(`query { fogJobs(filter: { status: SUCCEEDED }, first: 10) { nodes { id } pageInfo { hasNextPage } } }`);
    assert.ok(list.body.data.fogJobs.nodes.some((n: { id: string }) => n.id === submitted.id));
  });

  test('a job asking for more than any node has is refused at submit, naming the resource', async () => {
    for (const [resources, resource] of [[{ gpus: 4, cpuCores: 1, memoryMb: 64 }, 'gpus'], [{ cpuCores: 64, memoryMb: 64, gpus: 0 }, 'cpuCores'], [{ cpuCores: 1, memoryMb: 1 << 20, gpus: 0 }, 'memoryMb']] as const) {
      const r = await stack.gql(SUBMIT, { i: { runtime: 'WASI', moduleBase64: b64(helloWorld()), resources } });
      assert.equal(r.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(r.body.errors[0].extensions.resource, resource);
      assert.match(r.body.errors[0].message, new RegExp(resource === 'gpus' ? 'GPU' : resource === 'cpuCores' ? 'CPU' : 'memory'));
    }
  });

  test('a module that loops forever ends TIMED_OUT and the node keeps taking jobs; a malformed one FAILS with COMPILE_ERROR', async () => {
    const loop = await submit({ moduleBase64: b64(infiniteLoop()), timeoutMs: 600 });
    const bad = await submit({ moduleBase64: b64(malformed()) });
    const l = await finished(loop.id);
    assert.equal(l.status, 'TIMED_OUT');
    const m = await finished(bad.id);
    assert.equal(m.status, 'FAILED');
    assert.equal(m.errorCode, 'COMPILE_ERROR');
    assert.ok(m.error);
    const after = await submit({ moduleBase64: b64(helloWorld()) });
    const a = await finished(after.id);
    assert.equal(a.status, 'SUCCEEDED');
    assert.equal(a.nodeId, l.nodeId, 'the same node ran the next job');
    const nodes = (await stack.gql(NODES)).body.data.fogNodes;
    assert.equal(nodes.find((n: { id: string }) => n.id === l.nodeId).status, 'ONLINE');
  });

  test('a job of namespace A can be neither read nor cancelled from namespace B', async () => {
    const a = await stack.createKey({ namespace: 'fog-a' });
    const b = await stack.createKey({ namespace: 'fog-b' });
    const j = await submit({ namespace: 'fog-a', moduleBase64: b64(helloWorld()) }, a.key);
    const read = await stack.gql(JOB, { id: j.id }, { key: b.key });
    assert.equal(read.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const cancel = await stack.gql(`mutation($id: ID!) { cancelFogJob(id: $id) { id } }`, { id: j.id }, { key: b.key });
    assert.equal(cancel.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const into = await stack.gql(SUBMIT, { i: { namespace: 'fog-a', runtime: 'WASI', moduleBase64: b64(helloWorld()) } }, { key: b.key });
    assert.equal(into.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await stack.gql(JOB, { id: j.id }, { key: a.key })).body.data.fogJob.id, j.id);
  });

  test('command jobs run only admin-registered templates with arguments matching them', async () => {
    const REG = `mutation($i: RegisterFogCommandTemplateInput!) { registerFogCommandTemplate(input: $i) { name } }`;
    const input = { name: 'echo', command: ['/bin/echo'], argPatterns: ['^[a-z]{1,16}$'] };
    assert.equal((await stack.gql(REG, { i: input })).body.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'an API key is not a platform admin');
    const byAdmin = await stack.gql(REG, { i: input }, { key: null, headers: { cookie: stack.adminCookie, origin: 'http://localhost:3000' } });
    assert.equal(byAdmin.body.errors, undefined, JSON.stringify(byAdmin.body.errors));
    const bad = await stack.gql(SUBMIT, { i: { runtime: 'COMMAND', template: 'echo', args: ['rm -rf /'] } });
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const unknown = await stack.gql(SUBMIT, { i: { runtime: 'COMMAND', template: 'bash', args: [] } });
    assert.equal(unknown.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const ok = await submit({ runtime: 'COMMAND', template: 'echo', args: ['fog'] });
    const j = await finished(ok.id);
    assert.equal(j.status, 'SUCCEEDED', j.error);
    assert.equal(j.stdout, 'fog\n');
  });

  test('an agent killed mid-job: the job is rescheduled once, completes once, and the stale report is refused', async () => {
    // agent-b joins cordoned, so the job starts on agent-a; then b is uncordoned and a is killed.
    const b = startAgent('agent-b');
    const nodeB = await waitFor('agent-b ONLINE', async () => (await stack.gql(NODES)).body.data.fogNodes.find((n: { name: string; status: string }) => n.name === 'agent-b' && n.status === 'ONLINE'));
    const CORDON = `mutation($id: ID!, $c: Boolean!) { cordonFogNode(id: $id, cordoned: $c) { id status cordoned } }`;
    assert.equal((await stack.gql(CORDON, { id: nodeB.id, c: true })).body.data.cordonFogNode.status, 'DRAINING');
    const N = 1_500_000_000;
    const long = await submit({ moduleBase64: b64(busyLoop()), args: [String(N)], timeoutMs: 60_000 });
    const running = await waitFor('RUNNING on agent-a', async () => {
      const j = await job(long.id);
      return j.status === 'RUNNING' && j;
    });
    const tokenRow = await stack.db.prisma.fogJob.findUniqueOrThrow({ where: { id: long.id } });
    assert.equal((await stack.gql(CORDON, { id: nodeB.id, c: false })).body.data.cordonFogNode.status, 'ONLINE');
    const a = agents[0];
    a.kill('SIGKILL');
    const j = await finished(long.id, 40_000);
    assert.equal(j.status, 'SUCCEEDED');
    assert.equal(j.attempt, 2, 'rescheduled exactly once');
    assert.notEqual(j.nodeId, running.nodeId, 'on the other node');
    assert.equal(j.stdout.trim(), String(busyLoopExpected(N)));
    const stale = await stack.gql(`mutation($i: CompleteFogJobInput!) { completeFogJob(input: $i) { id } }`, {
      i: { jobId: long.id, token: tokenRow.assignmentToken, status: 'SUCCEEDED', exitCode: 0 },
    });
    assert.equal(stale.body.errors?.[0]?.extensions?.code, 'CONFLICT', JSON.stringify(stale.body.errors));
    assert.equal(await stack.db.prisma.fogUsageRecord.count({ where: { jobId: long.id } }), 1, 'one completion, one usage record');
    // SIGTERM: the agent drains and exits cleanly.
    assert.equal(await stopChild(b, 'SIGTERM'), 0);
  });

  test('the cost report and the monthly invoice price the usage per tier with the saving against the cloud', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const r = await stack.gql(`query($f: DateTime!, $t: DateTime!) { fogCostReport(namespace: "default", from: $f, to: $t) {
      records total { totalMicros cloudMicros savingPercent cpuCoreHours totalUsd } byTier { tier totalMicros savingPercent } byDay { day } } }`, { f: from, t: to });
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    const report = r.body.data.fogCostReport;
    assert.ok(report.records >= 5);
    assert.ok(report.total.cpuCoreHours > 0);
    assert.deepEqual(report.byTier.map((t: { tier: string }) => t.tier), ['GOLD']);
    // Tiny amounts round to whole µ$: the exact 60 % Gold saving is proven in libs/fog cost tests; here: cheaper than the cloud.
    assert.ok(report.total.totalMicros < report.total.cloudMicros, JSON.stringify(report.total));
    const month = new Date().toISOString().slice(0, 7);
    const inv = await stack.gql(`query($m: String!) { fogInvoice(namespace: "default", month: $m) { month lines { tier resource quantity amountMicros } totalMicros totalCents savingPercent } }`, { m: month });
    assert.equal(inv.body.errors, undefined, JSON.stringify(inv.body.errors));
    assert.ok(inv.body.data.fogInvoice.lines.some((l: { resource: string }) => l.resource === 'CPU'));
    const badMonth = await stack.gql(`query { fogInvoice(namespace: "default", month: "2026-13") { month } }`);
    assert.equal(badMonth.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
