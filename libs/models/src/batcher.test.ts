import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamicBatcher, type BatchReport } from './batcher.js';
import { ModelSession } from './inference-session.js';
import { ModelInputError, ModelRuntimeError } from './model-errors.js';
import { OnnxGraphBuilder } from './onnx-builder.js';
import { buildMlpClassifier, buildTextEncoder } from './reference-models.js';
import { createPrng } from './seeded-prng.js';
import { sileroVadBytes } from './model-fixtures.js';

const mlp = ModelSession.create(buildMlpClassifier({ inputSize: 8, hidden: [16], classes: 4, seed: 3 }));
const encoder = ModelSession.create(buildTextEncoder({ vocabSize: 30, dim: 8, seed: 3 }));

function rows(count: number, width: number, seed: number): number[][] {
  const prng = createPrng(seed);
  return Array.from({ length: count }, () => Array.from({ length: width }, () => prng.uniform(-1, 1)));
}

function collect(): { reports: BatchReport[]; onBatch: (r: BatchReport) => void } {
  const reports: BatchReport[] = [];
  return { reports, onBatch: (r) => reports.push(r) };
}

test('concurrent requests run as one batch and each gets exactly its own rows', async () => {
  const session = await mlp;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 5, onBatch });
  const requests = Array.from({ length: 10 }, (_, i) => rows(1 + (i % 3), 8, i));
  const results = await Promise.all(requests.map((features) => batcher.run(session, { features })));
  assert.equal(reports.length, 1);
  assert.deepEqual({ mode: reports[0].mode, requests: reports[0].requests, rows: reports[0].rows, failed: reports[0].failed }, { mode: 'batched', requests: 10, rows: 19, failed: 0 });
  assert.ok(reports[0].runMs > 0 && reports[0].totalMs >= reports[0].runMs);
  for (const [i, features] of requests.entries()) {
    const alone = await session.run({ features });
    assert.deepEqual(results[i].probabilities.dims, [features.length, 4]);
    (results[i].probabilities.data as number[]).forEach((v, k) => assert.ok(Math.abs(v - (alone.probabilities.data as number[])[k]) < 1e-6));
  }
});

test('a batch closes at maxBatch rows; the rest waits for the next one', async () => {
  const session = await mlp;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 5, onBatch });
  await Promise.all(Array.from({ length: 5 }, (_, i) => batcher.run(session, { features: rows(10, 8, i) })));
  assert.deepEqual(reports.map((r) => [r.requests, r.rows]), [[3, 30], [2, 20]]);
});

test('a full batch runs at once, without waiting for the deadline', async () => {
  const session = await mlp;
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 60_000 });
  const results = await Promise.all(Array.from({ length: 4 }, (_, i) => batcher.run(session, { features: rows(8, 8, i) })));
  assert.equal(results.length, 4);
});

test('a malformed request is rejected alone and never joins the batch', async () => {
  const session = await mlp;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 5, onBatch });
  const results = await Promise.allSettled([
    batcher.run(session, { features: rows(1, 8, 1) }),
    batcher.run(session, { features: rows(1, 7, 2) }),
    batcher.run(session, { features: rows(2, 8, 3) }),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.ok((results[1] as PromiseRejectedResult).reason instanceof ModelInputError);
  assert.deepEqual(reports.map((r) => [r.mode, r.requests, r.rows]), [['batched', 2, 3]]);
});

test('when the runtime rejects a batch, each request is re-run alone and only the culprit fails', async () => {
  const session = await encoder;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 5, onBatch });
  const good = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
  const results = await Promise.allSettled([
    batcher.run(session, { token_ids: [good[0]], attention_mask: [[1, 1, 1]] }),
    batcher.run(session, { token_ids: [[1, 2, 99]], attention_mask: [[1, 1, 1]] }), // 99 ≥ vocabulary
    batcher.run(session, { token_ids: good.slice(1), attention_mask: [[1, 1, 1], [1, 1, 0]] }),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.ok((results[1] as PromiseRejectedResult).reason instanceof ModelRuntimeError);
  assert.deepEqual(reports.map((r) => [r.mode, r.requests, r.failed]), [['fallback', 3, 1]]);
  const alone = await session.run({ token_ids: good.slice(1), attention_mask: [[1, 1, 1], [1, 1, 0]] });
  assert.deepEqual((results[2] as PromiseFulfilledResult<typeof alone>).value, alone);
});

