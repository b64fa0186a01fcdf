import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkOptimizer, createOptimizerState, optimizerStep } from './optimizer.js';

const layer = () => [{ weight: Float32Array.from([1, -2]), bias: Float32Array.from([0.5]) }];
const grads = () => [{ weight: Float64Array.from([0.1, -0.3]), bias: Float64Array.from([0.2]) }];

test('Adam takes a step of about lr against the gradient sign at first, with L2 on weights only', () => {
  const config = checkOptimizer({ kind: 'adam', learningRate: 0.01 });
  const params = layer();
  const state = createOptimizerState(config, params);
  optimizerStep(config, state, params, grads(), { step: 1, learningRate: 0.01, l2: 0 });
  // With bias correction, step 1 is lr · g / (|g| + ε).
  assert.ok(Math.abs(params[0].weight[0] - (1 - 0.01)) < 1e-6);
  assert.ok(Math.abs(params[0].weight[1] - (-2 + 0.01)) < 1e-6);
  assert.ok(Math.abs(params[0].bias[0] - (0.5 - 0.01)) < 1e-6);
  // Second step by hand: m = 0.9·m₁ + 0.1·g, v = 0.999·v₁ + 0.001·g².
  const g = 0.1 + 0.5 * params[0].weight[0];
  const m = 0.9 * 0.01 + 0.1 * g;
  const v = 0.999 * 1e-5 + 0.001 * g * g;
  const expected = params[0].weight[0] - (0.01 * (m / (1 - 0.9 ** 2))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
  const before = params[0].bias[0];
  optimizerStep(config, state, params, grads(), { step: 2, learningRate: 0.01, l2: 0.5 });
  assert.ok(Math.abs(params[0].weight[0] - expected) < 1e-6);
  assert.ok(Math.abs(params[0].bias[0] - (before - 0.01)) < 1e-5, 'no L2 on biases');
});

test('SGD with momentum accumulates velocity', () => {
  const config = checkOptimizer({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 });
  const params = layer();
  const state = createOptimizerState(config, params);
  assert.equal(state.second, null);
  optimizerStep(config, state, params, grads(), { step: 1, learningRate: 0.1, l2: 0 });
  optimizerStep(config, state, params, grads(), { step: 2, learningRate: 0.1, l2: 0 });
  // u₁ = g, u₂ = 0.9g + g: w = 1 − 0.1·(0.1 + 0.19).
  assert.ok(Math.abs(params[0].weight[0] - (1 - 0.1 * 0.29)) < 1e-6);
});

test('bad optimiser settings are RangeErrors naming the field', () => {
  assert.throws(() => checkOptimizer({ kind: 'adam', learningRate: 0 }), /OptimizerConfig\.learningRate/);
  assert.throws(() => checkOptimizer({ kind: 'adam', learningRate: 1e-3, beta2: 1 }), /OptimizerConfig\.beta2/);
  assert.throws(() => checkOptimizer({ kind: 'sgd', learningRate: 1e-3, momentum: -1 }), /OptimizerConfig\.momentum/);
  assert.throws(() => checkOptimizer({ kind: 'rmsprop', learningRate: 1e-3 } as never), /OptimizerConfig\.kind/);
});
