import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HashingEmbedder } from './embedder.js';
import { hnswIndexName, parseVector, vectorLiteral } from './knowledge-store.js';

test('vectorLiteral prints float32 vectors that parse back bit for bit', () => {
  const v = new HashingEmbedder().embedOne('The State of the Union is strong.');
  const text = vectorLiteral(v);
  assert.match(text, /^\[[-0-9.e,]+\]$/);
  assert.deepEqual(parseVector(text), v);
  assert.equal(vectorLiteral([0, 1.5, -2]), '[0,1.50000000,-2.00000000]');
  assert.throws(() => vectorLiteral([0, Number.NaN]), /component 1/);
  assert.equal(hnswIndexName(384), 'chunks_embedding_384_hnsw_idx');
});
