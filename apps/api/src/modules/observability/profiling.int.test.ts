/**
 * Profiling end to end against a real API instance and a real worker process: CPU profiles of
 * both and a heap snapshot of the worker, captured in the target through node:inspector,
 * polled to READY and downloaded as files Chrome DevTools and speedscope open; the refusals
 * (seconds outside 1..60, an unknown target, a second capture of a busy process, non-admins)
 * and the download's access rules.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isCpuProfile, isHeapSnapshot } from '@aivillage/observability';
import { startTestStack, type TestStack } from '../../test-stack.js';

let stack: TestStack;

const ARTIFACT = 'id kind status targetInstance targetComponent requestedBy seconds error sizeBytes sha256 fileName downloadUrl createdAt finishedAt';

before(async () => {
  stack = await startTestStack({ workers: 1 });
});
after(async () => {
  await stack?.stop();
});

/** Admin-only operations go with the admin's session (API keys are at most DEVELOPER). */
const asAdmin = <T = any>(query: string, variables?: Record<string, unknown>) => stack.gql<T>(query, variables, { key: null, headers: { cookie: stack.adminCookie } });

async function targets(): Promise<{ id: string; component: string; self: boolean }[]> {
  const res = await asAdmin('{ profilingTargets { id component self queues lastSeenAt } }');
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  return res.body.data.profilingTargets;
}

