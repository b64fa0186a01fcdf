import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDigits, splitDataset, subset } from './dataset.js';
import { accuracy } from './evaluate.js';
import { Trainer, type TrainConfig, type TrainerCheckpoint } from './trainer.js';

const split = splitDataset(loadDigits(), { seed: 7, validation: 0.15, test: 0.2 });
const arch = { inputSize: 64, hidden: [128], classes: 10 };

test('Adam training on the digits reaches ≥ 95% held-out test accuracy in seconds', async () => {
  const steps: number[] = [];
  const epochs: number[] = [];
  const started = performance.now();
  const result = await Trainer.create({ arch, epochs: 25, seed: 1, schedule: 'cosine', optimizer: { kind: 'adam', learningRate: 3e-3 } }).train(split, {
    onStep: (s) => void steps.push(s.loss),
    onEpoch: (e) => void epochs.push(e.validationAccuracy!),
  });
  const ms = performance.now() - started;
  const testAccuracy = accuracy(arch, result.params, split.test);
  console.log(`64→128→10, 25 epochs: ${ms.toFixed(0)} ms, test accuracy ${testAccuracy.toFixed(4)}`);
  assert.equal(result.status, 'completed');
  assert.equal(result.steps, 25 * Math.ceil(split.train.size / 32));
  assert.equal(steps.length, result.steps);
  assert.equal(epochs.length, 25);
  assert.ok(testAccuracy >= 0.95, `test accuracy ${testAccuracy}`);
  assert.ok(epochs.at(-1)! >= 0.93);
  assert.ok(result.history[24].trainLoss < result.history[0].trainLoss / 5);
  assert.ok(ms < 30_000, `took ${ms} ms`);
});

test('plain SGD with momentum and L2 learns too', async () => {
  const result = await Trainer.create({ arch, epochs: 8, seed: 2, l2: 1e-4, optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 } }).train({ train: split.train });
  assert.ok(accuracy(arch, result.params, split.test) > 0.9);
});

test('a trainer restored from a JSON checkpoint finishes bit-identical to one never stopped', async () => {
  const config: TrainConfig = { arch: { inputSize: 64, hidden: [16], classes: 10 }, epochs: 3, seed: 5, batchSize: 50, schedule: 'cosine' };
  const data = { train: split.train, validation: split.validation };
  const straight = await Trainer.create(config).train(data);

  // Killed mid-epoch (step 30 of 24 per epoch), its last checkpoint taken at the stop.
  const first = Trainer.create(config);
  const stopped = await first.train(data, { shouldStop: () => first.step === 30 });
  assert.equal(stopped.status, 'stopped');
  assert.equal(stopped.epochsCompleted, 1);
  const saved: TrainerCheckpoint = JSON.parse(JSON.stringify(first.checkpoint()));
  const resumed = await Trainer.restore(saved).train(data);

  assert.equal(resumed.status, 'completed');
  assert.deepEqual(resumed.history, straight.history);
  resumed.params.forEach((l, i) => {
    assert.deepEqual(l.weight, straight.params[i].weight);
    assert.deepEqual(l.bias, straight.params[i].bias);
  });

  // Checkpoints from an epoch boundary resume just as well.
  const second = Trainer.create(config);
  const atEpochs: string[] = [];
  await second.train(data, { onEpoch: () => void atEpochs.push(JSON.stringify(second.checkpoint())) });
  const fromEpoch = await Trainer.restore(JSON.parse(atEpochs[1])).train(data);
  assert.deepEqual(fromEpoch.history, straight.history);
  assert.deepEqual(fromEpoch.params[0].weight, straight.params[0].weight);
});

test('quantisation-aware training computes with ternary weights', async () => {
  const config: TrainConfig = { arch: { inputSize: 64, hidden: [32], classes: 10 }, epochs: 4, seed: 3, quantization: 'ternary', optimizer: { kind: 'adam', learningRate: 3e-3 } };
  const trainer = Trainer.create(config);
  const result = await trainer.train({ train: split.train });
  const effective = trainer.effectiveParams();
  for (const layer of effective) assert.ok(new Set(Array.from(layer.weight, (w) => Math.abs(w))).size <= 2, 'each layer uses 0 and ±γ only');
  assert.ok(accuracy(config.arch, effective, split.test) > 0.85);
  assert.equal(result.status, 'completed');
});

test('training yields to the event loop and stops when asked', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  let stopAfter = false;
  const trainer = Trainer.create({ arch, epochs: 50, seed: 1 });
  setTimeout(() => (stopAfter = true), 300);
  const result = await trainer.train({ train: split.train }, { shouldStop: () => stopAfter, yieldEveryMs: 10 });
  clearInterval(timer);
  assert.equal(result.status, 'stopped');
  assert.ok(result.epochsCompleted < 50);
  assert.ok(ticks > 5, `only ${ticks} timer ticks ran during training`);
  assert.equal(trainer.done, false);
});

test('bad configs and mismatched data are RangeErrors naming what is wrong', async () => {
  assert.throws(() => Trainer.create({ arch, epochs: 0, seed: 1 }), /TrainConfig\.epochs/);
  assert.throws(() => Trainer.create({ arch, epochs: 1, seed: 1, batchSize: 2.5 }), /TrainConfig\.batchSize/);
  assert.throws(() => Trainer.create({ arch, epochs: 1, seed: 1, quantization: 'int3' as never }), /TrainConfig\.quantization/);
  assert.throws(() => Trainer.create({ arch: { ...arch, hidden: [-1] }, epochs: 1, seed: 1 }), /MlpArchitecture\.hidden\[0\]/);
  await assert.rejects(Trainer.create({ arch: { ...arch, inputSize: 32 }, epochs: 1, seed: 1 }).train(split), /TrainData\.train has 64 features/);

  const trainer = Trainer.create({ arch, epochs: 2, seed: 1 });
  await trainer.train({ train: split.train }, { shouldStop: () => trainer.step === 3 });
  const restored = Trainer.restore(trainer.checkpoint());
  await assert.rejects(restored.train({ train: subset(split.train, [0, 1, 2]) }), /resume with the same split/);
  assert.throws(() => Trainer.restore({ ...trainer.checkpoint(), format: 'other' as never }), /not a trainer checkpoint/);
  const cp = trainer.checkpoint();
  assert.throws(() => Trainer.restore({ ...cp, params: cp.params.slice(0, 1) }), /checkpoint\.params must hold 2 layers/);
});
