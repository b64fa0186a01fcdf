import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCluster } from './fixtures/fog-cluster.js';
import { isSchedulable, POOLS_FOR_TIER, type SchedulerNode } from './fog-node.js';
import {
  DEFAULT_SCHEDULER_POLICY,
  effectivePriority,
  planAssignments,
  type NamespaceUsage,
  type Plan,
  type PlanState,
  type QueuedJob,
  type RunningJob,
} from './scheduler.js';
import { RESOURCE_KEYS, type Resources } from './resources.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const MIN = 60_000;

function node(id: string, capacity: Partial<Resources> = {}, extra: Partial<SchedulerNode> = {}): SchedulerNode {
  return {
    id,
    pool: 'SHARED',
    capacity: { cpuCores: 16, memoryMb: 65_536, gpus: 0, ...capacity },
    runtimes: ['wasi'],
    status: 'ONLINE',
    ...extra,
  };
}

type JobSpec = Partial<Omit<QueuedJob, 'request'>> & { request?: Partial<Resources> };

function job(id: string, { request, ...extra }: JobSpec = {}): QueuedJob {
  return {
    id,
    namespace: 'ns-a',
    tier: 'BRONZE',
    sla: 'B',
    runtime: 'wasi',
    submittedAt: NOW,
    ...extra,
    request: { cpuCores: 1, memoryMb: 1024, gpus: 0, ...request },
  };
}

function plan(partial: Partial<PlanState>, policy = DEFAULT_SCHEDULER_POLICY): Plan {
  return planAssignments({ nodes: [], queuedJobs: [], running: [], usage: [], now: NOW, ...partial }, policy);
}

const assignedTo = (p: Plan) => Object.fromEntries(p.assignments.map((a) => [a.jobId, a.nodeId]));
const heldCodes = (p: Plan) => Object.fromEntries(p.held.map((h) => [h.jobId, h.code]));

/** Invariants every plan must keep. */
function checkPlan(state: PlanState, p: Plan): void {
  const ids = state.queuedJobs.map((j) => j.id).sort();
  const seen = [...p.assignments.map((a) => a.jobId), ...p.held.map((h) => h.jobId)].sort();
  assert.deepEqual(seen, ids, 'every queued job is assigned or held exactly once');
  const nodes = new Map(state.nodes.map((n) => [n.id, n]));
  const jobs = new Map(state.queuedJobs.map((j) => [j.id, j]));
  const used = new Map(state.nodes.map((n) => [n.id, { cpuCores: 0, memoryMb: 0, gpus: 0 }]));
  const add = (nodeId: string, r: Resources) => {
    const u = used.get(nodeId);
    if (u) for (const k of RESOURCE_KEYS) u[k] += r[k];
  };
  for (const r of state.running) add(r.nodeId, r.request);
  for (const a of p.assignments) {
    const n = nodes.get(a.nodeId)!;
    const j = jobs.get(a.jobId)!;
    assert.ok(isSchedulable(n), `${a.jobId} placed on unschedulable ${n.id}`);
    assert.ok(n.runtimes.includes(j.runtime), `${a.jobId} placed on ${n.id} without runtime ${j.runtime}`);
    assert.ok(POOLS_FOR_TIER[j.tier].includes(n.pool), `${j.tier} job ${a.jobId} placed in pool ${n.pool}`);
    add(a.nodeId, j.request);
  }
  for (const [id, u] of used) {
    const cap = nodes.get(id)!.capacity;
    for (const k of RESOURCE_KEYS) assert.ok(u[k] <= cap[k] + 1e-9, `${id} over capacity on ${k}`);
  }
}

test('effective priority: tier base + SLA bonus + one point per minute waited', () => {
  assert.equal(effectivePriority({ tier: 'BRONZE', sla: 'B', submittedAt: NOW }, NOW), 0);
  assert.equal(effectivePriority({ tier: 'PLATINUM', sla: 'S', submittedAt: NOW }, NOW), 125);
  assert.equal(effectivePriority({ tier: 'SILVER', sla: 'A', submittedAt: NOW - 30 * MIN }, NOW), 42);
  assert.equal(effectivePriority({ tier: 'GOLD', sla: 'B', submittedAt: NOW + MIN }, NOW), 30, 'a future submit time does not age backwards');
});

