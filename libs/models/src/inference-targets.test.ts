import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelVersion } from '@aivillage/db';
import { InferenceTargets, type VersionResolver } from './inference-targets.js';

function version(v: number): ModelVersion {
  return {
    id: `id-${v}`, version: v, sha256: String(v).repeat(64).slice(0, 64),
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 2] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 1] }],
  } as unknown as ModelVersion;
}

function resolver(answer: () => number) {
  const calls: unknown[] = [];
  let release: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  const r: VersionResolver & { calls: unknown[]; hold(): void; let(): void } = {
    calls,
    async resolveVersion(ns, model, selector) {
      calls.push([ns, model, selector]);
      if (gate) await gate;
      return version(answer());
    },
    hold() {
      gate = new Promise((res) => (release = res));
    },
    let() {
      gate = null;
      release?.();
    },
  };
  return r;
}

test('resolutions are cached per selector and concurrent misses share one lookup', async () => {
  const r = resolver(() => 1);
  const t = new InferenceTargets(r);
  const [a, b] = await Promise.all([t.resolve('ns', 'm', {}), t.resolve('ns', 'm', {})]);
  assert.equal(a, b);
  assert.equal(a.version, 1);
  await t.resolve('ns', 'm', {});
  assert.equal(r.calls.length, 1);
  await t.resolve('ns', 'm', { alias: 'staging' });
  await t.resolve('ns', 'm', { version: 1 });
  assert.equal(r.calls.length, 3);
});

test('invalidate() forgets everything, and a lookup that raced it is answered but not kept', async () => {
  let current = 1;
  const r = resolver(() => current);
  const t = new InferenceTargets(r);
  assert.equal((await t.resolve('ns', 'm', {})).version, 1);
  current = 2;
  t.invalidate();
  assert.equal((await t.resolve('ns', 'm', {})).version, 2);

  r.hold();
  t.invalidate();
  const racing = t.resolve('ns', 'm', {});
  current = 3;
  t.invalidate(); // the write lands while the lookup is in flight
  r.let();
  await racing;
  assert.equal((await t.resolve('ns', 'm', {})).version, 3, 'the raced lookup was not cached');
});

test('expired entries are looked up again', async () => {
  const r = resolver(() => 1);
  const t = new InferenceTargets(r, { ttlMs: 1 });
  await t.resolve('ns', 'm', {});
  await new Promise((res) => setTimeout(res, 5));
  await t.resolve('ns', 'm', {});
  assert.equal(r.calls.length, 2);
});

test('validate checks inputs against the signature and output names against the outputs', async () => {
  const t = new InferenceTargets(resolver(() => 1), { maxElements: 4 });
  const target = await t.resolve('ns', 'm', {});
  t.validate(target, { x: [[1, 2]] }, ['y']);
  assert.throws(() => t.validate(target, { x: [[1, 2, 3]] }), /expected inputs: x: float32\[N,2\]/);
  assert.throws(() => t.validate(target, { x: [[1, 2], [3, 4], [5, 6]] }), /more than 4 elements/);
  assert.throws(() => t.validate(target, { x: [[1, 2]] }, ['z']), (e: any) => e.code === 'BAD_USER_INPUT' && /outputs are y/.test(e.message));
});
