/**
 * The reference Agent Forge pipeline for real, on the UCI digits: every built-in phase
 * trains, merges, quantises and measures through onnxruntime on a worker process, and each
 * phase's model lands in the registry with lineage. Small settings keep it quick; the
 * full-size figures come from bench/src/training.bench.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, stopChild, type TestStack } from '../../test-stack.js';

const START = `mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) { id } }`;
const RUN = `query($id: ID!) { trainingRun(id: $id) { id status error modelName
  phases { phase status attempt summary skipReason artifacts { version quantisation metrics } }
  metricSeries(names: ["loss", "accuracy", "fitness"], maxPoints: 50) { phase name total points { step value } }
  artifacts { version trainingRunId quantisation } } }`;

let stack: TestStack;

async function waitFor(id: string, done: (run: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await stack.gql(RUN, { id })).body.data?.trainingRun;
    if (run && done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run never reached the state: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const finished = (r: any) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status);
const phaseOf = (run: any, phase: string) => run.phases.find((p: any) => p.phase === phase);

/** Quick settings: the same code paths as the defaults, fewer epochs. */
const QUICK = [
  { phase: 'COGNATE', settings: { hidden: [64], seed: 1 } },
  { phase: 'EVOMERGE', settings: { candidates: 2, candidateEpochs: 4, population: 4, generations: 2 } },
  { phase: 'BITNET_COMPRESSION', settings: { fineTuneEpochs: 2 } },
  { phase: 'FORGE_TRAINING', settings: { epochs: 8, checkpointEverySteps: 20 } },
  { phase: 'ADAS', settings: { variants: [{ hidden: [32] }], epochs: 3 } },
  { phase: 'FINAL_COMPRESSION', settings: { method: 'ternary-2bit' } },
];

before(async () => {
  stack = await startTestStack({ apis: 1, workers: 1, env: { TRAINING_LOCK_MS: '1500' } });
});
after(() => stack.stop());

describe('the reference pipeline', () => {
  test('every built-in phase does real work, registers its model with lineage, and the final model is small and accurate', async () => {
    const started = await stack.gql(START, { i: { name: 'reference', phases: QUICK } });
    assert.equal(started.body.errors, undefined, JSON.stringify(started.body.errors));
    const run = await waitFor(started.body.data.startTrainingRun.id, finished, 120_000);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run, null, 1));

    for (const phase of ['QUIET_STAR', 'TOOL_PERSONA_BAKING']) {
      assert.equal(phaseOf(run, phase).status, 'SKIPPED');
      assert.match(phaseOf(run, phase).skipReason, /needs a command binding/);
    }
    const cognate = phaseOf(run, 'COGNATE').summary;
    assert.equal(cognate.architecture, '64→64→10');
    assert.ok(cognate.testAccuracy < 0.4, `an untrained model is near chance: ${cognate.testAccuracy}`);
    const evo = phaseOf(run, 'EVOMERGE').summary;
    assert.ok(evo.mergedValidationAccuracy >= evo.bestCandidateValidationAccuracy, 'the search keeps at least the best candidate');
    assert.ok(evo.testAccuracy > 0.85, `EvoMerge test accuracy ${evo.testAccuracy}`);
    const forge = phaseOf(run, 'FORGE_TRAINING').summary;
    assert.equal(forge.format, 'ternary', 'training after BitNet is quantisation-aware');
    assert.ok(forge.testAccuracy > 0.85, `Forge Training test accuracy ${forge.testAccuracy}`);
    const final = phaseOf(run, 'FINAL_COMPRESSION').summary;
    assert.equal(final.format, 'ternary');
    assert.ok(final.sizeReduction >= 0.75, `size reduction ${final.sizeReduction}`);
    assert.ok(final.retention >= 0.95, `retention ${final.retention} (${final.testAccuracy} / ${final.bestFullPrecisionTestAccuracy})`);

    // Each phase that ran registered one version of the run's model, with lineage to the run.
    assert.equal(run.artifacts.length, 6);
    assert.ok(run.artifacts.every((a: any) => a.trainingRunId === run.id));
    // The registry reads quantisation from the file: 2-bit codes packed four to a byte.
    assert.deepEqual(phaseOf(run, 'FINAL_COMPRESSION').artifacts.map((a: any) => a.quantisation), ['int2']);
    const model = await stack.gql('query($m: String!) { model(name: $m) { latestVersion { version metrics } } }', { m: run.modelName });
    assert.equal(model.body.data.model.latestVersion.version, 6);
    assert.ok(Math.abs(model.body.data.model.latestVersion.metrics.test_accuracy - final.testAccuracy) < 1e-4, 'the version carries the measured accuracy');

    const loss = run.metricSeries.find((s: any) => s.phase === 'FORGE_TRAINING' && s.name === 'loss');
    assert.ok(loss.total >= 8 * 30, `a loss per step (${loss.total})`);
    assert.ok(loss.points.at(-1).value < loss.points[0].value, 'training lowers the loss');
    assert.ok(run.metricSeries.some((s: any) => s.phase === 'EVOMERGE' && s.name === 'fitness'));
  });

  test('a worker killed during Forge Training: the phase resumes from its checkpoint on another worker and the run completes', async () => {
    const phases = QUICK.map((p) => (p.phase === 'FORGE_TRAINING' ? { phase: p.phase, settings: { epochs: 30, checkpointEverySteps: 10 } } : p));
    const started = await stack.gql(START, { i: { name: 'killed', phases } });
    const id = started.body.data.startTrainingRun.id;
    await waitFor(id, (r) => phaseOf(r, 'FORGE_TRAINING').status === 'RUNNING' && (r.metricSeries.find((s: any) => s.phase === 'FORGE_TRAINING')?.total ?? 0) > 60, 60_000);
    await stopChild(stack.workers[0], 'SIGKILL');
    await stack.startWorker();
    const run = await waitFor(id, finished, 120_000);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run.phases));
    const forge = phaseOf(run, 'FORGE_TRAINING');
    assert.equal(forge.attempt, 2);
    assert.ok(forge.summary.resumedFromStep > 0, `resumed from step ${forge.summary.resumedFromStep}`);
    assert.equal(forge.summary.steps, 30 * 37, 'all steps of all epochs ran, none twice in the count');
  });
});