test('requests with different non-batch dims go to different batches', async () => {
  const session = await encoder;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 5, onBatch });
  const [short, long] = await Promise.all([
    batcher.run(session, { token_ids: [[1, 2, 3]], attention_mask: [[1, 1, 1]] }),
    batcher.run(session, { token_ids: [[1, 2, 3, 4, 5]], attention_mask: [[1, 1, 1, 1, 1]] }),
    batcher.run(session, { token_ids: [[3, 2, 1]], attention_mask: [[1, 1, 1]] }),
  ]);
  assert.deepEqual(short.embedding.dims, [1, 8]);
  assert.deepEqual(long.embedding.dims, [1, 8]);
  assert.deepEqual(reports.map((r) => r.requests).sort(), [1, 2]);
});

test('models that cannot be batched and oversized requests run alone', async () => {
  const vad = await ModelSession.create(sileroVadBytes());
  const session = await mlp;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 4, maxDelayMs: 5, onBatch });
  const state = { data: new Float32Array(128), dims: [2, 1, 64] };
  const vadInputs = { input: { data: new Float32Array(512), dims: [1, 512] }, sr: 16000, h: state, c: state };
  await Promise.all([batcher.run(vad, vadInputs), batcher.run(vad, vadInputs), batcher.run(session, { features: rows(4, 8, 1) })]);
  assert.deepEqual(reports.map((r) => [r.mode, r.requests]), [['single', 1], ['single', 1], ['single', 1]]);
  await vad.close();
});

test('maxDelayMs 0 still gathers what arrives in the same tick', async () => {
  const session = await mlp;
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 0, onBatch });
  await Promise.all([1, 2, 3].map((i) => batcher.run(session, { features: rows(1, 8, i) })));
  assert.deepEqual(reports.map((r) => r.requests), [3]);
});

test('outputs without one row per input row make the batch fall back to single runs', async () => {
  // y = column sums of x: declared with a symbolic dim 0, but it is always 1 row.
  const g = new OnnxGraphBuilder();
  g.input('x', 'float32', ['N', 2]);
  g.int64('axes', [0], [1]);
  g.node('ReduceSum', ['x', 'axes'], { outputs: ['y'], attributes: { keepdims: 1 } });
  g.output('y', 'float32', ['M', 2]);
  const session = await ModelSession.create(g.toBytes());
  assert.equal(session.batching.batchable, true);
  const { reports, onBatch } = collect();
  const batcher = new DynamicBatcher({ maxBatch: 32, maxDelayMs: 5, onBatch });
  const [a, b] = await Promise.all([batcher.run(session, { x: [[1, 2], [3, 4]] }), batcher.run(session, { x: [[10, 20]] })]);
  assert.deepEqual(a.y.data, [4, 6]);
  assert.deepEqual(b.y.data, [10, 20]);
  assert.deepEqual(reports.map((r) => [r.mode, r.failed]), [['fallback', 0]]);
  await session.close();
});

test('a throwing onBatch callback does not break inference', async () => {
  const batcher = new DynamicBatcher({ maxDelayMs: 0, onBatch: () => { throw new Error('metrics down'); } });
  const out = await batcher.run(await mlp, { features: rows(1, 8, 1) });
  assert.deepEqual(out.probabilities.dims, [1, 4]);
});

test('flushAll runs waiting requests without waiting for the deadline', async () => {
  const batcher = new DynamicBatcher({ maxDelayMs: 60_000 });
  const pending = batcher.run(await mlp, { features: rows(1, 8, 1) });
  batcher.flushAll();
  assert.deepEqual((await pending).probabilities.dims, [1, 4]);
});
