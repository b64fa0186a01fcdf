import assert from 'node:assert/strict';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { OnnxFormatError } from './model-errors.js';
import { modelContentHash, readOnnxModel } from './onnx-file.js';
import { buildMlpClassifier, buildTextEncoder } from './reference-models.js';
import { createPrng } from './seeded-prng.js';
import { float16LinearModel, qdqLinearModel, sileroVadBytes } from './model-fixtures.js';

const { onnx } = onnxProto;

function assertFormatError(fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OnnxFormatError, `expected OnnxFormatError, got ${String(e)}`);
    assert.equal(e.code, 'BAD_USER_INPUT');
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

/** Decodes, lets the test break something, and encodes again. */
function mutate(bytes: Uint8Array, change: (m: Onnx.ModelProto, g: Onnx.GraphProto) => void): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  change(model, model.graph as Onnx.GraphProto);
  return onnx.ModelProto.encode(model).finish();
}

test('reads the signature, size and operators of a built MLP', () => {
  const info = readOnnxModel(buildMlpClassifier({ inputSize: 4, hidden: [8], classes: 3, seed: 1 }));
  assert.equal(info.irVersion, 8);
  assert.equal(info.opset, 17);
  assert.equal(info.producer, '@aivillage/models');
  assert.deepEqual(info.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 4] }]);
  assert.deepEqual(info.outputs, [{ name: 'probabilities', dtype: 'float32', shape: ['N', 3] }]);
  assert.equal(info.parameterCount, 4 * 8 + 8 + 8 * 3 + 3);
  assert.equal(info.initializerBytes, info.parameterCount * 4);
  assert.equal(info.quantisation, 'none');
  assert.equal(info.nodeCount, 4);
  assert.deepEqual(info.operators, ['Gemm', 'Relu', 'Softmax']);
});

test('reads a real PyTorch export (silero VAD), counting nodes inside If subgraphs', () => {
  const info = readOnnxModel(sileroVadBytes());
  assert.equal(info.producer, 'pytorch');
  assert.equal(info.opset, 16);
  assert.deepEqual(info.inputs, [
    { name: 'input', dtype: 'float32', shape: ['batch', 'sequence'] },
    { name: 'sr', dtype: 'int64', shape: [] },
    { name: 'h', dtype: 'float32', shape: [2, 'batch', 64] },
    { name: 'c', dtype: 'float32', shape: [2, 'batch', 64] },
  ]);
  assert.deepEqual(info.outputs.map((o) => o.name), ['output', 'hn', 'cn']);
  assert.ok(info.nodeCount > 100, `only ${info.nodeCount} nodes: subgraphs not counted`);
  assert.ok(info.operators.includes('LSTM') && info.operators.includes('If'));
  assert.ok(info.parameterCount > 400_000);
  assert.ok(Math.abs(info.initializerBytes - info.parameterCount * 4) < 0.01 * info.initializerBytes);
  assert.equal(info.quantisation, 'none');
});

test('inputs that are also initializers are defaults, not part of the signature', () => {
  const bytes = mutate(buildMlpClassifier({ inputSize: 2, hidden: [], classes: 2 }), (_m, g) => {
    g.input.push({ name: 'W0', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 2 }] } } } } as never);
  });
  assert.deepEqual(readOnnxModel(bytes).inputs.map((i) => i.name), ['features']);
});

test('a truncated real model is an OnnxFormatError, wherever it is cut', () => {
  const bytes = sileroVadBytes();
  for (const length of [1, 10, 100, 4096, Math.floor(bytes.length / 2), Math.floor(bytes.length * 0.99), bytes.length - 1]) {
    assertFormatError(() => readOnnxModel(bytes.subarray(0, length)));
  }
});

test('random bytes are an OnnxFormatError, never a crash or a bogus model', () => {
  const prng = createPrng(42);
  for (let i = 0; i < 300; i++) {
    const bytes = Uint8Array.from({ length: 1 + prng.int(4096) }, () => prng.int(256));
    assertFormatError(() => readOnnxModel(bytes));
  }
  assertFormatError(() => readOnnxModel(new Uint8Array()), /empty/);
  assertFormatError(() => readOnnxModel(new TextEncoder().encode('{"not": "onnx"}')));
});

test('structurally broken graphs are refused with the reason', () => {
  const mlp = buildMlpClassifier({ inputSize: 4, hidden: [8], classes: 3 });
  assertFormatError(() => readOnnxModel(mutate(mlp, (_m, g) => g.node.reverse())), /reads "/);
  assertFormatError(() => readOnnxModel(mutate(mlp, (_m, g) => (g.node[0].domain = 'com.example'))), /does not import/);
  assertFormatError(() => readOnnxModel(mutate(mlp, (m) => (m.opsetImport = []))), /default domain/);
  assertFormatError(() => readOnnxModel(mutate(mlp, (_m, g) => (g.output[0].name = 'nothing'))), /never produced/);
  assertFormatError(() => readOnnxModel(mutate(mlp, (_m, g) => (g.initializer[0].rawData = (g.initializer[0].rawData ?? new Uint8Array()).subarray(4)))), /bytes of data/);
  assertFormatError(
    () => readOnnxModel(mutate(mlp, (_m, g) => {
      const w = g.initializer[0];
      w.rawData = new Uint8Array();
      w.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      w.externalData = [{ key: 'location', value: 'weights.bin' }] as never;
    })),
    /external file/,
  );
});

test('initializers in typed fields (not raw data) are counted too', () => {
  const bytes = mutate(buildMlpClassifier({ inputSize: 2, hidden: [], classes: 2 }), (_m, g) => {
    const w = g.initializer[0];
    w.floatData = [1, 2, 3, 4];
    w.rawData = new Uint8Array();
  });
  assert.equal(readOnnxModel(bytes).parameterCount, 6);
});

test('quantisation is read from weight types and quantisation operators', () => {
  assert.equal(readOnnxModel(buildTextEncoder({ vocabSize: 10, dim: 4 })).quantisation, 'none');
  assert.equal(readOnnxModel(float16LinearModel()).quantisation, 'float16');
  const int8 = readOnnxModel(qdqLinearModel('int8'));
  assert.equal(int8.quantisation, 'int8');
  assert.ok(int8.operators.includes('DequantizeLinear'));
  assert.equal(readOnnxModel(qdqLinearModel('uint8')).quantisation, 'uint8');
  assert.equal(readOnnxModel(qdqLinearModel('int8', true)).quantisation, 'mixed');
});

test('the content hash is the sha256 of the bytes', () => {
  assert.equal(modelContentHash(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
