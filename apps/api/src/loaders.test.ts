import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inKeyOrder } from './loaders.js';

test('loader results come back in key order with nulls for missing keys', () => {
  const rows = [{ id: 'b' }, { id: 'a' }];
  assert.deepEqual(inKeyOrder(['a', 'x', 'b', 'a'], rows, (r) => r.id), [{ id: 'a' }, null, { id: 'b' }, { id: 'a' }]);
});
