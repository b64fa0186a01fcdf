import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@aivillage/errors';
import { chunkText } from './chunker.js';
import { loadSotu } from './datasets.js';
import { extractGraph, normalizeEntityName, type ExtractedRelation, type GraphExtraction } from './extract.js';
import { RELATION_KINDS } from './graph-model.js';

const rel = (g: GraphExtraction, source: string, target: string, kind?: string) =>
  g.relations.filter((r) => r.source === source && r.target === target && (kind === undefined || r.kind === kind));
const one = (g: GraphExtraction, source: string, target: string, kind: string): ExtractedRelation => {
  const found = rel(g, source, target, kind);
  assert.equal(found.length, 1, `${kind} ${source} → ${target} in ${JSON.stringify(g.relations.filter((r) => r.kind !== 'ASSOCIATIVE').map((r) => `${r.kind}/${r.label} ${r.source}→${r.target}`))}`);
  return found[0];
};
const entity = (g: GraphExtraction, key: string) => {
  const e = g.entities.find((x) => x.key === key);
  assert.ok(e, `entity ${key} in ${g.entities.map((x) => x.key).join(', ')}`);
  return e;
};

test('hierarchical patterns: is a / is a kind of / are (onto a known entity) / is part of / consists of a list', () => {
  const g = extractGraph(
    'Lung cancer is a kind of cancer. A whale is a mammal. Dolphins are mammals. The heart is part of the circulatory system. ' +
      'The committee consists of senators, judges and governors. The liver belongs to the digestive system.',
  );
  assert.deepEqual([one(g, 'lung cancer', 'cancer', 'HIERARCHICAL').label, one(g, 'lung cancer', 'cancer', 'HIERARCHICAL').confidence], ['is_a', 0.8]);
  assert.equal(one(g, 'whale', 'mammal', 'HIERARCHICAL').confidence, 0.6);
  assert.equal(one(g, 'dolphin', 'mammal', 'HIERARCHICAL').label, 'is_a');
  assert.equal(one(g, 'heart', 'circulatory system', 'HIERARCHICAL').label, 'part_of');
  assert.equal(one(g, 'liver', 'digestive system', 'HIERARCHICAL').label, 'part_of');
  for (const part of ['senator', 'judge', 'governor']) assert.equal(one(g, 'committee', part, 'HIERARCHICAL').label, 'has_part');
});

test('causal patterns in both directions: causes, leads to, is caused by, results from, because of', () => {
  const g = extractGraph(
    'Smoking causes cancer. The drought led to famine. Inflation is caused by excess demand. Unemployment results from recession. ' +
      'The famine spread because of the drought. Because of the recession, unemployment rose. Smoking does not cause happiness.',
  );
  for (const [x, y] of [['smoking', 'cancer'], ['drought', 'famine'], ['excess demand', 'inflation'], ['recession', 'unemployment']]) {
    assert.equal(one(g, x, y, 'CAUSAL').label, 'causes');
  }
  // "because of" needs both sides to be known entities (no verb/noun split without a tagger).
  const famine = one(g, 'drought', 'famine', 'CAUSAL');
  assert.equal(famine.support, 2);
  assert.equal(famine.confidence, 1 - (1 - 0.7) * (1 - 0.6));
  assert.equal(one(g, 'recession', 'unemployment', 'CAUSAL').support, 2);
  // Negation turns a relation into a contradiction of it.
  assert.equal(one(g, 'smoking', 'happiness', 'CONTRADICTION').label, 'not_causes');
});

test('temporal, contradiction, semantic, evidence and inference patterns', () => {
  const g = extractGraph(
    'The Depression came before the New Deal. The armistice followed the offensive. After the armistice, the Conference met. ' +
      'The offensive was followed by the armistice. ' +
      'A whale is not a fish. This theory contradicts the standard model. The tiger resembles the leopard. ' +
      'Evidence of warming supports the climate model. Rising sea levels imply warming.',
  );
  assert.equal(one(g, 'depression', 'new deal', 'TEMPORAL').label, 'before');
  const offensive = one(g, 'offensive', 'armistice', 'TEMPORAL');
  assert.equal(offensive.support, 2);
  assert.equal(one(g, 'armistice', 'conference', 'TEMPORAL').label, 'before');
  assert.equal(one(g, 'whale', 'fish', 'CONTRADICTION').label, 'is_not');
  assert.equal(one(g, 'theory', 'standard model', 'CONTRADICTION').label, 'contradicts');
  assert.equal(one(g, 'tiger', 'leopard', 'SEMANTIC').label, 'similar_to');
  assert.equal(one(g, 'warming', 'climate model', 'EVIDENCE').label, 'supports');
  assert.equal(one(g, 'rising sea level', 'warming', 'INFERENCE').label, 'implies');
});

