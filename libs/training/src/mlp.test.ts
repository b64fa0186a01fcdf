import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrng, mlpForward } from '@aivillage/models';
import { architectureOf, Backprop, checkParams, forwardLogits, initMlp, layerSizes, lossAndAccuracy, parameterCount, zeroBuffers, type MlpArchitecture } from './mlp.js';

const arch: MlpArchitecture = { inputSize: 6, hidden: [5, 4], classes: 3 };

function batch(rows: number, seed: number): { x: Float32Array; y: Uint8Array } {
  const prng = createPrng(seed);
  // Like the digits: many exact zeros, which the products skip.
  const x = Float32Array.from({ length: rows * arch.inputSize }, () => (prng.next() < 0.4 ? 0 : prng.next()));
  const y = Uint8Array.from({ length: rows }, () => prng.int(arch.classes));
  return { x, y };
}

test('backpropagation matches central differences of the loss for every parameter', () => {
  const params = initMlp(arch, 11);
  const { x, y } = batch(8, 5);
  const grads = zeroBuffers(params);
  const { loss } = new Backprop(arch, 8).run(params, x, y, [0, 1, 2, 3, 4, 5, 6, 7], grads);
  assert.ok(Math.abs(loss - lossAndAccuracy(params, x, y).loss) < 1e-12);

  let checked = 0;
  let worst = 0;
  params.forEach((layer, l) => {
    for (const key of ['weight', 'bias'] as const) {
      const t = layer[key];
      for (let i = 0; i < t.length; i++) {
        const original = t[i];
        t[i] = original + 1e-3;
        const up = t[i];
        const lossUp = lossAndAccuracy(params, x, y).loss;
        t[i] = original - 1e-3;
        const down = t[i];
        const lossDown = lossAndAccuracy(params, x, y).loss;
        t[i] = original;
        // Divide by the float32 values actually used, not by 2e-3.
        const numeric = (lossUp - lossDown) / (up - down);
        const analytic = grads[l][key][i];
        const error = Math.abs(numeric - analytic);
        worst = Math.max(worst, error);
        assert.ok(error < 1e-5 + 1e-3 * Math.abs(analytic), `layer ${l} ${key}[${i}]: analytic ${analytic}, numeric ${numeric}`);
        checked++;
      }
    }
  });
  assert.equal(checked, parameterCount(arch));
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
});

test('the forward pass agrees with @aivillage/models mlpForward', () => {
  const params = initMlp(arch, 2);
  const { x } = batch(10, 9);
  const logits = forwardLogits(params, x, 10);
  const probabilities = mlpForward(params, x, 10);
  for (let b = 0; b < 10; b++) {
    const row = logits.subarray(b * 3, b * 3 + 3);
    const max = Math.max(...row);
    const exps = Array.from(row, (v) => Math.exp(v - max));
    const sum = exps.reduce((s, v) => s + v, 0);
    exps.forEach((e, j) => assert.ok(Math.abs(e / sum - probabilities[b * 3 + j]) < 1e-12));
  }
});

test('architectures are checked field by field', () => {
  assert.deepEqual(layerSizes(arch), [6, 5, 4, 3]);
  assert.equal(parameterCount({ inputSize: 64, hidden: [256], classes: 10 }), 64 * 256 + 256 + 256 * 10 + 10);
  assert.throws(() => layerSizes({ inputSize: 6, hidden: [5, 0], classes: 3 }), /MlpArchitecture\.hidden\[1\] must be a positive integer, got 0/);
  assert.throws(() => layerSizes({ inputSize: 1.5, hidden: [], classes: 3 }), /MlpArchitecture\.inputSize/);
  assert.throws(() => checkParams({ ...arch, hidden: [5] }, initMlp(arch, 1)), RangeError);
  assert.deepEqual(architectureOf(initMlp(arch, 1)), { inputSize: 6, hidden: [5, 4], classes: 3 });
});
