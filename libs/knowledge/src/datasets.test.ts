import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@aivillage/errors';
import { loadSotu, loadWordNetGraph, parseWordNetDataLine, readWordNetSynsets, wordNetPointerMeaning, wordNetVersion, type WordNetGraph } from './datasets.js';
import { buildGraphIndex, findPaths, neighbourhood } from './graph-search.js';

test('the State of the Union corpus: 233 addresses from 1790 to 2021 with titles, ids and sources', () => {
  const all = loadSotu();
  assert.equal(all.length, 233);
  assert.equal(all[0].year, 1790);
  assert.equal(all[all.length - 1].year, 2021);
  assert.equal(new Set(all.map((d) => d.id)).size, 233);
  const [fdr] = loadSotu({ years: [1945] });
  assert.equal(fdr.title, 'SOTU 1945 Franklin D Roosevelt');
  assert.equal(fdr.id, 'sotu-1945-franklin-d-roosevelt');
  assert.match(fdr.source, /^@stdlib\/datasets-sotu@\d+\.\d+\.\d+$/);
  assert.equal(fdr.party, 'Democratic');
  assert.match(fdr.text, /^To the Congress: In considering the State of the Union/);
  // 1961 had two presidents; a range is inclusive.
  assert.deepEqual(loadSotu({ years: [1961] }).map((d) => d.president), ['Dwight D Eisenhower', 'John F Kennedy']);
  assert.equal(loadSotu({ range: [1950, 1952] }).length, 3);
  assert.deepEqual(loadSotu({ years: [] }), []);
});

test('a year without an address or a bad range is BAD_USER_INPUT', () => {
  for (const options of [{ years: [1700] }, { range: [1960, 1950] as [number, number] }]) {
    assert.throws(() => loadSotu(options), (e: unknown) => (e as { code?: string }).code === ErrorCode.BAD_USER_INPUT);
  }
});

test('a WordNet data line parses into words, pointers and gloss; the license header is skipped', () => {
  assert.equal(parseWordNetDataLine('  1 This software and database is being provided to you'), null);
  assert.equal(parseWordNetDataLine(''), null);
  const s = parseWordNetDataLine(
    '00002137 03 n 02 abstraction 0 abstract_entity 0 010 @ 00001740 n 0000 + 00694095 v 0101 ~ 00023280 n 0000 ~ 00024444 n 0000 ~ 00031563 n 0000 ~ 00032220 n 0000 ~ 00033319 n 0000 ~ 00033914 n 0000 ~ 05818169 n 0000 ~ 08016141 n 0000 | a general concept formed by extracting common features from specific examples  ',
  )!;
  assert.equal(s.id, 'wn:n:00002137');
  assert.equal(s.lexname, 'noun.Tops');
  assert.deepEqual(s.words, ['abstraction', 'abstract entity']);
  assert.equal(s.pointers.length, 10);
  assert.deepEqual(s.pointers[1], { symbol: '+', target: 'wn:v:00694095', sourceWord: 1, targetWord: 1 });
  assert.equal(s.gloss, 'a general concept formed by extracting common features from specific examples');
  // Satellite adjectives live in data.adj: their ids use `a`, and adjective markers are dropped.
  const sat = parseWordNetDataLine('00002312 00 s 01 abaxial(a) 0 001 & 00002098 a 0000 | facing away from the axis')!;
  assert.deepEqual([sat.id, sat.pos, sat.words[0]], ['wn:a:00002312', 'adj', 'abaxial']);
  assert.throws(() => parseWordNetDataLine('0000x 03 n 01 a 0 000 | x'), /malformed WordNet line/);
  assert.throws(() => parseWordNetDataLine('00001740 03 n 01 entity 0 003 ~ 00001930 n | x'), /malformed WordNet line \(pointer 0\)/);
});

test('pointers map to relation kinds: hypernym and meronym hierarchical, antonym a contradiction, others semantic', () => {
  assert.deepEqual(wordNetPointerMeaning('@'), { kind: 'HIERARCHICAL', label: 'hypernym' });
  assert.deepEqual(wordNetPointerMeaning('%p'), { kind: 'HIERARCHICAL', label: 'part_of', inverse: true });
  assert.equal(wordNetPointerMeaning('!').kind, 'CONTRADICTION');
  assert.equal(wordNetPointerMeaning('>').kind, 'CAUSAL');
  assert.equal(wordNetPointerMeaning('*').kind, 'INFERENCE');
  assert.deepEqual(wordNetPointerMeaning('+'), { kind: 'SEMANTIC', label: 'derivation', symmetric: true });
  assert.deepEqual(wordNetPointerMeaning('?x'), { kind: 'SEMANTIC', label: 'pointer_?x' });
});

