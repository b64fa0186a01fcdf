import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throttleSamples } from './throttle.js';

async function* feed(times: number[]) {
  for (const t of times) yield { timestamp: new Date(t).toISOString() };
}

test('an interval equal to the base period passes every sample', async () => {
  const out = [];
  for await (const s of throttleSamples(feed([0, 1000, 2010, 2990]), 1000, 1000)) out.push(s);
  assert.equal(out.length, 4);
});

test('a 3 s interval over a jittery 1 s feed passes every third sample', async () => {
  const out = [];
  for await (const s of throttleSamples(feed([0, 1010, 1990, 3005, 4000, 5020, 5990]), 3000, 1000)) out.push(s);
  assert.deepEqual(out.map((s) => Date.parse(s.timestamp)), [0, 3005, 5990]);
});
