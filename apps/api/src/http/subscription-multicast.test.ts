import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionResult } from 'graphql';
import { MAX_QUEUED_RESULTS, SubscriptionMulticast } from './subscription-multicast.js';

/** A hand-driven source: `emit` pushes a result; counts how often it was started and returned. */
function source() {
  const pending: ((r: IteratorResult<ExecutionResult>) => void)[] = [];
  const buffered: ExecutionResult[] = [];
  const s = {
    starts: 0,
    returned: 0,
    emit(n: number) {
      const value = { data: { n } };
      const p = pending.shift();
      if (p) p({ value, done: false });
      else buffered.push(value);
    },
    start: async () => {
      s.starts++;
      const it: AsyncIterableIterator<ExecutionResult> = {
        next: () => (buffered.length ? Promise.resolve({ value: buffered.shift()!, done: false }) : new Promise((r) => pending.push(r))),
        return: async () => {
          s.returned++;
          for (const p of pending.splice(0)) p({ value: undefined, done: true });
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]: () => it,
      };
      return it;
    },
  };
  return s;
}

const tick = () => new Promise((r) => setImmediate(r));

test('subscribers with the same key share one execution and all receive every result', async () => {
  const m = new SubscriptionMulticast();
  const src = source();
  const subs = await Promise.all([1, 2, 3].map(() => m.subscribe('k', src.start))) as AsyncIterableIterator<ExecutionResult>[];
  assert.equal(src.starts, 1);
  assert.equal(m.executions, 1);
  src.emit(1);
  src.emit(2);
  for (const s of subs) {
    assert.deepEqual((await s.next()).value, { data: { n: 1 } });
    assert.deepEqual((await s.next()).value, { data: { n: 2 } });
  }
});

test('different keys get separate executions; the source stops when the last subscriber leaves', async () => {
  const m = new SubscriptionMulticast();
  const a = source();
  const b = source();
  const a1 = (await m.subscribe('a', a.start)) as AsyncIterableIterator<ExecutionResult>;
  const a2 = (await m.subscribe('a', a.start)) as AsyncIterableIterator<ExecutionResult>;
  const b1 = (await m.subscribe('b', b.start)) as AsyncIterableIterator<ExecutionResult>;
  assert.equal(m.executions, 2);
  await a1.return!();
  assert.equal(a.returned, 0, 'still one subscriber');
  await a2.return!();
  await tick();
  assert.equal(a.returned, 1);
  assert.equal(m.executions, 1);
  await b1.return!();
  await tick();
  assert.equal(m.executions, 0);
});

test('a slow subscriber loses its oldest results instead of holding the others back', async () => {
  const m = new SubscriptionMulticast();
  const src = source();
  const slow = (await m.subscribe('k', src.start)) as AsyncIterableIterator<ExecutionResult>;
  const fast = (await m.subscribe('k', src.start)) as AsyncIterableIterator<ExecutionResult>;
  for (let i = 0; i < MAX_QUEUED_RESULTS + 10; i++) {
    src.emit(i);
    assert.deepEqual((await fast.next()).value, { data: { n: i } });
  }
  assert.deepEqual((await slow.next()).value, { data: { n: 10 } }, 'the 10 oldest were dropped');
});

test('an error result (no iterator) is returned as is and nothing is shared', async () => {
  const m = new SubscriptionMulticast();
  const result = await m.subscribe('k', async () => ({ errors: [] }) as ExecutionResult);
  assert.deepEqual(result, { errors: [] });
  assert.equal(m.executions, 0);
});
