import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrng, mlpForward, readOnnxModel } from '@aivillage/models';
import { loadDigits, splitDataset } from './dataset.js';
import { evaluateOnnx } from './evaluate.js';
import { initMlp, type MlpArchitecture } from './mlp.js';
import { parameterBytes } from './model-size.js';
import { exportOnnx } from './onnx-export.js';
import { dequantize, WEIGHT_FORMATS } from './quantize.js';
import { Trainer } from './trainer.js';

const { test: digits, train } = splitDataset(loadDigits(), { seed: 7, validation: 0, test: 0.2 });

test('every format runs in onnxruntime and, computing in float, matches the JS forward pass of its quantised weights', async () => {
  // 7·5 and 5·3 weights: neither a multiple of 4, so the ternary unpacking slices padding off.
  const arch: MlpArchitecture = { inputSize: 7, hidden: [5], classes: 3 };
  const params = initMlp(arch, 3);
  const prng = createPrng(1);
  const ds = { name: 'random', features: 7, classes: 3, size: 50, x: Float32Array.from({ length: 350 }, () => prng.uniform(-2, 2)), y: new Uint8Array(50) };
  for (const format of WEIGHT_FORMATS) {
    const { probabilities } = await evaluateOnnx(exportOnnx(arch, params, format), ds, { sessionOptions: { graphOptimizationLevel: 'basic' } });
    const expected = mlpForward(dequantize(params, format), ds.x, ds.size);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(probabilities[i] - expected[i]));
    assert.ok(worst < 1e-6, `${format}: largest difference ${worst}`);
  }
});

test('a trained model classifies the digits alike in JS and onnxruntime in every format; files shrink as expected', async () => {
  const arch: MlpArchitecture = { inputSize: 64, hidden: [64], classes: 10 };
  const { params } = await Trainer.create({ arch, epochs: 5, seed: 1 }).train({ train });
  const sizes: Record<string, number> = {};
  for (const format of WEIGHT_FORMATS) {
    const bytes = exportOnnx(arch, params, format);
    sizes[format] = bytes.byteLength;
    const info = readOnnxModel(bytes);
    assert.deepEqual(info.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 64] }]);
    assert.deepEqual(info.outputs, [{ name: 'probabilities', dtype: 'float32', shape: ['N', 10] }]);
    assert.equal(info.quantisation, { float32: 'none', int8: 'int8', ternary: 'int2' }[format]);
    // The file is its parameters plus a graph of a kilobyte or two.
    assert.ok(bytes.byteLength - parameterBytes(arch, format) < 2048, `${format}: ${bytes.byteLength} bytes for ${parameterBytes(arch, format)} of parameters`);

    const probabilities = mlpForward(dequantize(params, format), digits.x, digits.size);
    const compare = (predictions: Uint8Array, served: Float32Array) => {
      let agree = 0;
      let worst = 0;
      for (let i = 0; i < digits.size; i++) {
        const row = Array.from(probabilities.subarray(i * 10, i * 10 + 10));
        if (row.indexOf(Math.max(...row)) === predictions[i]) agree++;
        row.forEach((p, j) => (worst = Math.max(worst, Math.abs(p - served[i * 10 + j]))));
      }
      return { disagree: digits.size - agree, worst };
    };
    const exact = await evaluateOnnx(bytes, digits, { sessionOptions: { graphOptimizationLevel: 'basic' } });
    assert.deepEqual(compare(exact.predictions, exact.probabilities).disagree, 0, `${format}: computing in float`);
    // As served: int8 and ternary run in onnxruntime's MatMulNBits with 8-bit activations.
    const served = await evaluateOnnx(bytes, digits);
    const { disagree, worst } = compare(served.predictions, served.probabilities);
    assert.ok(disagree <= digits.size / 100, `${format}: JS and onnxruntime disagree on ${disagree} digits`);
    assert.ok(worst < (format === 'float32' ? 1e-6 : 2e-2), `${format}: largest difference ${worst}`);
    console.log(`${format}: ${bytes.byteLength} bytes; as served, ${disagree} of ${digits.size} predictions differ from JS, probabilities by ≤ ${worst.toExponential(1)}`);
  }
  assert.ok(sizes.int8 < sizes.float32 * 0.35 && sizes.ternary < sizes.float32 * 0.2, JSON.stringify(sizes));
  assert.equal(readOnnxModel(exportOnnx(arch, params, 'ternary')).opset, 18);
});

test('export checks shapes and format', () => {
  const arch: MlpArchitecture = { inputSize: 4, hidden: [3], classes: 2 };
  assert.throws(() => exportOnnx(arch, initMlp({ ...arch, hidden: [2] }, 1), 'float32'), RangeError);
  assert.throws(() => exportOnnx(arch, initMlp(arch, 1), 'int4' as never), /format must be/);
});
