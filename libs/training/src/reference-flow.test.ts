import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runReferenceFlow } from './reference-flow.js';

test('reference flow: the ternary model is ≥ 75% smaller than float32 and keeps ≥ 98.5% of its test accuracy (onnxruntime)', async () => {
  const f = await runReferenceFlow();
  console.log(
    [f.float32, f.int8, f.ternary]
      .map((x) => `${x.format}: test accuracy ${x.testAccuracy.toFixed(4)}, ${x.onnxBytes} bytes (${(100 * x.sizeReduction).toFixed(1)}% smaller), retention ${(100 * x.retention).toFixed(2)}%, trained in ${x.trainMs?.toFixed(0) ?? '-'} ms`)
      .join('\n'),
  );
  assert.ok(f.float32.testAccuracy >= 0.95);
  assert.ok(f.ternary.sizeReduction >= 0.75);
  assert.ok(f.ternary.retention >= 0.985);
  assert.ok(f.int8.sizeReduction >= 0.7);
  assert.ok(f.int8.retention >= 0.985);
  assert.equal(f.samples.train + f.samples.validation + f.samples.test, 1797);
});