test('best fit on the dominant resource: a 1-GPU job takes the node with the fewest spare GPUs', () => {
  const nodes = [node('big', { gpus: 8 }), node('small', { gpus: 2 }), node('busy', { gpus: 4 })];
  const running: RunningJob[] = [
    { jobId: 'r', nodeId: 'busy', namespace: 'other', request: { cpuCores: 1, memoryMb: 1, gpus: 3 }, startedAt: NOW },
  ];
  const p = plan({ nodes, running, queuedJobs: [job('g1', { request: { gpus: 1 } }), job('g2', { request: { gpus: 2 }, submittedAt: NOW + 1 })] });
  assert.deepEqual(assignedTo(p), { g1: 'busy', g2: 'small' });
});

test('best fit for a CPU job: the node left with the least CPU, ties broken by node id', () => {
  const nodes = [node('n-b', { cpuCores: 8 }), node('n-a', { cpuCores: 8 }), node('n-c', { cpuCores: 4 }), node('n-d', { cpuCores: 32 })];
  const p = plan({ nodes, queuedJobs: [job('a', { request: { cpuCores: 4 } }), job('b', { request: { cpuCores: 6 }, submittedAt: NOW + 1 })] });
  assert.deepEqual(assignedTo(p), { a: 'n-c', b: 'n-a' });
});

test('a job goes only to nodes offering its runtime', () => {
  const nodes = [node('wasi-only'), node('py', {}, { runtimes: ['wasi', 'python'] })];
  const p = plan({ nodes, queuedJobs: [job('p', { runtime: 'python' })] });
  assert.deepEqual(assignedTo(p), { p: 'py' });
});

test('draining, offline and cordoned nodes get no new jobs', () => {
  const nodes = [node('d', {}, { status: 'DRAINING' }), node('o', {}, { status: 'OFFLINE' }), node('c', {}, { cordoned: true })];
  const p = plan({ nodes, queuedJobs: [job('j')] });
  assert.deepEqual(p.assignments, []);
  assert.equal(p.held[0].code, 'NO_CAPACITY');
  assert.match(p.held[0].reason, /no schedulable fog node/);
});

test('Gold-dedicated nodes: Bronze and Silver never use them, Gold prefers them, Platinum borrows them last', () => {
  const nodes = [node('gold-1', { cpuCores: 4 }, { pool: 'GOLD_DEDICATED' }), node('shared-1', { cpuCores: 4 })];
  const four = { cpuCores: 4 };
  let p = plan({ nodes, queuedJobs: [job('g', { tier: 'GOLD', request: four })] });
  assert.deepEqual(assignedTo(p), { g: 'gold-1' });
  p = plan({ nodes, queuedJobs: [job('p', { tier: 'PLATINUM', request: four })] });
  assert.deepEqual(assignedTo(p), { p: 'shared-1' });
  p = plan({ nodes, queuedJobs: [job('b1', { request: four }), job('s1', { tier: 'SILVER', request: four })] });
  assert.deepEqual(assignedTo(p), { s1: 'shared-1' });
  assert.deepEqual(heldCodes(p), { b1: 'NO_CAPACITY' });
  p = plan({
    nodes,
    queuedJobs: [job('p1', { tier: 'PLATINUM', request: four }), job('p2', { tier: 'PLATINUM', request: four, submittedAt: NOW + 1 })],
  });
  assert.deepEqual(assignedTo(p), { p1: 'shared-1', p2: 'gold-1' });
  p = plan({
    nodes,
    queuedJobs: [job('g1', { tier: 'GOLD', request: four }), job('g2', { tier: 'GOLD', request: four, submittedAt: NOW + 1 })],
  });
  assert.deepEqual(assignedTo(p), { g1: 'gold-1', g2: 'shared-1' }, 'Gold overflows onto shared nodes');
});

