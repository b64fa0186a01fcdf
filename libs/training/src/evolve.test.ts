import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseLayer } from '@aivillage/models';
import { loadDigits, splitDataset, subset } from './dataset.js';
import { evaluateOnnx } from './evaluate.js';
import { applyRecipe, evolveMerge, type MergeRecipe } from './evolve.js';
import { exportOnnx } from './onnx-export.js';
import { Trainer } from './trainer.js';

const model = (weight: number[]): DenseLayer[] => [{ weight: Float32Array.from(weight), bias: Float32Array.from([0]) }];

test('the search finds a merge better than every candidate, repeatably', async () => {
  const candidates = [model([1, 0, 0, 0]), model([0, 1, 0, 0]), model([0, 0, 1, 1])];
  // The best model is 0.3·c0 + 0.7·c1: reachable by linear merging only.
  const target = [0.3, 0.7, 0, 0];
  const fitness = (p: DenseLayer[]) => -Math.hypot(...Array.from(p[0].weight, (w, i) => w - target[i]));
  const run = () => evolveMerge({ candidates, fitness, seed: 4, population: 8, generations: 8 });
  const result = await run();
  assert.equal(result.status, 'completed');
  assert.equal(result.history.length, 8);
  assert.ok(result.fitness > -0.1, `best fitness ${result.fitness} with ${JSON.stringify(result.recipe)}`);
  assert.ok(result.fitness > result.history[0].bestFitness);
  assert.deepEqual(applyRecipe(result.recipe, candidates)[0].weight, result.params[0].weight);
  for (let g = 1; g < result.history.length; g++) assert.ok(result.history[g].bestFitness >= result.history[g - 1].bestFitness, 'elitism keeps the best');
  assert.ok(result.evaluations <= 8 * 8);
  assert.deepEqual((await run()).recipe, result.recipe);
});

test('a stopped search returns its best so far; bad options are RangeErrors', async () => {
  let generations = 0;
  const result = await evolveMerge({
    candidates: [model([1]), model([2])],
    fitness: (p) => p[0].weight[0],
    seed: 1,
    generations: 10,
    onGeneration: () => void generations++,
    shouldStop: () => generations === 2,
  });
  assert.equal(result.status, 'stopped');
  assert.equal(result.history.length, 2);
  assert.ok(result.fitness >= 2);
  await assert.rejects(evolveMerge({ candidates: [model([1])], fitness: () => 0, seed: 1 }), /at least 2 models/);
  await assert.rejects(evolveMerge({ candidates: [model([1]), model([1])], fitness: () => 0, seed: 1, operators: ['ties'] }), /needs EvolveMergeOptions\.base/);
  await assert.rejects(evolveMerge({ candidates: [model([1]), model([1, 2])], fitness: () => 0, seed: 1 }), /one architecture/);
});

test('EvoMerge on the digits: models fine-tuned from one base merge, judged through onnxruntime', async () => {
  const split = splitDataset(loadDigits(), { seed: 11, validation: 0.2, test: 0.2 });
  const arch = { inputSize: 64, hidden: [32], classes: 10 };
  const optimizer = { kind: 'adam', learningRate: 3e-3 } as const;
  const base = (await Trainer.create({ arch, epochs: 3, seed: 1, optimizer }).train({ train: split.train })).params;
  // Two specialists: each fine-tuned on a different half of the training set.
  const half = Math.floor(split.train.size / 2);
  const halves = [subset(split.train, Array.from({ length: half }, (_, i) => i)), subset(split.train, Array.from({ length: split.train.size - half }, (_, i) => half + i))];
  const candidates = await Promise.all(halves.map(async (train, i) => (await Trainer.create({ arch, epochs: 6, seed: 10 + i, optimizer }, base).train({ train })).params));
  const onnxAccuracy = async (params: DenseLayer[], ds = split.validation) => (await evaluateOnnx(exportOnnx(arch, params, 'float32'), ds)).accuracy;
  const recipes: MergeRecipe[] = [];
  const fitness = (params: DenseLayer[], recipe: MergeRecipe) => {
    recipes.push(recipe);
    return onnxAccuracy(params);
  };
  const result = await evolveMerge({ candidates, base, fitness, seed: 3, population: 8, generations: 3 });
  const candidateAccuracy = await Promise.all(candidates.map((c) => onnxAccuracy(c)));
  const testAccuracy = await onnxAccuracy(result.params, split.test);
  console.log(
    `validation accuracy: candidates ${candidateAccuracy.map((a) => a.toFixed(4)).join(', ')}; merged ${result.fitness.toFixed(4)} ` +
      `(${JSON.stringify(result.recipe)}, ${result.evaluations} evaluations); merged test accuracy ${testAccuracy.toFixed(4)}`,
  );
  assert.ok(result.fitness > Math.max(...candidateAccuracy), 'the merge beats both specialists');
  assert.ok(testAccuracy > 0.9);
  assert.ok(new Set(recipes.map((r) => r.op)).size >= 2, 'several operators tried');
});
