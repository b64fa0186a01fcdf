import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longestMentions, queryEntityCandidates, queryEntityKeys } from './query-entities.js';

test('every run of up to four words is a candidate, keyed like entities, longest first', () => {
  const keys = queryEntityKeys('What did Truman say about the United Nations?');
  assert.ok(keys.includes('united nations'));
  assert.ok(keys.includes('truman'));
  assert.ok(keys.includes('nation'), 'a lowercased run is folded to the singular too');
  assert.ok(!keys.includes(''), 'runs of function words only have no key');
  const candidates = queryEntityCandidates('atomic energy, United Nations');
  assert.ok(candidates.every((c, i) => i === 0 || candidates[i - 1].words >= c.words));
  assert.ok(!candidates.some((c) => c.key === 'energy united'), 'a run does not cross punctuation');
});

test('longestMentions keeps the longest runs that name an entity, without overlaps', () => {
  const candidates = queryEntityCandidates('the United Nations and atomic energy');
  const known = new Set(['united nations', 'united', 'nation', 'atomic energy', 'energy']);
  assert.deepEqual(longestMentions(candidates, (k) => known.has(k)).sort(), ['atomic energy', 'united nations']);
  assert.deepEqual(longestMentions(candidates, (k) => k === 'energy'), ['energy']);
  assert.deepEqual(longestMentions(candidates, () => false), []);
});