test('names: capitalised runs with connectors and initials, titles stripped, acronyms as aliases, types by cue', () => {
  const g = extractGraph(
    'President Harry S. Truman addressed the Congress of the United States. Senator Vandenberg spoke in Detroit. ' +
      'The North Atlantic Treaty Organization (NATO) was founded in 1949. NATO met in Brussels. ' +
      'The Bank of England raised rates. The Mississippi River flooded. Tomorrow we vote. In January we voted.',
  );
  assert.equal(entity(g, 'harry s truman').type, 'PERSON');
  assert.equal(entity(g, 'harry s truman').name, 'Harry S. Truman');
  assert.equal(entity(g, 'vandenberg').type, 'PERSON');
  assert.equal(entity(g, 'congress of the united states').type, 'ORG');
  assert.equal(entity(g, 'bank of england').type, 'ORG');
  assert.equal(entity(g, 'mississippi river').type, 'PLACE');
  assert.equal(entity(g, 'detroit').type, 'PLACE');
  const nato = entity(g, 'north atlantic treaty organization');
  assert.equal(nato.type, 'ORG');
  assert.equal(nato.mentions, 3);
  assert.ok(nato.aliases.includes('NATO') && nato.aliases.includes('north atlantic treaty organization'), nato.aliases.join());
  assert.ok(!g.entities.some((e) => e.key === 'nato'));
  // A capitalised word seen only at a sentence start, and month names, are not entities.
  assert.ok(!g.entities.some((e) => ['tomorrow', 'january', 'president', 'senator'].includes(e.key)), g.entities.map((e) => e.key).join());
});

test('concepts are frequent lowercase content n-grams, without generic words or subsumed parts', () => {
  const g = extractGraph(
    'Interest rates rose. Higher interest rates slow growth. The central bank sets interest rates. ' +
      'Growth matters. We said it. We said it again. Slow growth hurts.',
  );
  const keys = g.entities.map((e) => e.key);
  assert.ok(keys.includes('interest rate'), keys.join());
  assert.ok(keys.includes('growth'));
  // "interest" and "rates" never occur outside "interest rates"; "said" is generic.
  assert.ok(!keys.includes('interest') && !keys.includes('rate') && !keys.includes('said'), keys.join());
  const rates = entity(g, 'interest rate');
  assert.equal(rates.mentions, 3);
  assert.equal(rates.type, 'CONCEPT');
  assert.ok(rates.aliases.includes('interest rate'));
  // With minConceptFrequency 3, "growth" (3) stays, and nothing seen twice does.
  const strict = extractGraph('growth growth. growth. slow pace. slow pace.', { minConceptFrequency: 3 });
  assert.deepEqual(strict.entities.map((e) => e.key), ['growth']);
});

test('co-occurrence: ASSOCIATIVE, undirected (source < target), confidence rising with shared sentences', () => {
  const text = 'Berlin and Paris met. Berlin and Paris signed. Berlin and Paris agreed. Berlin and Rome talked. Paris spoke. Rome waited.';
  const g = extractGraph(text);
  const bp = one(g, 'berlin', 'paris', 'ASSOCIATIVE');
  const br = one(g, 'berlin', 'rome', 'ASSOCIATIVE');
  assert.equal(bp.label, 'co_occurs');
  assert.equal(bp.support, 3);
  assert.ok(bp.confidence > br.confidence, `${bp.confidence} > ${br.confidence}`);
  // Dice(berlin, paris) = 2·3 / (4 + 4), times 3/4.
  assert.equal(bp.confidence, 0.5625);
  assert.equal(extractGraph(text, { cooccurrence: false }).relations.length, 0);
  assert.equal(extractGraph(text, { minCooccurrence: 2 }).relations.length, 1);
});

