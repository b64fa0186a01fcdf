import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseLayer } from '@aivillage/models';
import { mergeLinear, mergeSlerp, mergeTies } from './merge.js';

/** One layer of `weight` [n, 1] and a bias of one. */
const model = (weight: number[], bias = 0): DenseLayer[] => [{ weight: Float32Array.from(weight), bias: Float32Array.from([bias]) }];
const close = (actual: ArrayLike<number>, expected: number[]) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < 1e-6, `[${i}] = ${actual[i]}, expected ${e}`));

test('linear merging interpolates every tensor', () => {
  const a = model([1, 2], 1);
  const b = model([3, -2], 3);
  close(mergeLinear(a, b, 0)[0].weight, [1, 2]);
  close(mergeLinear(a, b, 1)[0].weight, [3, -2]);
  const mid = mergeLinear(a, b, 0.25)[0];
  close(mid.weight, [1.5, 1]);
  close(mid.bias, [1.5]);
});

test('SLERP follows the arc, and falls back to linear for (nearly) parallel tensors', () => {
  const a = model([1, 0], 1);
  const b = model([0, 1], 2);
  const mid = mergeSlerp(a, b, 0.5)[0];
  close(mid.weight, [Math.SQRT1_2, Math.SQRT1_2]); // norm 1 kept, where linear gives 0.707
  close(mid.bias, [1.5]); // parallel biases: linear
  close(mergeSlerp(a, b, 0)[0].weight, [1, 0]);
  close(mergeSlerp(a, b, 1)[0].weight, [0, 1]);
  // 60° apart: a third of the way is 20° from a.
  const c = mergeSlerp(model([1, 0]), model([0.5, Math.sqrt(3) / 2]), 1 / 3)[0];
  close(c.weight, [Math.cos(Math.PI / 9), Math.sin(Math.PI / 9)]);
});

test('TIES trims, elects signs and averages only the agreeing task-vector entries', () => {
  const base = model([0, 0, 0, 0], 0.5);
  const m1 = model([3, -1, 0.5, 0], 0.5); // trimmed to density 0.5: [3, −1, 0, 0]
  const m2 = model([-2, -1, 1, 4], 0.5); // trimmed: [−2, 0, 0, 4]
  close(mergeTies(base, [m1, m2], { density: 0.5 })[0].weight, [3, -1, 0, 4]);
  // Weighting m2 twice flips the first sign election to m2's side.
  close(mergeTies(base, [m1, m2], { density: 0.5, weights: [1, 2] })[0].weight, [-2, -1, 0, 4]);
  // Density 1 keeps all: p0 elects + (3−2), only m1 agrees; p1 both agree (mean −1); p2 both +: mean 0.75.
  close(mergeTies(base, [m1, m2], { density: 1 })[0].weight, [3, -1, 0.75, 4]);
  close(mergeTies(base, [m1, m2], { density: 1, scale: 0.5 })[0].weight, [1.5, -0.5, 0.375, 2]);
  close(mergeTies(base, [m1, m2], { density: 0.5 })[0].bias, [0.5]);
});

test('merging checks shapes and options', () => {
  assert.throws(() => mergeLinear(model([1, 2]), model([1, 2, 3]), 0.5), /merging needs one architecture/);
  assert.throws(() => mergeSlerp(model([1]), model([1]), NaN), /t must be/);
  assert.throws(() => mergeTies(model([1]), [model([1])], { density: 0 }), /TiesOptions\.density/);
  assert.throws(() => mergeTies(model([1]), [model([1])], { density: 1, weights: [1, 1] }), /TiesOptions\.weights/);
  assert.throws(() => mergeTies(model([1]), [], { density: 1 }), /at least one model/);
});
