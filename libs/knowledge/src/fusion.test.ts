import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@aivillage/errors';
import { reciprocalRankFusion, type FusionLegInput } from './fusion.js';

const hits = (...ids: string[]) => ids.map((id, i) => ({ id, score: 1 - i / 10 }));

test('fused score is Σ 1/(k + rank) with k = 60, and each leg reports its rank and score', () => {
  const fused = reciprocalRankFusion([
    { leg: 'VECTOR', hits: hits('a', 'b', 'c') },
    { leg: 'KEYWORD', hits: hits('c', 'a') },
    { leg: 'GRAPH', hits: hits('d') },
  ]);
  assert.deepEqual(fused.map((h) => h.id), ['a', 'c', 'd', 'b']);
  const a = fused[0];
  assert.equal(a.score, 1 / 61 + 1 / 62);
  assert.deepEqual(a.legs, { VECTOR: { rank: 1, score: 1 }, KEYWORD: { rank: 2, score: 0.9 } });
  assert.equal(fused[1].score, 1 / 63 + 1 / 61);
  assert.deepEqual(fused[2].legs, { GRAPH: { rank: 1, score: 1 } });
  assert.equal(fused[3].score, 1 / 62);
});

test('k changes how much the top ranks dominate', () => {
  const legs: FusionLegInput[] = [
    { leg: 'VECTOR', hits: hits('x', 'y', 'z') },
    { leg: 'KEYWORD', hits: hits('w', 'v', 'y') },
  ];
  // y is second and third: with a large k agreement wins, with a tiny k first places win.
  assert.equal(reciprocalRankFusion(legs)[0].id, 'y');
  assert.deepEqual(reciprocalRankFusion(legs, { k: 0.1 }).slice(0, 2).map((h) => h.id), ['w', 'x']);
});

test('ties break by number of legs, then best rank, then id, whatever the order of legs and equal hits', () => {
  const legs: FusionLegInput[] = [
    { leg: 'VECTOR', hits: hits('b', 'a') },
    { leg: 'KEYWORD', hits: hits('a', 'b') },
    { leg: 'GRAPH', hits: hits('d', 'c') },
  ];
  const fused = reciprocalRankFusion(legs);
  // a and b: 1/61 + 1/62 each, found by two legs; d and c by one.
  assert.deepEqual(fused.map((h) => h.id), ['a', 'b', 'd', 'c']);
  assert.deepEqual(reciprocalRankFusion([...legs].reverse()), fused);
  assert.deepEqual(reciprocalRankFusion([legs[1], legs[2], legs[0]]), fused);
});

test('minScore, limit, leg weights and per-leg score thresholds', () => {
  const legs: FusionLegInput[] = [
    { leg: 'VECTOR', hits: [{ id: 'a', score: 0.9 }, { id: 'b', score: 0.2 }, { id: 'c', score: 0.8 }] },
    { leg: 'KEYWORD', hits: hits('c') },
  ];
  assert.deepEqual(reciprocalRankFusion(legs, { minScore: 1 / 61 + 1e-9 }).map((h) => h.id), ['c']);
  assert.deepEqual(reciprocalRankFusion(legs, { limit: 2 }).map((h) => h.id), ['c', 'a']);
  assert.deepEqual(reciprocalRankFusion(legs, { limit: 0 }), []);
  // Dropping b (score 0.2) before ranking moves c up to rank 2 in VECTOR.
  const filtered = reciprocalRankFusion([{ ...legs[0], minScore: 0.5 }, legs[1]]);
  assert.deepEqual(filtered.map((h) => [h.id, h.legs.VECTOR?.rank]), [['c', 2], ['a', 1]]);
  // A zero-weight leg still reports ranks but adds nothing.
  const weighted = reciprocalRankFusion([legs[0], { ...legs[1], weight: 0 }]);
  assert.deepEqual(weighted.map((h) => h.id), ['a', 'b', 'c']);
  assert.deepEqual(weighted.find((h) => h.id === 'c')!.legs.KEYWORD, { rank: 1, score: 1 });
});

test('a repeated id in one leg keeps its best rank; empty legs and no legs are fine', () => {
  const fused = reciprocalRankFusion([{ leg: 'VECTOR', hits: [{ id: 'a', score: 1 }, { id: 'a', score: 0.5 }, { id: 'b', score: 0.4 }] }]);
  assert.deepEqual(fused.map((h) => [h.id, h.legs.VECTOR?.rank]), [['a', 1], ['b', 2]]);
  assert.deepEqual(reciprocalRankFusion([{ leg: 'GRAPH', hits: [] }]), []);
  assert.deepEqual(reciprocalRankFusion([]), []);
});

test('bad input is BAD_USER_INPUT', () => {
  const bad = (legs: FusionLegInput[], options = {}) =>
    assert.throws(() => reciprocalRankFusion(legs, options), (e: unknown) => (e as { code?: string }).code === ErrorCode.BAD_USER_INPUT);
  bad([{ leg: 'VECTOR', hits: [] }, { leg: 'VECTOR', hits: [] }]);
  bad([{ leg: 'SPARSE' as never, hits: [] }]);
  bad([{ leg: 'VECTOR', hits: [], weight: -1 }]);
  bad([], { k: 0 });
  bad([], { limit: -1 });
});
