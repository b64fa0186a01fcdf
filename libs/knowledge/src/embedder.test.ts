import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@aivillage/errors';
import { assertEmbeddingDimension, cosineSimilarity, createEmbedder, dot, HashingEmbedder, l2Normalize } from './embedder.js';
import { EmbedderConfigError, EmbeddingDimensionError, KnowledgeInputError } from './knowledge-errors.js';

const embedder = new HashingEmbedder();
const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

test('the hashing embedder names its space and returns unit vectors of its dimension', async () => {
  assert.equal(embedder.id, 'hashing-ngram-v1-d384');
  assert.equal(embedder.dimension, 384);
  const [a, b] = await embedder.embed(['The State of the Union is strong.', 'x']);
  assert.equal(a.length, 384);
  assert.ok(Math.abs(norm(a) - 1) < 1e-6);
  assert.ok(Math.abs(norm(b) - 1) < 1e-6);
  const small = new HashingEmbedder({ dimension: 16 });
  assert.equal(small.id, 'hashing-ngram-v1-d16');
  assert.equal(small.embedOne('hello').length, 16);
});

test('embeddings are deterministic and independent of batching', async () => {
  const texts = ['alpha beta gamma', 'Delta, epsilon!', 'alpha beta gamma'];
  const batch = await embedder.embed(texts);
  const again = await new HashingEmbedder().embed([texts[1]]);
  assert.deepEqual(batch[0], batch[2]);
  assert.deepEqual(batch[1], again[0]);
  // Pinned values: a change to the features changes every stored vector, so it needs a new id
  // (hashing-ngram-v2) and a re-embedding, not a silent edit.
  const v = embedder.embedOne('knowledge graph');
  const nonZero = [...v.keys()].filter((i) => v[i] !== 0);
  assert.equal(nonZero.length, 37);
  assert.deepEqual(nonZero.slice(0, 6).map((i) => [i, Math.round(v[i] * 1e4)]), [[6, -1375], [26, -972], [41, -4764], [49, -1375], [71, 1375], [113, 1375]]);
});

test('texts that share words are closer than unrelated texts', async () => {
  const [q, near, inflected, far] = await embedder.embed([
    'the war in Europe and the peace that follows',
    'peace in Europe after the war',
    'wars in European countries',
    'quarterly earnings of software companies rose',
  ]);
  const sNear = cosineSimilarity(q, near);
  const sInflected = cosineSimilarity(q, inflected);
  const sFar = cosineSimilarity(q, far);
  assert.ok(sNear > 0.5, `near ${sNear}`);
  assert.ok(sInflected > 0.1 && sInflected > sFar + 0.08, `character n-grams relate war/wars, Europe/European: ${sInflected} vs ${sFar}`);
  assert.ok(Math.abs(sFar) < 0.2, `far ${sFar}`);
  // Function words barely matter.
  const [x, y] = await embedder.embed(['the cat sat on the mat', 'a cat sat on a mat']);
  assert.ok(cosineSimilarity(x, y) > 0.95);
});

test('ranking by the hashing embedder finds the passage about the query among unrelated ones', async () => {
  const passages = [
    'The Federal Reserve raised interest rates to fight inflation.',
    'Photosynthesis converts light energy into chemical energy in plants.',
    'The treaty ended the war between the two nations.',
    'Neural networks learn representations from data.',
  ];
  const [query, ...vectors] = await embedder.embed(['how do plants turn light into energy', ...passages]);
  const best = vectors.map((v, i) => [cosineSimilarity(query, v), i] as const).sort((a, b) => b[0] - a[0])[0][1];
  assert.equal(best, 1);
});

test('a text without words is the zero vector; non-strings are refused', async () => {
  const [z] = await embedder.embed(['  ... !!']);
  assert.ok(z.every((x) => x === 0));
  assert.equal(cosineSimilarity(z, embedder.embedOne('word')), 0);
  await assert.rejects(embedder.embed('text' as unknown as string[]), KnowledgeInputError);
  assert.throws(() => embedder.embedOne(5 as unknown as string), KnowledgeInputError);
  assert.throws(() => new HashingEmbedder({ dimension: 0 }), /dimension must be an integer in \[1, 16384\]/);
});

test('createEmbedder builds the hashing embedder by default and refuses unknown kinds and missing models', async () => {
  const e = await createEmbedder();
  assert.equal(e.id, 'hashing-ngram-v1-d384');
  assert.equal((await createEmbedder({ kind: 'hashing', dimension: 64 })).dimension, 64);
  await assert.rejects(createEmbedder({ kind: 'bert' } as never), /unknown embedder kind "bert"/);
  await assert.rejects(createEmbedder({ kind: 'onnx', modelDir: '/nonexistent/model' }), (e: unknown) => e instanceof EmbedderConfigError && /does not exist/.test(e.message));
});

test('a dimension mismatch is a BAD_USER_INPUT naming both dimensions and the context', () => {
  assertEmbeddingDimension(384, embedder);
  assertEmbeddingDimension(3, new Float32Array(3));
  assertEmbeddingDimension(5, 5);
  assert.throws(
    () => assertEmbeddingDimension(768, embedder, 'namespace "docs"'),
    (e: unknown) => {
      assert.ok(e instanceof EmbeddingDimensionError);
      assert.equal(e.code, ErrorCode.BAD_USER_INPUT);
      assert.equal(e.message, 'Embedding dimension mismatch for namespace "docs": expected 768, got 384');
      assert.deepEqual(e.details, { expected: 768, actual: 384, context: 'namespace "docs"' });
      return true;
    },
  );
  assert.throws(() => dot([1, 2], [1, 2, 3]), EmbeddingDimensionError);
});

test('l2Normalize scales to unit length and leaves zero alone', () => {
  const v = l2Normalize(new Float64Array([3, 4]));
  assert.ok(Math.abs(v[0] - 0.6) < 1e-12 && Math.abs(v[1] - 0.8) < 1e-12);
  assert.deepEqual(Array.from(l2Normalize(new Float32Array([0, 0]))), [0, 0]);
});
