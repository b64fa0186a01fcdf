import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InferenceStats, mergeInferenceWindows } from './inference-metrics.js';

test('windows from several instances merge into one sample per model with real percentiles', () => {
  const a = new InferenceStats();
  const b = new InferenceStats();
  for (let i = 0; i < 90; i++) a.record('default', 'mlp', 2, true, 8);
  for (let i = 0; i < 10; i++) b.record('default', 'mlp', 40, i < 5, i < 5 ? 4 : undefined);
  b.record('other', 'enc', 5, true, 1);
  const sample = mergeInferenceWindows(
    [{ windowMs: 1000, inference: a.drain() }, { windowMs: 500, inference: b.drain() }],
    [{ queues: ['inference'], rssBytes: 200 }, { queues: ['inference', 'maintenance'], rssBytes: 300 }, { queues: ['maintenance'], rssBytes: 999 }],
    new Date(0),
  );
  assert.equal(sample.workers, 2);
  assert.equal(sample.workerRssBytes, 300);
  const mlp = sample.models.find((m) => m.model === 'mlp')!;
  assert.equal(mlp.namespace, 'default');
  assert.equal(mlp.requestsPerSecond, 90 + 20); // b's 10 requests came in half a second
  assert.equal(mlp.errorsPerSecond, 10);
  assert.ok(mlp.p50LatencyMs! >= 2 && mlp.p50LatencyMs! < 2.3, String(mlp.p50LatencyMs));
  assert.ok(mlp.p99LatencyMs! >= 40 && mlp.p99LatencyMs! < 44, String(mlp.p99LatencyMs));
  assert.equal(mlp.averageBatchSize, 7.79); // (90·8 + 5·4) / 95, rounded
  assert.equal(sample.models.find((m) => m.model === 'enc')!.namespace, 'other');
});

test('drain starts a fresh window; an idle instance contributes nothing', () => {
  const s = new InferenceStats();
  s.record('ns', 'm', 1, true);
  assert.equal(Object.keys(s.drain()).length, 1);
  assert.deepEqual(s.drain(), {});
  assert.deepEqual(mergeInferenceWindows([{ windowMs: 1000, inference: {} }, { windowMs: 1000 }], [], new Date(0)).models, []);
});