test('the first 3,000 noun synsets stream in file order, relations once each in canonical direction', async () => {
  const first: string[] = [];
  for await (const s of readWordNetSynsets('noun', { maxSynsets: 3 })) first.push(`${s.id} ${s.words[0]}`);
  assert.deepEqual(first, ['wn:n:00001740 entity', 'wn:n:00001930 physical entity', 'wn:n:00002137 abstraction']);

  const g = await loadWordNetGraph({ maxSynsets: 3000 });
  assert.equal(g.entities.length, 3000);
  const ids = new Set(g.entities.map((e) => e.id));
  const keys = g.relations.map((r) => `${r.source} ${r.target} ${r.label}`);
  assert.equal(new Set(keys).size, keys.length, 'no duplicates');
  for (const r of g.relations) assert.ok(ids.has(r.source) && ids.has(r.target));
  // "physical entity" is a kind of "entity": stored once, from the specific to the general.
  assert.ok(keys.includes('wn:n:00001930 wn:n:00001740 hypernym'));
  assert.ok(!keys.includes('wn:n:00001740 wn:n:00001930 hypernym'));
  assert.ok(g.relations.every((r) => r.kind !== 'CONTRADICTION' || r.source < r.target));
  const dangling = await loadWordNetGraph({ maxSynsets: 3000, keepDangling: true });
  assert.ok(dangling.relations.length > g.relations.length);
});

/** The whole noun file, loaded once for the tests that need it. */
let nouns: Promise<WordNetGraph> | undefined;
const allNouns = () => (nouns ??= loadWordNetGraph({ pos: ['noun'] }));

test('all WordNet 3.1 nouns: ~82k synsets, ~76k hypernym links, and meronyms as part_of (whole file in a few seconds)', async () => {
  assert.equal(wordNetVersion(), '3.1');
  const started = performance.now();
  const g = await allNouns();
  const ms = performance.now() - started;
  assert.equal(g.entities.length, 82192);
  const count = (label: string) => g.relations.filter((r) => r.label === label).length;
  assert.ok(count('hypernym') > 75_000 && count('hypernym') < 77_000, `hypernym ${count('hypernym')}`);
  assert.ok(count('instance_of') > 8_000, `instance_of ${count('instance_of')}`);
  assert.ok(count('part_of') > 9_000, `part_of ${count('part_of')}`);
  assert.ok(g.relations.filter((r) => r.kind === 'CONTRADICTION').length > 900);
  // Only entity, the root, has no hypernym.
  const withHypernym = new Set(g.relations.filter((r) => r.label === 'hypernym' || r.label === 'instance_of').map((r) => r.source));
  assert.deepEqual(g.entities.filter((e) => !withHypernym.has(e.id)).map((e) => e.name), ['entity']);
  const person = g.entities.find((e) => e.aliases.includes('Abraham Lincoln'))!;
  assert.deepEqual([person.type, person.lexname], ['PERSON', 'noun.person']);
  assert.ok(ms < 5000, `${ms} ms`);
});

test('as a graph, WordNet nouns put dog and cat 3 hierarchical hops apart, through "domestic animal"', async () => {
  const wn = await allNouns();
  const idx = buildGraphIndex(wn.relations, wn.entities.map((e) => e.id));
  const idOf = (name: string, gloss: RegExp) => wn.entities.find((e) => (e.name === name || e.aliases.includes(name)) && gloss.test(e.gloss))!.id;
  const dog = idOf('dog', /domesticated/);
  const cat = idOf('cat', /feline mammal/);
  const name = new Map(wn.entities.map((e) => [e.id, e.name]));
  const started = performance.now();
  const result = findPaths(idx, dog, cat, { maxHops: 5, kinds: ['HIERARCHICAL'] });
  const ms = performance.now() - started;
  assert.deepEqual(
    result.paths.map((p) => p.nodes.map((id) => name.get(id)).join(' > ')),
    ['dog > domestic animal > domestic cat > cat'],
  );
  assert.equal(findPaths(idx, dog, cat, { maxHops: 2, kinds: ['HIERARCHICAL'] }).hops, null);
  assert.ok(ms < 500, `${ms} ms on 82k nodes`);
  const near = neighbourhood(idx, dog, { maxHops: 1, direction: 'out', kinds: ['HIERARCHICAL'] });
  assert.ok(near.nodes.some((n) => name.get(n.id) === 'canine'), near.nodes.map((n) => name.get(n.id)).join());
});
