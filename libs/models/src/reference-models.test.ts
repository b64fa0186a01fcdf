import assert from 'node:assert/strict';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import {
  buildMlpClassifier,
  buildTextEncoder,
  mlpForward,
  mlpWeights,
  textEncoderForward,
  type MlpSpec,
  type TextEncoderSpec,
} from './reference-models.js';
import { createPrng } from './seeded-prng.js';

const quiet = { logSeverityLevel: 4 as const };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

test('the seeded PRNG repeats per seed and stays in range', () => {
  const a = createPrng(9);
  const b = createPrng(9);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, createPrng(10).next));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05);
});

test('the same spec and seed give the same bytes; another seed other weights', () => {
  const spec: MlpSpec = { inputSize: 8, hidden: [16], classes: 4, seed: 3 };
  assert.deepEqual(buildMlpClassifier(spec), buildMlpClassifier(spec));
  assert.notDeepEqual(buildMlpClassifier(spec), buildMlpClassifier({ ...spec, seed: 4 }));
});

for (const op of ['gemm', 'matmul'] as const) {
  test(`an MLP (${op}) runs in onnxruntime and matches a plain-JS forward pass within 1e-5`, async () => {
    const spec: MlpSpec = { inputSize: 64, hidden: [128, 32], classes: 10, seed: 11, op };
    const session = await ort.InferenceSession.create(buildMlpClassifier(spec), quiet);
    const batch = 16;
    const prng = createPrng(5);
    const x = Float32Array.from({ length: batch * spec.inputSize }, () => prng.uniform(-2, 2));
    const { probabilities } = await session.run({ features: new ort.Tensor('float32', x, [batch, spec.inputSize]) });
    assert.deepEqual(probabilities.dims, [batch, spec.classes]);
    const expected = mlpForward(mlpWeights(spec), x, batch);
    const got = probabilities.data as Float32Array;
    assert.ok(maxAbsDiff(got, expected) < 1e-5, `max diff ${maxAbsDiff(got, expected)}`);
    for (let b = 0; b < batch; b++) {
      const row = got.subarray(b * 10, b * 10 + 10).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(row - 1) < 1e-5);
    }
    await session.release();
  });
}

test('given weights are used as they are', async () => {
  // Identity weights and zero bias: probabilities are softmax(x).
  const weights = [{ weight: Float32Array.from([1, 0, 0, 1]), bias: new Float32Array(2) }];
  const session = await ort.InferenceSession.create(buildMlpClassifier({ inputSize: 2, hidden: [], classes: 2, weights }), quiet);
  const { probabilities } = await session.run({ features: new ort.Tensor('float32', Float32Array.from([0, Math.log(3)]), [1, 2]) });
  assert.ok(maxAbsDiff(probabilities.data as Float32Array, [0.25, 0.75]) < 1e-6);
  assert.throws(() => buildMlpClassifier({ inputSize: 3, hidden: [], classes: 2, weights }), RangeError);
  assert.throws(() => buildMlpClassifier({ inputSize: 0, hidden: [], classes: 2 }), RangeError);
});

function tokens(spec: TextEncoderSpec, rows: number, length: number, seed: number): number[][] {
  const prng = createPrng(seed);
  return Array.from({ length: rows }, () => Array.from({ length }, () => prng.int(spec.vocabSize)));
}

function int64(rows: number[][]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);
}

test('the text encoder gives unit vectors that match a plain-JS forward pass', async () => {
  const spec: TextEncoderSpec = { vocabSize: 1000, dim: 32, embeddingDim: 48, seed: 2 };
  const session = await ort.InferenceSession.create(buildTextEncoder(spec), quiet);
  const ids = tokens(spec, 6, 12, 1);
  const mask = ids.map((row, r) => row.map((_, t) => (t < 12 - r ? 1 : 0)));
  const { embedding } = await session.run({ token_ids: int64(ids), attention_mask: int64(mask) });
  assert.deepEqual(embedding.dims, [6, 32]);
  const got = embedding.data as Float32Array;
  for (let r = 0; r < 6; r++) assert.ok(Math.abs(Math.hypot(...got.subarray(r * 32, r * 32 + 32)) - 1) < 1e-5);
  assert.ok(maxAbsDiff(got, textEncoderForward(spec, ids, mask)) < 1e-5);
  await session.release();
});

test('padding does not change a text embedding', async () => {
  const spec: TextEncoderSpec = { vocabSize: 100, dim: 16, seed: 8 };
  const session = await ort.InferenceSession.create(buildTextEncoder(spec), quiet);
  const short = await session.run({ token_ids: int64([[5, 6, 7]]), attention_mask: int64([[1, 1, 1]]) });
  const padded = await session.run({ token_ids: int64([[5, 6, 7, 0, 0]]), attention_mask: int64([[1, 1, 1, 0, 0]]) });
  assert.ok(maxAbsDiff(short.embedding.data as Float32Array, padded.embedding.data as Float32Array) < 1e-6);
  await session.release();
});

test('without a mask the encoder averages every token (ReduceMean) and still normalises', async () => {
  const spec: TextEncoderSpec = { vocabSize: 50, dim: 8, seed: 1, attentionMask: false };
  const session = await ort.InferenceSession.create(buildTextEncoder(spec), quiet);
  assert.deepEqual(session.inputNames, ['token_ids']);
  const ids = tokens(spec, 3, 5, 2);
  const { embedding } = await session.run({ token_ids: int64(ids) });
  assert.ok(maxAbsDiff(embedding.data as Float32Array, textEncoderForward(spec, ids, null)) < 1e-5);
  await session.release();
});
