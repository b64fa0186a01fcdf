import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lru } from './lru.js';

test('evicts the least recently used entry beyond its size', () => {
  const c = new Lru<number>(2);
  c.set('a', 1, 1000);
  c.set('b', 2, 1000);
  c.get('a');
  c.set('c', 3, 1000);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 1);
  assert.equal(c.get('c'), 3);
});

test('expired entries are misses', () => {
  const c = new Lru<number>(10);
  c.set('a', 1, 100, 0);
  assert.equal(c.get('a', 50), 1);
  assert.equal(c.get('a', 150), undefined);
});