async function waitFinished(id: string, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await asAdmin(`query($id: ID!) { profileArtifact(id: $id) { ${ARTIFACT} } }`, { id });
    const a = res.body.data?.profileArtifact;
    if (a && (a.status === 'READY' || a.status === 'FAILED')) return a;
    if (Date.now() > deadline) throw new Error(`artifact ${id} still ${a?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function download(path: string, headers: Record<string, string> = { cookie: stack.adminCookie }) {
  return fetch(`${stack.apis[0].url}${path}`, { headers });
}

async function capture(kind: 'CPU' | 'HEAP', target: string, seconds = 1) {
  const res =
    kind === 'CPU'
      ? await asAdmin(`mutation($t: String!, $s: Int!) { captureCpuProfile(target: $t, seconds: $s) { ${ARTIFACT} } }`, { t: target, s: seconds })
      : await asAdmin(`mutation($t: String!) { captureHeapSnapshot(target: $t) { ${ARTIFACT} } }`, { t: target });
  return { errors: res.body.errors as any[] | undefined, artifact: (res.body.data?.captureCpuProfile ?? res.body.data?.captureHeapSnapshot) as any };
}

describe('profiling', () => {
  test('profilingTargets lists this API instance (first) and the live worker', async () => {
    const list = await targets();
    assert.equal(list[0].component, 'API');
    assert.equal(list[0].self, true);
    assert.equal(list.filter((t) => t.component === 'WORKER').length, 1);
  });

  test('a 1 s CPU profile of the API (target `api`) becomes READY and downloads as a .cpuprofile', async () => {
    const { errors, artifact } = await capture('CPU', 'api');
    assert.equal(errors, undefined, JSON.stringify(errors));
    assert.equal(artifact.status, 'PENDING');
    assert.equal(artifact.kind, 'CPU');
    assert.equal(artifact.targetComponent, 'API');
    assert.equal(artifact.seconds, 1);
    assert.equal(artifact.downloadUrl, null);
    // One capture at a time per process: a second request while this one runs is refused.
    const second = await capture('HEAP', 'api');
    assert.equal(second.errors?.[0]?.extensions?.code, 'CONFLICT');

    const done = await waitFinished(artifact.id);
    assert.equal(done.status, 'READY', done.error);
    assert.equal(done.downloadUrl, `/v1/profiles/${artifact.id}`);
    assert.equal(done.fileName, `profile-${artifact.id}.cpuprofile`);
    const res = await download(done.downloadUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="profile-${artifact.id}.cpuprofile"`);
    const text = await res.text();
    assert.equal(Buffer.byteLength(text), done.sizeBytes);
    assert.equal(createHash('sha256').update(text).digest('hex'), done.sha256);
    const profile = JSON.parse(text);
    assert.ok(isCpuProfile(profile), 'nodes, startTime, endTime, samples, timeDeltas');
    assert.ok(profile.samples.length > 0);
    assert.ok(profile.endTime - profile.startTime >= 900_000, 'about a second, in µs');
  });

  test('a worker process is profiled in its own process: a CPU profile and a heap snapshot', async () => {
    const worker = (await targets()).find((t) => t.component === 'WORKER')!;
    const cpu = await capture('CPU', worker.id);
    assert.equal(cpu.errors, undefined, JSON.stringify(cpu.errors));
    assert.equal(cpu.artifact.targetInstance, worker.id);
    const cpuDone = await waitFinished(cpu.artifact.id);
    assert.equal(cpuDone.status, 'READY', cpuDone.error);
    const profile = await (await download(cpuDone.downloadUrl)).json();
    assert.ok(isCpuProfile(profile));
    // The worker's own code is in its profile (not the API's).
    assert.ok(profile.nodes.some((n: any) => /workers\/dist|bullmq/.test(n.callFrame.url)), 'worker frames in the profile');

    const heap = await capture('HEAP', worker.id);
    assert.equal(heap.errors, undefined, JSON.stringify(heap.errors));
    const heapDone = await waitFinished(heap.artifact.id, 30_000);
    assert.equal(heapDone.status, 'READY', heapDone.error);
    assert.equal(heapDone.fileName, `profile-${heap.artifact.id}.heapsnapshot`);
    const res = await download(heapDone.downloadUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /profile-\d+\.heapsnapshot/);
    assert.ok(isHeapSnapshot(await res.json()), 'snapshot.meta, nodes, edges, strings');
  });

  test('the artifacts list pages newest first', async () => {
    const first = await asAdmin(`{ profileArtifacts(first: 2) { nodes { id kind status } pageInfo { hasNextPage endCursor } } }`);
    assert.equal(first.body.errors, undefined);
    const page = first.body.data.profileArtifacts;
    assert.equal(page.nodes.length, 2);
    assert.equal(page.pageInfo.hasNextPage, true);
    assert.ok(Number(page.nodes[0].id) > Number(page.nodes[1].id));
    const next = await asAdmin(`query($a: String) { profileArtifacts(first: 2, after: $a) { nodes { id } } }`, { a: page.pageInfo.endCursor });
    assert.ok(next.body.data.profileArtifacts.nodes.every((n: any) => Number(n.id) < Number(page.pageInfo.endCursor)));
  });

  test('a profile of 0 or 61 seconds, or of an unknown target, is refused', async () => {
    for (const seconds of [0, 61]) {
      const { errors } = await capture('CPU', 'api', seconds);
      assert.equal(errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `seconds ${seconds}`);
      assert.match(errors![0].message, /1 to 60/);
    }
    for (const kind of ['CPU', 'HEAP'] as const) {
      const { errors } = await capture(kind, 'no-such-instance');
      assert.equal(errors?.[0]?.extensions?.code, 'NOT_FOUND', kind);
      assert.match(errors![0].message, /profilingTargets/);
    }
  });

  test('captures and downloads are for platform admins only, and audited', async () => {
    const { key } = await stack.createKey({ scopes: ['read', 'write'] });
    const res = await stack.gql('mutation { captureCpuProfile(target: "api", seconds: 1) { id } }', {}, { key });
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const list = await stack.gql('{ profileArtifacts { nodes { id } } }', {}, { key });
    assert.equal(list.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    const ready = (await asAdmin('{ profileArtifacts(first: 10) { nodes { id status downloadUrl } } }')).body.data.profileArtifacts.nodes.find((n: any) => n.status === 'READY');
    assert.equal((await download(ready.downloadUrl, {})).status, 401);
    const forbidden = await download(ready.downloadUrl, { authorization: `Bearer ${key}` });
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as any).errors[0].extensions.code, 'FORBIDDEN');
    const missing = await download('/v1/profiles/999999999');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as any).errors[0].extensions.code, 'NOT_FOUND');

    const audit = await asAdmin('{ auditEvents(first: 100) { nodes { action outcome } } }');
    const actions = audit.body.data.auditEvents.nodes.map((e: any) => `${e.action}:${e.outcome}`);
    for (const a of ['profile.cpu:success', 'profile.heap:success', 'profile.cpu:failure', 'profile.download:success']) assert.ok(actions.includes(a), a);
  });
});