test('relations carry their chunk and sentence as evidence; kinds are the guide\'s; output is deterministic and sorted', () => {
  const chunks = [
    { index: 0, text: 'Smoking causes cancer. Smoking is common.' },
    { index: 1, text: 'Nothing here.' },
    { index: 2, text: 'In many people, smoking causes cancer.' },
  ];
  const g = extractGraph(chunks);
  const r = one(g, 'smoking', 'cancer', 'CAUSAL');
  assert.equal(r.chunkIndex, 0);
  assert.deepEqual(r.evidence, [{ chunkIndex: 0, start: 0, end: 22 }, { chunkIndex: 2, start: 0, end: chunks[2].text.length }]);
  assert.equal(r.support, 2);
  assert.deepEqual(entity(g, 'smoking').chunks, [0, 2]);
  for (const x of g.relations) {
    assert.ok(RELATION_KINDS.includes(x.kind));
    assert.ok(x.confidence >= 0 && x.confidence <= 1);
    assert.notEqual(x.source, x.target);
  }
  assert.deepEqual(extractGraph(chunks), g);
  const sorted = [...g.relations].sort((a, b) => `${a.kind}|${a.label}|${a.source}|${a.target}`.localeCompare(`${b.kind}|${b.label}|${b.source}|${b.target}`));
  assert.deepEqual(g.relations.map((x) => x.kind + x.label), sorted.map((x) => x.kind + x.label));
  assert.deepEqual(g.entities.map((e) => e.key), [...g.entities.map((e) => e.key)].sort());
});

test('every relation kind but SEMANTIC-by-WordNet comes out of some sentence', () => {
  const g = extractGraph(
    'Smoking causes cancer. Lung cancer is a kind of cancer. The war came before the peace. The peace followed the war. ' +
      'This theory contradicts the standard model. The tiger resembles the leopard. Evidence of warming supports the climate model. ' +
      'Rising sea levels imply warming.',
  );
  assert.deepEqual([...new Set(g.relations.map((r) => r.kind))].sort(), [...RELATION_KINDS].sort());
});

test('normalizeEntityName folds case, accents, possessives, plurals of common nouns and function words', () => {
  assert.equal(normalizeEntityName('The Interest Rates'), 'interest rates');
  assert.equal(normalizeEntityName('the interest rates'), 'interest rate');
  assert.equal(normalizeEntityName("America's"), 'america');
  assert.equal(normalizeEntityName('  Café   Society '), 'cafe society');
  assert.equal(normalizeEntityName('policies'), 'policy');
  assert.equal(normalizeEntityName('U.S. Congress'), 'u s congress');
  assert.equal(normalizeEntityName('the'), '');
});

test('bad input and options are refused; an empty input has no graph', () => {
  assert.deepEqual(extractGraph(''), { entities: [], relations: [] });
  assert.deepEqual(extractGraph([]), { entities: [], relations: [] });
  assert.throws(() => extractGraph([{ index: 0.5, text: 'x' }]), /integer index/);
  assert.throws(() => extractGraph('x', { maxNgram: 9 }), (e: unknown) => (e as { code?: string }).code === ErrorCode.BAD_USER_INPUT);
  assert.throws(() => extractGraph('é'.repeat(100), { maxBytes: 100 }), (e: unknown) => (e as { code?: string }).code === ErrorCode.PAYLOAD_TOO_LARGE);
});

test('a real State of the Union address: Congress is an ORG, relations point at known entities, and it takes well under a second', () => {
  const [doc] = loadSotu({ years: [1946] });
  const started = performance.now();
  const g = extractGraph(chunkText(doc.text));
  const ms = performance.now() - started;
  assert.ok(ms < 3000, `${ms} ms`);
  assert.equal(entity(g, 'congress').type, 'ORG');
  assert.ok(g.entities.length > 100 && g.relations.length > 100, `${g.entities.length} entities, ${g.relations.length} relations`);
  const keys = new Set(g.entities.map((e) => e.key));
  for (const r of g.relations) assert.ok(keys.has(r.source) && keys.has(r.target));
  assert.ok(g.relations.some((r) => r.kind === 'HIERARCHICAL'));
});
