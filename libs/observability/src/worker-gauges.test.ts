import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createTrainingGauges, registerGpuGauge, trainingGaugeOf } from './worker-gauges.js';

test('training gauges follow the training-set loss and accuracy points of each phase, not validation or test figures', async () => {
  assert.equal(trainingGaugeOf('loss'), 'training_loss');
  assert.equal(trainingGaugeOf('student_accuracy'), 'training_accuracy');
  assert.equal(trainingGaugeOf('validation_accuracy'), null);
  assert.equal(trainingGaugeOf('fitness'), null);
  const r = new Registry();
  const g = createTrainingGauges(r);
  g.record([
    { phase: 'COGNATE', name: 'loss', value: 2 },
    { phase: 'COGNATE', name: 'loss', value: 1.5 },
    { phase: 'COGNATE', name: 'accuracy', value: 0.6 },
    { phase: 'COGNATE', name: 'validation_loss', value: 9 },
  ]);
  const text = await r.metrics();
  assert.match(text, /^training_loss\{phase="COGNATE"\} 1\.5$/m);
  assert.match(text, /^training_accuracy\{phase="COGNATE"\} 0\.6$/m);
});

test('gpu_utilization_percent comes from nvidia-smi, and is absent (not zero) where it cannot run', async () => {
  const none = new Registry();
  assert.equal(await registerGpuGauge(none, '/nonexistent/nvidia-smi'), false);
  assert.doesNotMatch(await none.metrics(), /gpu_utilization_percent/);

  const dir = await mkdtemp(path.join(tmpdir(), 'fake-smi-'));
  try {
    const fake = path.join(dir, 'nvidia-smi');
    await writeFile(fake, '#!/bin/sh\nprintf "0, 37\\n1, 90\\n"\n');
    await chmod(fake, 0o755);
    const r = new Registry();
    assert.equal(await registerGpuGauge(r, fake), true);
    const text = await r.metrics();
    assert.match(text, /^gpu_utilization_percent\{gpu="0"\} 37$/m);
    assert.match(text, /^gpu_utilization_percent\{gpu="1"\} 90$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
