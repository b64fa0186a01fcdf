import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelSession, analyseBatching } from './inference-session.js';
import { ModelInputError, ModelLoadError, ModelRuntimeError, ModelSessionClosedError, OnnxFormatError } from './model-errors.js';
import { OnnxGraphBuilder } from './onnx-builder.js';
import { readOnnxModel } from './onnx-file.js';
import { buildMlpClassifier, buildTextEncoder, mlpForward, mlpWeights, type MlpSpec } from './reference-models.js';
import { float16LinearModel, qdqLinearModel, sileroVadBytes } from './model-fixtures.js';

const mlpSpec: MlpSpec = { inputSize: 4, hidden: [8], classes: 3, seed: 1 };
const mlp = ModelSession.create(buildMlpClassifier(mlpSpec));
const encoder = ModelSession.create(buildTextEncoder({ vocabSize: 20, dim: 4, seed: 1 }));

async function rejectsInput(promise: Promise<unknown>, pattern: RegExp, input?: string | null): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ModelInputError, `expected ModelInputError, got ${String(e)}`);
    assert.equal(e.code, 'BAD_USER_INPUT');
    assert.match(e.message, pattern);
    if (input !== undefined) assert.equal(e.input, input);
    // The whole expected signature travels with every input error.
    assert.ok(Array.isArray(e.details?.expected) && (e.details.expected as unknown[]).length > 0);
    return true;
  });
}

test('nested and flat inputs give the same outputs, as flat data with dims', async () => {
  const session = await mlp;
  const rows = [[1, 2, 3, 4], [-1, 0, 0.5, 2]];
  const nested = await session.run({ features: rows });
  const flat = await session.run({ features: { data: rows.flat(), dims: [2, 4] } });
  const typed = await session.run({ features: { data: Float32Array.from(rows.flat()), dims: [2, 4] } });
  assert.deepEqual(nested, flat);
  assert.deepEqual(nested, typed);
  assert.equal(nested.probabilities.dtype, 'float32');
  assert.deepEqual(nested.probabilities.dims, [2, 3]);
  const expected = mlpForward(mlpWeights(mlpSpec), rows.flat(), 2);
  (nested.probabilities.data as number[]).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5));
});

test('requests that do not match the signature are refused with the expected signature', async () => {
  const s = await mlp;
  await rejectsInput(s.run({ features: [1, 2, 3, 4] }), /rank 1.*features: float32\[N,4\]/, 'features');
  await rejectsInput(s.run({ features: [[1, 2, 3]] }), /dim 1 is 3/, 'features');
  await rejectsInput(s.run({ features: [[1, 2, 3, 4], [1, 2]] }), /ragged/, 'features');
  await rejectsInput(s.run({ features: [[1, 2, 3, 'x']] } as never), /element 3 is the string "x"/, 'features');
  await rejectsInput(s.run({}), /missing input "features"/, 'features');
  await rejectsInput(s.run({ features: [[1, 2, 3, 4]], extra: [1] }), /unknown input "extra"/, 'extra');
  await rejectsInput(s.run({ features: { data: [1, 2, 3], dims: [1, 4] } }), /3 values for dims \[1,4\]/, 'features');
  await rejectsInput(s.run({ features: [[1, 2, 3, 4]] }, { outputs: ['logits'] }), /unknown output "logits"/, null);
});

test('integer inputs must be integers in range, and symbolic dims must agree across inputs', async () => {
  const s = await encoder;
  await rejectsInput(s.run({ token_ids: [[1.5, 2]], attention_mask: [[1, 1]] }), /element 0 is 1\.5/, 'token_ids');
  await rejectsInput(s.run({ token_ids: [[2 ** 60, 2]], attention_mask: [[1, 1]] }), /integer in/, 'token_ids');
  await rejectsInput(s.run({ token_ids: [[1, 2]], attention_mask: [[1, 1, 1]] }), /\(T\) is 3 but "token_ids" has T = 2/, 'attention_mask');
  await rejectsInput(s.run({ token_ids: [[1, 2]], attention_mask: [[1, 1], [1, 1]] }), /\(N\) is 2/, 'attention_mask');
  const ok = await s.run({ token_ids: [[1, 2]], attention_mask: [[1, 1]] });
  assert.deepEqual(ok.embedding.dims, [1, 4]);
});

test('requests larger than maxElements are refused before reaching the runtime', async () => {
  const small = await ModelSession.create(buildMlpClassifier(mlpSpec), { maxElements: 8 });
  await rejectsInput(small.run({ features: { data: new Float32Array(12), dims: [3, 4] } }), /more than 8 elements/);
  await small.close();
});