test('Platinum jumps the queue ahead of older Bronze work, until aging evens it out', () => {
  const nodes = [node('only', { cpuCores: 1 })];
  const bronze60 = job('bronze', { submittedAt: NOW - 60 * MIN });
  const platinum = job('platinum', { tier: 'PLATINUM', namespace: 'ns-b' });
  assert.deepEqual(assignedTo(plan({ nodes, queuedJobs: [bronze60, platinum] })), { platinum: 'only' });
  const bronze3h = job('bronze', { submittedAt: NOW - 180 * MIN });
  assert.deepEqual(assignedTo(plan({ nodes, queuedJobs: [bronze3h, platinum] })), { bronze: 'only' });
});

test('Bronze is FIFO within a namespace, whatever the SLA class', () => {
  const nodes = [node('only', { cpuCores: 1 })];
  const p = plan({ nodes, queuedJobs: [job('late-S', { sla: 'S', submittedAt: NOW - MIN }), job('early-B', { submittedAt: NOW - 2 * MIN })] });
  assert.deepEqual(assignedTo(p), { 'early-B': 'only' });
});

test('Silver orders a namespace by the job priority, then SLA, then age', () => {
  const nodes = [node('only', { cpuCores: 2 })];
  const queuedJobs = [
    job('old-low', { tier: 'SILVER', priority: 1, submittedAt: NOW - 10 * MIN }),
    job('new-high', { tier: 'SILVER', priority: 9, submittedAt: NOW }),
    job('new-high-S', { tier: 'SILVER', priority: 9, sla: 'S', submittedAt: NOW }),
  ];
  const p = plan({ nodes, queuedJobs });
  assert.deepEqual(p.assignments.map((a) => a.jobId), ['new-high-S', 'new-high']);
});

test('fair share: namespaces of one tier alternate (DRF), whoever submitted first', () => {
  const nodes = [node('n', { cpuCores: 4 })];
  const queuedJobs = [
    ...[0, 1, 2, 3].map((i) => job(`a${i}`, { namespace: 'ns-a', submittedAt: NOW - 10 * MIN + i })),
    ...[0, 1, 2, 3].map((i) => job(`b${i}`, { namespace: 'ns-b', submittedAt: NOW - 5 * MIN + i })),
  ];
  const p = plan({ nodes, queuedJobs });
  assert.deepEqual(p.assignments.map((a) => a.jobId).sort(), ['a0', 'a1', 'b0', 'b1']);
});

test('fair share counts running jobs: the namespace already using the cluster waits', () => {
  const nodes = [node('n', { cpuCores: 4 })];
  const running: RunningJob[] = [{ jobId: 'r', nodeId: 'n', namespace: 'ns-a', request: { cpuCores: 2, memoryMb: 1024, gpus: 0 }, startedAt: NOW }];
  const queuedJobs = [job('a0', { namespace: 'ns-a', submittedAt: NOW - 10 * MIN }), job('b0', { namespace: 'ns-b' }), job('b1', { namespace: 'ns-b', submittedAt: NOW + 1 })];
  const p = plan({ nodes, running, queuedJobs });
  assert.deepEqual(p.assignments.map((a) => a.jobId), ['b0', 'b1']);
  assert.deepEqual(heldCodes(p), { a0: 'NO_CAPACITY' });
});

test("a submitter's Silver priority does not beat another namespace's fair share", () => {
  const nodes = [node('n', { cpuCores: 2 })];
  const running: RunningJob[] = [{ jobId: 'r', nodeId: 'n', namespace: 'ns-a', request: { cpuCores: 1, memoryMb: 1, gpus: 0 }, startedAt: NOW }];
  const queuedJobs = [job('urgent', { tier: 'SILVER', namespace: 'ns-a', priority: 9 }), job('plain', { tier: 'SILVER', namespace: 'ns-b', priority: 0 })];
  assert.deepEqual(assignedTo(plan({ nodes, running, queuedJobs })), { plain: 'n' });
});

