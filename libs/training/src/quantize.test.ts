import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrng } from '@aivillage/models';
import { dequantize, packTernary, quantizeInt8, ternarize, unpackTernary } from './quantize.js';

const prng = createPrng(4);
const weight = Float32Array.from({ length: 6 * 5 }, () => prng.uniform(-1, 1));

test('ternarize uses BitNet b1.58 absmean scaling', () => {
  const w = Float32Array.from([0.9, -0.1, 0.3, -0.6, 0, 0.2]);
  const { codes, scale } = ternarize(w);
  assert.equal(scale, Math.fround((0.9 + 0.1 + 0.3 + 0.6 + 0 + 0.2) / 6)); // γ = 0.35
  assert.deepEqual(Array.from(codes), [1, 0, 1, -1, 0, 1]); // round(w/γ) clipped: 2.57→1, −0.29→0, 0.86→1, −1.71→−1, 0, 0.57→1
  assert.equal(ternarize(new Float32Array(4)).codes.every((c) => c === 0), true, 'all zeros stay zero');
});

test('int8 per output channel: scale max|w|/127 per column, error at most half a step', () => {
  const { values, scales } = quantizeInt8(weight, 5);
  for (let j = 0; j < 5; j++) {
    let max = 0;
    for (let k = 0; k < 6; k++) max = Math.max(max, Math.abs(weight[k * 5 + j]));
    assert.equal(scales[j], Math.fround(max / 127));
  }
  values.forEach((q, i) => assert.ok(Math.abs(q * scales[i % 5] - weight[i]) <= scales[i % 5] / 2 + 1e-7));
  assert.ok(values.some((q) => Math.abs(q) === 127));
  assert.throws(() => quantizeInt8(weight, 7), RangeError);
});

test('dequantize gives the values each format computes with', () => {
  const params = [{ weight, bias: Float32Array.from([1, 2, 3, 4, 5]) }];
  assert.deepEqual(dequantize(params, 'float32')[0].weight, weight);
  const { codes, scale } = ternarize(weight);
  assert.deepEqual(dequantize(params, 'ternary')[0].weight, Float32Array.from(codes, (c) => c * scale));
  const int8 = dequantize(params, 'int8')[0];
  assert.deepEqual(int8.bias, params[0].bias);
  assert.ok(int8.weight.every((w, i) => Math.abs(w - weight[i]) < 0.01));
});

test('ternary codes pack four to a byte and unpack exactly, padding included', () => {
  for (const n of [1, 4, 7, 30, 1001]) {
    const codes = Int8Array.from({ length: n }, () => prng.int(3) - 1);
    const packed = packTernary(codes);
    assert.equal(packed.length, Math.ceil(n / 4));
    assert.deepEqual(unpackTernary(packed, n), codes);
  }
  assert.deepEqual(Array.from(packTernary(Int8Array.from([-1, 0, 1, 1]))), [0b10_10_01_00]);
  assert.throws(() => packTernary(Int8Array.from([2])), RangeError);
  assert.throws(() => unpackTernary(new Uint8Array(2), 3), RangeError);
});