test('a value only the runtime can reject is a ModelRuntimeError', async () => {
  const s = await encoder;
  await assert.rejects(s.run({ token_ids: [[1, 20]], attention_mask: [[1, 1]] }), (e: unknown) => {
    assert.ok(e instanceof ModelRuntimeError);
    assert.equal(e.code, 'INFERENCE_FAILED');
    assert.match(e.message, /out of data bounds/);
    return true;
  });
});

test('corrupt bytes and models onnxruntime cannot load are user errors', async () => {
  await assert.rejects(ModelSession.create(new Uint8Array([1, 2, 3])), OnnxFormatError);
  const g = new OnnxGraphBuilder();
  g.input('x', 'float32', ['N']);
  g.node('NoSuchOperator', ['x'], { outputs: ['y'] });
  g.output('y', 'float32', ['N']);
  await assert.rejects(ModelSession.create(g.toBytes()), (e: unknown) => e instanceof ModelLoadError && e.code === 'BAD_USER_INPUT' && /NoSuchOperator/.test(e.message));
});

test('quantised models written by the builder load and run', async () => {
  const int8 = await ModelSession.create(qdqLinearModel('int8'));
  const out = await int8.run({ x: [[1, 0, 0, 0]] });
  assert.deepEqual(out.y.data, [0.5, -1, 1.5]);
  const fp16 = await ModelSession.create(float16LinearModel());
  assert.deepEqual((await fp16.run({ x: [[1, 1]] })).y.data, [-1, 0.75]);
  await Promise.all([int8.close(), fp16.close()]);
});

test('a real ONNX model from npm (silero VAD) runs through the session', async () => {
  const bytes = sileroVadBytes();
  const info = readOnnxModel(bytes);
  const session = await ModelSession.create(bytes);
  assert.deepEqual(session.inputs, info.inputs);
  // Its state inputs carry the batch on dim 1 and sr is a scalar, so it must never be batched.
  assert.equal(session.batching.batchable, false);
  const samples = Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000));
  const state = { data: new Float32Array(2 * 64), dims: [2, 1, 64] };
  const out = await session.run({ input: [samples], sr: 16000, h: state, c: state });
  assert.deepEqual(out.output.dims, [1, 1]);
  const p = (out.output.data as number[])[0];
  assert.ok(p >= 0 && p <= 1, `speech probability ${p}`);
  assert.deepEqual(out.hn.dims, [2, 1, 64]);
  // Warm-up with every symbolic dim at 1 is too short for its STFT padding: reported, not thrown.
  const warm = await session.warmUp();
  assert.equal(warm.ok, false);
  assert.match(warm.error ?? '', /Pad/);
  await session.close();
});

test('batchability: shared symbolic dim 0 on every input, symbolic dim 0 on every output', () => {
  assert.deepEqual(analyseBatching(readOnnxModel(buildTextEncoder({ vocabSize: 5, dim: 2 }))), { batchable: true, dim: 'N' });
  const g = new OnnxGraphBuilder();
  g.input('x', 'float32', [1, 4]);
  g.node('Relu', ['x'], { outputs: ['y'] });
  g.output('y', 'float32', [1, 4]);
  const fixed = analyseBatching(readOnnxModel(g.toBytes()));
  assert.equal(fixed.batchable, false);
});

test('warm-up runs zeros of the declared shapes', async () => {
  const warm = await (await encoder).warmUp();
  assert.equal(warm.ok, true);
  assert.ok(warm.ms >= 0);
});

test('close waits for work in flight, then refuses new work', async () => {
  const session = await ModelSession.create(buildMlpClassifier(mlpSpec));
  const running = session.run({ features: [[1, 2, 3, 4]] });
  const closed = session.close();
  assert.equal(session.closed, true);
  assert.deepEqual((await running).probabilities.dims, [1, 3]);
  await closed;
  await assert.rejects(session.run({ features: [[1, 2, 3, 4]] }), ModelSessionClosedError);
  assert.equal(session.close(), closed);
});

test('session options with undefined values are dropped, not passed to onnxruntime', async () => {
  const session = await ModelSession.create(buildMlpClassifier(mlpSpec), { sessionOptions: { intraOpNumThreads: undefined, interOpNumThreads: 1 } });
  assert.deepEqual((await session.run({ features: [[0, 0, 0, 0]] })).probabilities.dims, [1, 3]);
  await session.close();
});
