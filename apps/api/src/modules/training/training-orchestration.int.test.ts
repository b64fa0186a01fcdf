/**
 * Training orchestration end to end, with phases bound to an external program (the
 * `command` executor and a fixture script), so it tests the flow, state, checkpoints,
 * cancel, retry and failure handling independently of the training math: GraphQL → BullMQ
 * flow → a real worker process → Postgres, and progress over the WebSocket subscription.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestStack, stopChild, type TestStack } from '../../test-stack.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/phase-command.js');
const BUILTIN_PHASES = ['COGNATE', 'EVOMERGE', 'BITNET_COMPRESSION', 'FORGE_TRAINING', 'ADAS', 'FINAL_COMPRESSION'];

const START = `mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) { id status generation phases { phase status executor skipReason } } }`;
const RUN = `query($id: ID!) { trainingRun(id: $id) { id status error generation durationMs
  phases { phase status attempt error summary skipReason executor }
  metricSeries(maxPoints: 4) { phase name total points { step stepTo value min max } } } }`;
const CANCEL = 'mutation($id: ID!) { cancelTrainingRun(id: $id) { status phases { phase status } } }';
const RETRY = 'mutation($id: ID!, $p: TrainingPhase!) { retryTrainingPhase(runId: $id, phase: $p) { status generation } }';

let stack: TestStack;

/** A run with every built-in phase skipped and QUIET_STAR bound to the fixture. */
function commandRun(name: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    i: {
      name,
      phases: [
        ...BUILTIN_PHASES.map((phase) => ({ phase, executor: 'SKIP' })),
        { phase: 'QUIET_STAR', executor: 'COMMAND', command: 'fake', settings, ...extra },
      ],
    },
  };
}

async function start(name: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await stack.gql(START, commandRun(name, settings, extra));
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data.startTrainingRun.id;
}

