import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDigits, splitDataset } from './dataset.js';
import { searchArchitectures, trainingEvaluator, type ArchitectureFigures, type ArchitectureVariant } from './adas.js';
import { parameterBytes } from './model-size.js';
import { parameterCount } from './mlp.js';

const split = splitDataset(loadDigits(), { seed: 5, validation: 0.2, test: 0.2 });

test('trained variants are ranked by accuracy with a size penalty, with their figures', async () => {
  const variants: ArchitectureVariant[] = [
    { name: 'narrow', arch: { inputSize: 64, hidden: [16], classes: 10 } },
    { name: 'wide', arch: { inputSize: 64, hidden: [96], classes: 10 } },
    { name: 'deep', arch: { inputSize: 64, hidden: [48, 24], classes: 10 }, train: { epochs: 8 } },
  ];
  const evaluate = trainingEvaluator({ train: split.train, validation: split.validation, config: { epochs: 6, seed: 1, optimizer: { kind: 'adam', learningRate: 3e-3 } } });
  const seen: string[] = [];
  const { ranked, status } = await searchArchitectures({ variants, evaluate, onEvaluated: (v) => void seen.push(v.name) });
  assert.equal(status, 'completed');
  assert.deepEqual(seen, ['narrow', 'wide', 'deep']);
  assert.deepEqual(ranked.map((r) => r.rank), [1, 2, 3]);
  for (const r of ranked) {
    assert.equal(r.figures.parameters, parameterCount(r.variant.arch));
    assert.ok(r.figures.bytes > parameterBytes(r.variant.arch, 'float32'));
    assert.ok(r.figures.accuracy > 0.6 && r.figures.accuracy <= 1);
    assert.equal(r.figures.params.length, r.variant.arch.hidden.length + 1);
    const smallest = Math.min(...ranked.map((x) => x.figures.bytes));
    assert.ok(Math.abs(r.score - (r.figures.accuracy - 0.005 * Math.log2(r.figures.bytes / smallest))) < 1e-12);
  }
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].score >= ranked[i].score);
  console.log(ranked.map((r) => `${r.rank}. ${r.variant.name}: accuracy ${r.figures.accuracy.toFixed(4)}, ${r.figures.bytes} bytes, ${r.figures.trainMs.toFixed(0)} ms`).join('\n'));
});

test('the objective decides; a stop ranks what was evaluated', async () => {
  const figures: ArchitectureFigures[] = [
    { accuracy: 0.9, parameters: 10, bytes: 100 },
    { accuracy: 0.95, parameters: 100, bytes: 1600 },
  ];
  const rank = async (sizePenalty: number) => (await searchArchitectures({ variants: [0, 1], evaluate: (i) => figures[i], sizePenalty })).ranked.map((r) => r.variant);
  assert.deepEqual(await rank(0), [1, 0]);
  // 16× the size costs 4 doublings · 0.02 = 0.08 > 0.05 of accuracy.
  assert.deepEqual(await rank(0.02), [0, 1]);
  const custom = await searchArchitectures({ variants: [0, 1], evaluate: (i) => figures[i], objective: (f) => -f.parameters });
  assert.deepEqual(custom.ranked.map((r) => r.variant), [0, 1]);
  let evaluated = 0;
  const stopped = await searchArchitectures({ variants: [0, 1], evaluate: (i) => (evaluated++, figures[i]), shouldStop: () => evaluated === 1 });
  assert.equal(stopped.status, 'stopped');
  assert.equal(stopped.ranked.length, 1);
  await assert.rejects(searchArchitectures({ variants: [], evaluate: () => figures[0] }), /variants is empty/);
});
