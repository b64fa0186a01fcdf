/**
 * Fog job batches, queue counts and node drain against a real API and scheduling worker:
 * submitFogJobs checks each item on its own; fogQueueSummary and the tier filter count and
 * find them; a node's `allocated` shows what its jobs hold; startFogJob sends a module only
 * to an agent that lacks it; stored logs stop at FOG_LOG_MAX_BYTES *bytes*; and drainFogNode
 * makes a real agent hand back what waits in its queue while its running job finishes, then
 * report the node drained. A "manual" node (registered and driven by the test itself) plays
 * the agent where the test needs the assignment's token.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { busyLoop, helloWorld, HELLO_TEXT } from '@aivillage/fog/fixtures';
import { startTestStack, stopChild, type TestStack } from '../../test-stack.js';

const AGENT_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fog-agent.js');
const hello = helloWorld();
const HELLO_B64 = Buffer.from(hello).toString('base64');
const HELLO_SHA = createHash('sha256').update(hello).digest('hex');
const LOG_CAP = 1024;

let stack: TestStack;
const agents: ChildProcess[] = [];

const SUBMIT_MANY = `mutation($i: [SubmitFogJobInput!]!) { submitFogJobs(inputs: $i) { index job { id status tier namespace } error { code message field resource } } }`;
const JOB = `query($id: ID!) { fogJob(id: $id) { id status nodeId attempt holdReason stdout stderr stdoutBytes stderrBytes } }`;
const NODES = `query { fogNodes { id name status cordoned draining drained activeJobs allocated { cpuCores memoryMb gpus } } }`;
const CORDON = `mutation($id: ID!, $c: Boolean!) { cordonFogNode(id: $id, cordoned: $c) { id status cordoned draining } }`;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ok = (r: { body: { data?: any; errors: unknown[] } }): any => {
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data;
};
const job = async (id: string) => ok(await stack.gql(JOB, { id })).fogJob;
const node = async (name: string) => ok(await stack.gql(NODES)).fogNodes.find((n: { name: string }) => n.name === name);

before(async () => {
  stack = await startTestStack({
    apis: 1, workers: 1,
    env: { WORKER_QUEUES: 'maintenance,fog', FOG_SCHEDULER_INTERVAL_MS: '300', FOG_HEARTBEAT_MS: '1000', FOG_MISSED_HEARTBEATS: '10', FOG_LOG_MAX_BYTES: String(LOG_CAP) },
  });
});

after(async () => {
  await Promise.all(agents.map((a) => stopChild(a, 'SIGKILL')));
  await stack?.stop();
});

describe('fog queue', () => {
  let manualId = '';

  test('submitFogJobs queues the valid items and reports each refused one; queue counts by tier and the tier filter see them', async () => {
    const reg = ok(await stack.gql(`mutation { registerFogNode(input: { name: "manual-1", cpuCores: 2, memoryMb: 2048, runtimes: ["wasi"] }) { id } }`));
    manualId = reg.registerFogNode.id;
    ok(await stack.gql(CORDON, { id: manualId, c: true })); // nothing runs: the jobs stay QUEUED to be counted
    // A Gold key: Platinum is above both its tier and the namespace's (Bronze).
    const a = await stack.createKey({ namespace: 'fq-a', tier: 'GOLD' });
    const base = { namespace: 'fq-a', runtime: 'WASI', moduleSha256: HELLO_SHA, resources: { cpuCores: 1, memoryMb: 64 } };
    const inputs = [
      { ...base, moduleSha256: undefined, moduleBase64: HELLO_B64, tier: 'BRONZE', name: 'bronze' },
      { ...base, tier: 'GOLD', name: 'gold' },
      { ...base, resources: { cpuCores: 64, memoryMb: 64 } },
      { ...base, tier: 'PLATINUM' },
      { ...base, sla: 'Z' },
      { ...base, moduleSha256: 'f'.repeat(64) },
      { ...base, tier: 'SILVER', name: 'silver' },
    ];
    const r = ok(await stack.gql(SUBMIT_MANY, { i: inputs }, { key: a.key })).submitFogJobs;
    assert.deepEqual(r.map((x: { index: number }) => x.index), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(r.map((x: { job: { tier: string } | null }) => x.job?.tier ?? null), ['BRONZE', 'GOLD', null, null, null, null, 'SILVER']);
    assert.ok(r.filter((x: { job: unknown }) => x.job).every((x: { job: { status: string; namespace: string } }) => x.job.status === 'QUEUED' && x.job.namespace === 'fq-a'));
    const errors = r.map((x: { error: { code: string; field: string | null; resource: string | null } | null }) => x.error && [x.error.code, x.error.field, x.error.resource]);
    assert.deepEqual(errors, [
      null, null,
      ['BAD_USER_INPUT', 'resources.cpuCores', 'cpuCores'],
      ['FORBIDDEN', null, null],
      ['BAD_USER_INPUT', 'sla', null],
      ['BAD_USER_INPUT', 'moduleSha256', null],
      null,
    ]);

    const summary = ok(await stack.gql(`query { fogQueueSummary(namespace: "fq-a") { tier queued scheduled running succeeded oldestQueuedAt } }`, {}, { key: a.key })).fogQueueSummary;
    assert.deepEqual(summary.map((t: { tier: string; queued: number }) => [t.tier, t.queued]), [['PLATINUM', 0], ['GOLD', 1], ['SILVER', 1], ['BRONZE', 1]]);
    assert.ok(summary[0].oldestQueuedAt === null && summary[1].oldestQueuedAt);
    const gold = ok(await stack.gql(`query { fogJobs(filter: { namespace: "fq-a", tier: GOLD }) { nodes { id name tier } } }`, {}, { key: a.key })).fogJobs.nodes;
    assert.deepEqual(gold.map((j: { name: string }) => j.name), ['gold']);

    const tooMany = await stack.gql(SUBMIT_MANY, { i: Array.from({ length: 501 }, () => base) }, { key: a.key });
    assert.equal(tooMany.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    for (const x of r.filter((x: { job: unknown }) => x.job)) ok(await stack.gql(`mutation($id: ID!) { cancelFogJob(id: $id) { id } }`, { id: x.job.id }, { key: a.key }));
  });

  test('startFogJob sends the module only to an agent that lacks it; stored logs stop at FOG_LOG_MAX_BYTES bytes; allocated shows what the node holds', async () => {
    ok(await stack.gql(CORDON, { id: manualId, c: false }));
    const submitted = ok(await stack.gql(SUBMIT_MANY, { i: [1, 2].map((n) => ({ runtime: 'WASI', moduleSha256: HELLO_SHA, name: `manual-${n}`, resources: { cpuCores: 1, memoryMb: 64 } })) })).submitFogJobs;
    const ids: string[] = submitted.map((s: { job: { id: string } }) => s.job.id);
    const rows = await waitFor('both SCHEDULED on the manual node', async () => {
      const rows = await stack.db.prisma.fogJob.findMany({ where: { id: { in: ids } } });
      return rows.every((j) => j.status === 'SCHEDULED' && j.nodeId === manualId) && rows;
    });
    const held = await node('manual-1');
    assert.deepEqual([held.activeJobs, held.allocated], [2, { cpuCores: 2, memoryMb: 128, gpus: 0 }]);

    const START = `mutation($j: ID!, $n: ID!, $t: String!, $m: [String!]) { startFogJob(jobId: $j, nodeId: $n, token: $t, cachedModules: $m) { jobId moduleSha256 moduleBase64 } }`;
    const [first, second] = ids.map((id) => rows.find((j) => j.id === id)!);
    const cached = ok(await stack.gql(START, { j: first.id, n: manualId, t: first.assignmentToken, m: [HELLO_SHA] })).startFogJob;
    assert.deepEqual([cached.moduleSha256, cached.moduleBase64], [HELLO_SHA, null]);
    const fresh = ok(await stack.gql(START, { j: second.id, n: manualId, t: second.assignmentToken })).startFogJob;
    assert.deepEqual([fresh.moduleSha256, fresh.moduleBase64], [HELLO_SHA, HELLO_B64]);

    // 600 two-byte characters (1,200 bytes) and 2,000 one-byte ones: each stream keeps its first 1,024 bytes, whole characters only.
    const COMPLETE = `mutation($i: CompleteFogJobInput!) { completeFogJob(input: $i) { id status } }`;
    const logs = [{ stream: 'STDOUT', text: 'é'.repeat(300) }, { stream: 'STDERR', text: 'x'.repeat(2000) }, { stream: 'STDOUT', text: 'é'.repeat(300) }];
    ok(await stack.gql(COMPLETE, { i: { jobId: first.id, token: first.assignmentToken, status: 'SUCCEEDED', exitCode: 0, logs } }));
    const done = await job(first.id);
    assert.equal(done.stdout, 'é'.repeat(LOG_CAP / 2));
    assert.equal(Buffer.byteLength(done.stdout), LOG_CAP);
    assert.deepEqual([done.stderr.length, done.stdoutBytes, done.stderrBytes], [LOG_CAP, 1200, 2000]);
    // An odd budget: 3 bytes left cut before a 2-byte character that would straddle the cap.
    ok(await stack.gql(COMPLETE, { i: { jobId: second.id, token: second.assignmentToken, status: 'SUCCEEDED', exitCode: 0, logs: [{ stream: 'STDOUT', text: `${'a'.repeat(LOG_CAP - 3)}éé` }] } }));
    assert.equal((await job(second.id)).stdout, `${'a'.repeat(LOG_CAP - 3)}é`);
    const after = await node('manual-1');
    assert.deepEqual([after.activeJobs, after.allocated.cpuCores], [0, 0]);
    ok(await stack.gql(CORDON, { id: manualId, c: true }));
  });

  test('drainFogNode: the agent hands back what waits in its queue, its running job finishes, the node reports drained; uncordoned it runs the rest', { timeout: 60_000 }, async () => {
    // One slot, so the second assignment waits in the agent's BullMQ queue.
    const child = spawn(process.execPath, [AGENT_MAIN, '--api', stack.apis[0].url, '--key', stack.adminKey, '--name', 'drain-agent', '--cpus', '1', '--concurrency', '1', '--memory-mb', '1024'], {
      env: { ...(process.env as Record<string, string>), REDIS_PREFIX: stack.redisPrefix, LOG_LEVEL: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'info', FOG_AGENT_GRACE_MS: '2000' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    agents.push(child);
    const agentNode = await waitFor('drain-agent ONLINE', async () => {
      const n = await node('drain-agent');
      return n?.status === 'ONLINE' && n;
    });
    const submit = async (input: Record<string, unknown>) =>
      ok(await stack.gql(SUBMIT_MANY, { i: [{ runtime: 'WASI', resources: { cpuCores: 0.5, memoryMb: 64 }, timeoutMs: 60_000, ...input }] })).submitFogJobs[0].job.id as string;
    const long = await submit({ moduleBase64: Buffer.from(busyLoop()).toString('base64'), args: ['1500000000'], name: 'long' });
    await waitFor('the long job RUNNING', async () => (await job(long)).status === 'RUNNING');
    const waiting = await submit({ moduleSha256: HELLO_SHA, name: 'waiting' });
    await waitFor('the second job SCHEDULED on the agent', async () => {
      const j = await job(waiting);
      return j.status === 'SCHEDULED' && j.nodeId === agentNode.id;
    });

    const drained = ok(await stack.gql(`mutation($id: ID!) { drainFogNode(id: $id) { status cordoned draining drained } }`, { id: agentNode.id })).drainFogNode;
    assert.deepEqual(drained, { status: 'DRAINING', cordoned: true, draining: true, drained: false });
    const back = await waitFor('the waiting assignment handed back', async () => {
      const j = await job(waiting);
      return j.status === 'QUEUED' && j;
    });
    assert.match(back.holdReason, /handed back/);
    assert.equal(back.attempt, 0, 'a handed-back assignment does not use an attempt');
    assert.equal((await job(long)).status, 'RUNNING', 'the running job is left to finish');
    await waitFor('the long job SUCCEEDED', async () => (await job(long)).status === 'SUCCEEDED', 40_000);
    const n = await waitFor('the node drained', async () => {
      const n = await node('drain-agent');
      return n.drained && n;
    });
    assert.deepEqual([n.status, n.activeJobs], ['DRAINING', 0]);
    assert.equal((await job(waiting)).status, 'QUEUED', 'nothing runs on a draining node');

    const lifted = ok(await stack.gql(CORDON, { id: agentNode.id, c: false })).cordonFogNode;
    assert.deepEqual([lifted.status, lifted.draining], ['ONLINE', false]);
    const j = await waitFor('the handed-back job SUCCEEDED once the drain is lifted', async () => {
      const j = await job(waiting);
      return j.status === 'SUCCEEDED' && j;
    });
    assert.deepEqual([j.nodeId, j.stdout, j.attempt], [agentNode.id, HELLO_TEXT, 1]);
    assert.equal(await stopChild(child, 'SIGTERM'), 0);
  });
});
