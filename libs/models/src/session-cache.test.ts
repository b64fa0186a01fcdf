import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelSessionClosedError, OnnxFormatError } from './model-errors.js';
import { modelContentHash } from './onnx-file.js';
import { buildMlpClassifier } from './reference-models.js';
import { SessionCache } from './session-cache.js';

// Three models of the same size: the budget below holds exactly two of them.
const [a, b, c] = [1, 2, 3].map((seed) => buildMlpClassifier({ inputSize: 16, hidden: [32], classes: 4, seed }));
const size = a.byteLength;
const twoModels = 2 * size * 3;

test('the same bytes give the same session; the first get is a miss, the rest hits', async () => {
  const cache = new SessionCache({ budgetBytes: twoModels });
  const first = await cache.get(a);
  assert.equal(first.id, modelContentHash(a));
  assert.equal(await cache.get(Uint8Array.from(a)), first);
  assert.deepEqual(cache.stats(), { entries: 1, estimatedBytes: size * 3, budgetBytes: twoModels, hits: 1, misses: 1, evictions: 0 });
  await cache.clear();
});

test('concurrent gets for a model share one load', async () => {
  let loads = 0;
  const cache = new SessionCache({ budgetBytes: twoModels });
  const load = async () => {
    loads += 1;
    return a;
  };
  const id = modelContentHash(a);
  const sessions = await Promise.all([cache.getOrLoad(id, load), cache.getOrLoad(id, load), cache.getOrLoad(id, load)]);
  assert.equal(loads, 1);
  assert.ok(sessions.every((s) => s === sessions[0]));
  await cache.clear();
});

test('new sessions are warmed up before anyone gets them', async () => {
  const loaded: boolean[] = [];
  const cache = new SessionCache({ budgetBytes: twoModels, onLoad: (_id, _ms, warm) => loaded.push(warm?.ok ?? false) });
  const session = await cache.get(a);
  assert.deepEqual(loaded, [true]);
  assert.equal(session.lastWarmUp?.ok, true);
  const cold = new SessionCache({ budgetBytes: twoModels, warmUp: false });
  assert.equal((await cold.get(b)).lastWarmUp, null);
  await Promise.all([cache.clear(), cold.clear()]);
});

test('over budget, the least recently used model is evicted and its session closed', async () => {
  const evicted: string[] = [];
  const cache = new SessionCache({ budgetBytes: twoModels, onEvict: (id, reason) => evicted.push(`${id}:${reason}`) });
  const sa = await cache.get(a);
  const sb = await cache.get(b);
  await cache.get(a); // a is now more recent than b
  await cache.get(c);
  assert.deepEqual(evicted, [`${sb.id}:budget`]);
  assert.equal(sb.closed, true);
  assert.equal(sa.closed, false);
  assert.equal(cache.peek(sb.id), undefined);
  assert.deepEqual({ entries: cache.stats().entries, estimatedBytes: cache.stats().estimatedBytes, evictions: cache.stats().evictions }, { entries: 2, estimatedBytes: twoModels, evictions: 1 });
  await assert.rejects(sb.run({ features: [new Array(16).fill(0)] }), ModelSessionClosedError);
  // Loading b again gives a fresh session.
  const again = await cache.get(b);
  assert.notEqual(again, sb);
  assert.equal(again.closed, false);
  await cache.clear();
});

test('an evicted session finishes the work it holds before it is released', async () => {
  const cache = new SessionCache({ budgetBytes: size * 3 });
  const sa = await cache.get(a);
  const hold = sa.acquire(); // as the batcher does for a queued request
  await cache.get(b); // evicts a
  assert.equal(sa.closed, true);
  let released = false;
  void sa.close().then(() => (released = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(released, false);
  const out = await sa.runPrepared(sa.prepare({ features: [new Array(16).fill(1)] }));
  assert.deepEqual(out.probabilities.dims, [1, 4]);
  hold();
  await sa.close();
  assert.equal(released, true);
  await cache.clear();
});

test('a model larger than the whole budget still loads, alone', async () => {
  const cache = new SessionCache({ budgetBytes: size });
  await cache.get(a);
  await cache.get(b);
  assert.equal(cache.stats().entries, 1);
  await cache.clear();
});

test('bytes that do not hash to the requested id are refused and not cached', async () => {
  const cache = new SessionCache({ budgetBytes: twoModels });
  await assert.rejects(cache.getOrLoad(modelContentHash(a), async () => b), (e: unknown) => e instanceof OnnxFormatError && /does not match/.test(e.message));
  assert.equal(cache.stats().entries, 0);
});

test('a failed load is not cached; the next get tries again', async () => {
  const cache = new SessionCache({ budgetBytes: twoModels });
  let calls = 0;
  const id = modelContentHash(a);
  await assert.rejects(cache.getOrLoad(id, async () => {
    calls += 1;
    throw new Error('storage unavailable');
  }), /storage unavailable/);
  const session = await cache.getOrLoad(id, async () => {
    calls += 1;
    return a;
  });
  assert.equal(calls, 2);
  assert.equal(session.id, id);
  await cache.clear();
});

test('delete closes one model; clear closes them all', async () => {
  const cache = new SessionCache({ budgetBytes: twoModels });
  const sa = await cache.get(a);
  const sb = await cache.get(b);
  await cache.delete(sa.id);
  assert.equal(sa.closed, true);
  assert.equal(cache.stats().entries, 1);
  await cache.clear();
  assert.equal(sb.closed, true);
  assert.deepEqual([cache.stats().entries, cache.stats().estimatedBytes], [0, 0]);
});