async function waitFor(id: string, done: (run: any) => boolean, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await stack.gql(RUN, { id });
    const run = r.body.data?.trainingRun;
    if (run && done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} never reached the state: ${JSON.stringify(run ?? r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const finished = (run: any) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
const phaseOf = (run: any, phase: string) => run.phases.find((p: any) => p.phase === phase);

before(async () => {
  stack = await startTestStack({
    apis: 1,
    workers: 1,
    env: { TRAINING_COMMANDS: JSON.stringify({ fake: [process.execPath, FIXTURE] }), TRAINING_LOCK_MS: '1000' },
  });
});
after(() => stack.stop());

describe('runs through the flow', () => {
  test('a bound command runs, its metrics are stored and downsampled, unbound LLM phases are SKIPPED with the reason', async () => {
    const id = await start('ok', { mode: 'ok', steps: 10 });
    const run = await waitFor(id, finished);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run));
    const qs = phaseOf(run, 'QUIET_STAR');
    assert.equal(qs.status, 'SUCCEEDED');
    assert.equal(qs.executor, 'COMMAND');
    assert.equal(qs.attempt, 1);
    assert.deepEqual(qs.summary, { steps: 10, attempt: 1, command: 'fake' });
    const baking = phaseOf(run, 'TOOL_PERSONA_BAKING');
    assert.equal(baking.status, 'SKIPPED');
    assert.match(baking.skipReason, /needs a command binding/);
    assert.equal(phaseOf(run, 'FORGE_TRAINING').skipReason, 'skipped by the run configuration');
    const [loss] = run.metricSeries;
    assert.equal(loss.name, 'loss');
    assert.equal(loss.total, 10);
    assert.equal(loss.points.length, 4, 'downsampled to maxPoints');
    assert.deepEqual(loss.points.map((p: any) => [p.step, p.stepTo]), [[0, 2], [3, 5], [6, 8], [9, 9]]);
    assert.ok(Math.abs(loss.points[0].value - (1 + 1 / 2 + 1 / 3) / 3) < 1e-9);
    assert.equal(loss.points[0].max, 1);
  });

  test('trainingRunProgress streams phase changes and new points, then the run finishing', async () => {
    const client = createClient({ url: stack.apis[0].url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: stack.adminKey } });
    // A slow phase (8 steps × 60 ms), so the subscription is in place before most points exist.
    const id = await start('streamed', { mode: 'resumable', steps: 8, stepMs: 60 });
    const events: any[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription { trainingRunProgress(runId: "${id}") { runId at kind run { status } phase { phase status attempt } points { phase step name value } } }` },
        {
          next: (r) => {
            if (r.errors) return reject(new Error(JSON.stringify(r.errors)));
            events.push(r.data!.trainingRunProgress);
            if ((r.data!.trainingRunProgress as any).run?.status === 'SUCCEEDED') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await done;
    await client.dispose();
    const points = events.flatMap((e) => e.points);
    assert.ok(points.length > 0 && points.length <= 8, `points ${points.length}`);
    const steps = points.map((p: any) => p.step);
    assert.deepEqual(steps, [...new Set(steps)].sort((a, b) => a - b), 'each point once, in order');
    assert.ok(events.some((e) => e.kind === 'PHASE' && e.phase.phase === 'QUIET_STAR' && e.phase.status === 'SUCCEEDED'));
    assert.ok(events.every((e) => e.runId === id));
  });
});

describe('failures and control', () => {
  test('a command printing garbage fails the phase with its stderr tail; one that crashes too; the worker keeps working', async () => {
    const garbage = await waitFor(await start('garbage', { mode: 'garbage' }), finished);
    assert.equal(garbage.status, 'FAILED');
    const qs = phaseOf(garbage, 'QUIET_STAR');
    assert.equal(qs.status, 'FAILED');
    assert.match(qs.error, /not a protocol event on line 2: "Traceback/);
    assert.match(qs.error, /stderr: something went wrong in the trainer/);
    assert.match(garbage.error, /^QUIET_STAR failed: /);

    const crash = await waitFor(await start('crash', { mode: 'crash' }), finished);
    assert.match(phaseOf(crash, 'QUIET_STAR').error, /exited with code 3; stderr: CUDA error: out of memory/);

    const timeout = await waitFor(await start('timeout', { mode: 'slow' }, { timeoutSeconds: 1 }), finished);
    assert.match(phaseOf(timeout, 'QUIET_STAR').error, /ran past its timeout of 1 s/);

    const ok = await waitFor(await start('after-failures', { mode: 'ok' }), finished);
    assert.equal(ok.status, 'SUCCEEDED', 'the worker is still healthy');
  });

  test('cancel stops a running phase promptly; cancelling a finished run is CONFLICT', async () => {
    const id = await start('cancelled', { mode: 'slow' });
    await waitFor(id, (r) => phaseOf(r, 'QUIET_STAR').status === 'RUNNING');
    const t0 = Date.now();
    const c = await stack.gql(CANCEL, { id });
    assert.equal(c.body.errors, undefined, JSON.stringify(c.body.errors));
    assert.equal(c.body.data.cancelTrainingRun.status, 'CANCELLED');
    assert.equal(phaseOf(c.body.data.cancelTrainingRun, 'QUIET_STAR').status, 'CANCELLED');
    // The worker notices within its poll period and kills the program: a new run gets the worker.
    const next = await waitFor(await start('after-cancel', { mode: 'ok' }), finished);
    assert.equal(next.status, 'SUCCEEDED');
    assert.ok(Date.now() - t0 < 5000, 'the cancelled phase released the worker quickly');
    const again = await stack.gql(CANCEL, { id });
    assert.equal(again.body.errors?.[0]?.extensions.code, 'CONFLICT');
    assert.match(again.body.errors[0].message, /is CANCELLED; only queued or running runs can be cancelled/);
  });

  test('a failed phase can be retried: a new generation runs it again and the run completes', async () => {
    const marker = path.join(tmpdir(), `flaky-${randomUUID()}`);
    try {
      const id = await start('flaky', { mode: 'flaky', marker });
      const failed = await waitFor(id, finished);
      assert.equal(failed.status, 'FAILED');
      const running = await stack.gql(RETRY, { id, p: 'QUIET_STAR' });
      assert.equal(running.body.errors, undefined, JSON.stringify(running.body.errors));
      assert.equal(running.body.data.retryTrainingPhase.generation, 2);
      const done = await waitFor(id, finished);
      assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
      assert.deepEqual(phaseOf(done, 'QUIET_STAR').summary, { recovered: true, command: 'fake' });
      assert.equal(phaseOf(done, 'QUIET_STAR').attempt, 1, 'attempts count per generation');
      const skipped = await stack.gql(RETRY, { id, p: 'TOOL_PERSONA_BAKING' });
      assert.equal(skipped.body.errors?.[0]?.extensions.code, 'BAD_USER_INPUT', 'a phase skipped by configuration cannot be retried');
    } finally {
      await rm(marker, { force: true });
    }
  });

  test('a worker killed mid-phase loses nothing: another worker resumes the phase from its checkpoint', async () => {
    const id = await start('killed', { mode: 'resumable', steps: 30, stepMs: 100 });
    await waitFor(id, (r) => (r.metricSeries[0]?.total ?? 0) >= 5);
    const [worker] = stack.workers;
    await stopChild(worker, 'SIGKILL');
    await stack.startWorker();
    const run = await waitFor(id, finished, 30_000);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run));
    const qs = phaseOf(run, 'QUIET_STAR');
    assert.equal(qs.attempt, 2, 'the phase ran a second time');
    assert.ok(qs.summary.resumedFrom >= 5, `resumed from step ${qs.summary.resumedFrom}`);
    assert.equal(run.metricSeries[0].total >= 30, true);
  });
});

describe('catalogue', () => {
  test('trainingPhases lists the pipeline with defaults; trainingCommands the bound programs', async () => {
    const r = await stack.gql('{ trainingPhases { phase title builtin defaultSettings } trainingCommands }');
    assert.deepEqual(r.body.data.trainingPhases.map((p: any) => p.phase), ['COGNATE', 'EVOMERGE', 'QUIET_STAR', 'BITNET_COMPRESSION', 'FORGE_TRAINING', 'TOOL_PERSONA_BAKING', 'ADAS', 'FINAL_COMPRESSION']);
    const forge = r.body.data.trainingPhases.find((p: any) => p.phase === 'FORGE_TRAINING');
    assert.equal(forge.defaultSettings.epochs, 20);
    assert.equal(r.body.data.trainingPhases.find((p: any) => p.phase === 'QUIET_STAR').builtin, null);
    assert.deepEqual(r.body.data.trainingCommands, ['fake']);
  });
});

describe('bad input', () => {
  test('an invalid phase config names the phase and field; unknown commands and LLM phases without one are refused', async () => {
    const bad = await stack.gql(START, { i: { name: 'bad', phases: [{ phase: 'FORGE_TRAINING', settings: { learningRate: -1 } }] } });
    const e = bad.body.errors?.[0];
    assert.equal(e?.extensions.code, 'BAD_USER_INPUT', JSON.stringify(bad.body));
    assert.match(e.message, /FORGE_TRAINING\.settings\.learningRate/);
    assert.equal(e.extensions.phase, 'FORGE_TRAINING');
    assert.equal(e.extensions.field, 'settings.learningRate');

    const unknownField = await stack.gql(START, { i: { name: 'bad', phases: [{ phase: 'COGNATE', settings: { hiden: [3] } }] } });
    assert.match(unknownField.body.errors[0].message, /COGNATE\.settings: Unrecognized key: "hiden"/);

    const unknownCommand = await stack.gql(START, { i: { name: 'bad', phases: [{ phase: 'QUIET_STAR', executor: 'COMMAND', command: 'rm-rf' }] } });
    assert.match(unknownCommand.body.errors[0].message, /QUIET_STAR\.command: unknown command "rm-rf"; bound commands: fake/);

    const builtinLlm = await stack.gql(START, { i: { name: 'bad', phases: [{ phase: 'TOOL_PERSONA_BAKING', executor: 'BUILTIN' }] } });
    assert.match(builtinLlm.body.errors[0].message, /TOOL_PERSONA_BAKING\.executor: .* has no built-in executor/);
    assert.equal(await stack.db.prisma.trainingRun.count({ where: { name: 'bad' } }), 0, 'nothing was created');
  });

  test('runs of other namespaces are invisible and cannot be cancelled from there', async () => {
    const id = await start('private', { mode: 'ok' });
    const other = await stack.createKey({ namespace: 'elsewhere' });
    const seen = await stack.gql(RUN, { id }, { key: other.key });
    assert.equal(seen.body.errors?.[0]?.extensions.code, 'NOT_FOUND');
    const list = await stack.gql('{ trainingRuns { nodes { id } } }', undefined, { key: other.key });
    assert.deepEqual(list.body.data.trainingRuns.nodes, []);
    const cancel = await stack.gql(CANCEL, { id }, { key: other.key });
    assert.equal(cancel.body.errors?.[0]?.extensions.code, 'NOT_FOUND');
  });
});