test('GPU-hour quota: a job that would exceed it is held with the reason; CPU-only work goes on', () => {
  const nodes = [node('gpu', { gpus: 8 })];
  const usage: NamespaceUsage[] = [{ namespace: 'ns-a', gpuSecondsUsed: 9 * 3600, gpuHourQuota: 10 }];
  const p = plan({
    nodes,
    usage,
    queuedJobs: [job('gpu-2h', { request: { gpus: 1 }, maxDurationS: 7200 }), job('cpu', { submittedAt: NOW + 1 })],
  });
  assert.deepEqual(assignedTo(p), { cpu: 'gpu' });
  const hold = p.held.find((h) => h.jobId === 'gpu-2h')!;
  assert.equal(hold.code, 'QUOTA_EXCEEDED');
  assert.match(hold.reason, /needs 2 GPU-hours but 9 of the namespace's 10 GPU-hour monthly quota/);
});

test('GPU-hour quota counts jobs planned earlier in the pass and the rest of running jobs', () => {
  const nodes = [node('gpu', { gpus: 8 })];
  const usage: NamespaceUsage[] = [{ namespace: 'ns-a', gpuSecondsUsed: 0, gpuHourQuota: 10 }];
  let p = plan({
    nodes,
    usage,
    queuedJobs: [job('six-a', { request: { gpus: 1 }, maxDurationS: 6 * 3600 }), job('six-b', { request: { gpus: 1 }, maxDurationS: 6 * 3600, submittedAt: NOW + 1 })],
  });
  assert.deepEqual(assignedTo(p), { 'six-a': 'gpu' });
  assert.deepEqual(heldCodes(p), { 'six-b': 'QUOTA_EXCEEDED' });
  const running: RunningJob[] = [
    { jobId: 'r', nodeId: 'gpu', namespace: 'ns-a', request: { cpuCores: 1, memoryMb: 1, gpus: 2 }, startedAt: NOW - 3600_000, maxDurationS: 4 * 3600 },
  ];
  // 2 GPUs × 3 h still to run = 6 committed; +2 h of 1 GPU = 8 ≤ 10; +5 h = 11 > 10.
  p = plan({ nodes, usage, running, queuedJobs: [job('two', { request: { gpus: 1 }, maxDurationS: 7200 })] });
  assert.deepEqual(assignedTo(p), { two: 'gpu' });
  p = plan({ nodes, usage, running, queuedJobs: [job('five', { request: { gpus: 1 }, maxDurationS: 5 * 3600 })] });
  assert.deepEqual(heldCodes(p), { five: 'QUOTA_EXCEEDED' });
});

test('a job larger than any node is held INADMISSIBLE, naming the resource', () => {
  const p = plan({ nodes: [node('n', { gpus: 4 })], queuedJobs: [job('huge', { request: { gpus: 8 } })] });
  assert.equal(p.held[0].code, 'INADMISSIBLE');
  assert.match(p.held[0].reason, /8 GPUs/);
});

test('a long-waiting job that does not fit reserves a node, so backfill cannot starve it', () => {
  const nodes = [node('gpu', { gpus: 4 })];
  const running: RunningJob[] = [{ jobId: 'r', nodeId: 'gpu', namespace: 'ns-z', request: { cpuCores: 1, memoryMb: 1, gpus: 2 }, startedAt: NOW }];
  const small = job('small', { namespace: 'ns-b', request: { gpus: 1 } });
  const bigYoung = job('big', { request: { gpus: 4 }, submittedAt: NOW - 5 * MIN });
  let p = plan({ nodes, running, queuedJobs: [bigYoung, small] });
  assert.deepEqual(assignedTo(p), { small: 'gpu' }, 'a recent big job lets small ones backfill');
  assert.deepEqual(p.reservations, []);
  const bigOld = { ...bigYoung, submittedAt: NOW - 30 * MIN };
  p = plan({ nodes, running, queuedJobs: [bigOld, small] });
  assert.deepEqual(p.reservations, [{ jobId: 'big', nodeId: 'gpu' }]);
  assert.deepEqual(p.assignments, []);
  assert.match(p.held.find((h) => h.jobId === 'small')!.reason, /reserved/);
});

test('no starvation: a Bronze job is scheduled under a constant stream of higher-tier jobs (and is not without aging)', () => {
  /** One node for two 2-core jobs; each minute three higher-tier jobs arrive, each job runs one minute. */
  type StreamTier = 'SILVER' | 'GOLD' | 'PLATINUM';
  const simulate = (agingPointsPerMinute: number, minutes: number, tiers: readonly StreamTier[] = ['SILVER', 'GOLD', 'PLATINUM']): number | null => {
    const policy = { ...DEFAULT_SCHEDULER_POLICY, agingPointsPerMinute };
    const nodes = [node('n', { cpuCores: 4 })];
    let queued: QueuedJob[] = [job('bronze', { request: { cpuCores: 2 }, submittedAt: NOW })];
    for (let m = 0; m < minutes; m++) {
      const now = NOW + m * MIN;
      queued.push(
        ...tiers.map((tier, i) => job(`${tier}-${m}-${i}`, { tier, namespace: `ns-${i}`, sla: 'A', request: { cpuCores: 2 }, submittedAt: now })),
      );
      const p = planAssignments({ nodes, queuedJobs: queued, running: [], usage: [], now }, policy);
      assert.equal(p.assignments.length, 2, 'the node is kept full');
      if (p.assignments.some((a) => a.jobId === 'bronze')) return m;
      const started = new Set(p.assignments.map((a) => a.jobId));
      queued = queued.filter((j) => !started.has(j.id));
    }
    return null;
  };
  const minute = simulate(1, 400);
  assert.notEqual(minute, null, 'Bronze job starved');
  // Silver A starts 12 points ahead, so the Bronze job first waits out at least that lead.
  assert.ok(minute! >= 12 && minute! <= 180, `scheduled at minute ${minute}`);
  assert.equal(simulate(0, 400), null, 'without aging the same stream starves it');
  // Three Platinum (A) jobs a minute for two slots: the Bronze job outranks those submitted
  // after minute 122 (Platinum's 120 + 2 lead), and the older backlog drains by about minute 183.
  const behindPlatinum = simulate(1, 400, ['PLATINUM', 'PLATINUM', 'PLATINUM']);
  assert.ok(behindPlatinum !== null && behindPlatinum >= 122 && behindPlatinum <= 200, `scheduled at minute ${behindPlatinum}`);
});

test('same plan whatever the input order', () => {
  const state = generateCluster({ nodes: 20, queuedJobs: 800, namespaces: 7, runningJobs: 60, seed: 3 });
  const a = planAssignments(state);
  const reversed = { ...state, nodes: [...state.nodes].reverse(), queuedJobs: [...state.queuedJobs].reverse(), running: [...state.running].reverse() };
  assert.deepEqual(planAssignments(reversed), a);
  checkPlan(state, a);
});

test('10,000 queued jobs on 50 nodes: every job accounted for, no node overcommitted, rules kept', () => {
  const state = generateCluster({ nodes: 50, queuedJobs: 10_000, namespaces: 40, runningJobs: 300, seed: 11 });
  const p = planAssignments(state);
  checkPlan(state, p);
  assert.ok(p.assignments.length > 0);
  const codes = new Set(p.held.map((h) => h.code));
  assert.ok(codes.has('NO_CAPACITY') && codes.has('QUOTA_EXCEEDED'));
});

test('rejects malformed input with a RangeError', () => {
  assert.throws(() => plan({ queuedJobs: [job('x'), job('x')] }), RangeError);
  assert.throws(() => plan({ queuedJobs: [job('x', { request: { cpuCores: -1 } })] }), RangeError);
  assert.throws(() => plan({ queuedJobs: [job('x', { tier: 'IRON' as never })] }), RangeError);
  assert.throws(() => plan({ nodes: [node('n'), node('n')] }), RangeError);
});
