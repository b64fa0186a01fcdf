/**
 * Knowledge-graph extraction without a language model: entities and typed relations from
 * plain rules over tokens, deterministic and fast enough to run on every ingested document.
 * It finds what the text states in a few fixed shapes and nothing more (no part-of-speech
 * tagger, no coreference); an LLM extractor can replace it later behind the same output types.
 *
 * Entities (keyed by `normalizeEntityName`: lowercase, accents and possessive 's dropped, the
 * last word of a common noun phrase folded to the singular, leading/trailing function words
 * removed). Mentions are found by greedy longest match per sentence, case-insensitively.
 *  1. Names: runs of capitalised words, joined across at most two connectors ("Bank of
 *     England", "Congress of the United States"; not across "and" or a possessive), with
 *     initials ("Harry S. Truman"); leading titles ("President", "Mr.") and function words
 *     stripped; a month or weekday alone ignored. A single capitalised word seen only at the
 *     start of sentences counts only if it is known another way, or starts two or more
 *     sentences and never appears in lowercase ("Berlin …" yes, "Tomorrow …" no).
 *     "North Atlantic Treaty Organization (NATO)" makes NATO an alias of the full name.
 *  2. Concepts: lowercase content-word n-grams (n ≤ 3; no function words, generic verbs and
 *     adjectives, -ly adverbs, -ed verb forms or cue verbs) seen at least `minConceptFrequency`
 *     times; an n-gram dropped when a longer kept one contains it as often; the `maxConcepts`
 *     best by frequency × (1 + (n − 1)/2).
 *  3. The sides of the relation patterns that admit new phrases (up to 3 content words, or a
 *     capitalised name of up to 6): "Smoking causes cancer" makes both entities.
 *
 * Types (votes over a name's occurrences; CONCEPT when nothing votes, which means "unknown"
 * as much as "abstract"): PERSON after a title or shaped "First X. Last"; ORG when a word is an
 * organisation head ("Congress", "Department", "University", "Nations", …) or the name is an
 * acronym; PLACE when the last word is a place head ("River", "City", "States", …) or a
 * single-word name follows "in", "at", "near", "across" or "throughout".
 *
 * Relations (kind / label; X is the phrase before the cue, Y after it; a "not"/"never" in the
 * cue turns any of them into CONTRADICTION / not_<label>, and "X is not (a) Y" into
 * CONTRADICTION / is_not):
 *   X is (a) part of Y, X belongs to Y                                HIERARCHICAL / part_of (X → Y)
 *   X consists of | is made up of | comprises | contains | includes Y, Z and W   HIERARCHICAL / has_part
 *   X is a kind|type|form of Y (0.8), X is a|an Y (0.6), Xs are Ys (Y already known, 0.5)  HIERARCHICAL / is_a
 *   X causes | leads to | results in | triggers Y; X is a cause of Y; Y is caused by | results
 *   from | is due to | is a result of X; Y because of X; Because of X, Y      CAUSAL / causes (X → Y)
 *   X before Y, X precedes | comes before Y, X is followed by Y; Y after X, Y follows X; After X, Y
 *                                                                     TEMPORAL / before (X → Y)
 *   X contradicts | refutes | conflicts with | is inconsistent with Y     CONTRADICTION / contradicts
 *   X is similar to | resembles Y; X is related to Y                  SEMANTIC / similar_to, related_to
 *   X supports | confirms | proves Y; X is evidence of | a sign of Y  EVIDENCE / supports
 *   X implies | entails | suggests Y                                  INFERENCE / implies
 *   two entities in one sentence                                      ASSOCIATIVE / co_occurs (undirected: source < target)
 * "before", "after", "because of" and "due to" relate known entities only (the nearest within
 * three words), since without a tagger "the war ended before …" would make "war ended" a thing.
 * Pattern confidences are fixed per cue (in CUES); the same relation found again combines as
 * 1 − Π(1 − cᵢ). Co-occurrence confidence is Dice(X, Y) × n/(n+1) over the n sentences holding
 * both, so frequent pairs of otherwise rare entities score high and chance meetings of
 * ubiquitous ones low. Every relation keeps the chunks and sentence offsets it came from.
 */
import { checkDocumentSize, DEFAULT_MAX_DOCUMENT_BYTES } from './chunker.js';
import { cmp, collectNames, collectNgrams, nameVote, selectConcepts, surfaceOf, type Candidate, type Sentence } from './extract-candidates.js';
import { CUE_WORDS, forEachCue, GENERIC, type Cue } from './extract-cues.js';
import { findMentions, foldPlural, keyOf, mentionBefore, mentionsAfter, phraseBefore, phrasesAfter, sentenceWords } from './extract-words.js';
import type { EntityType, RelationKind } from './graph-model.js';
import { checkInt, KnowledgeInputError } from './knowledge-errors.js';
import { sentenceSpans, wordSpans } from './tokenize.js';

export { normalizeEntityName } from './extract-words.js';

export interface ExtractionInput {
  /** The chunk's position in its document (evidence points at it). */
  readonly index: number;
  readonly text: string;
}

export interface ExtractedEntity {
  /** `normalizeEntityName` of the name: the entity's identity within a namespace. */
  readonly key: string;
  /** The most frequent surface form (the first seen among equals). */
  readonly name: string;
  readonly type: EntityType;
  /** Other surface forms and the normalised key, sorted. */
  readonly aliases: readonly string[];
  /** Mentions found (greedy longest match, per sentence). */
  readonly mentions: number;
  /** Chunk indices with a mention, ascending. */
  readonly chunks: readonly number[];
}

export interface RelationEvidence {
  readonly chunkIndex: number;
  /** The sentence, as offsets into the chunk's text. */
  readonly start: number;
  readonly end: number;
}

export interface ExtractedRelation {
  /** Entity keys. */
  readonly source: string;
  readonly target: string;
  readonly kind: RelationKind;
  readonly label: string;
  /** In [0, 1]. */
  readonly confidence: number;
  /** The first chunk it was found in. */
  readonly chunkIndex: number;
  /** Where it was found, in input order, at most `maxEvidence`. */
  readonly evidence: readonly RelationEvidence[];
  /** How many times it was found (sentences), evidence beyond `maxEvidence` included. */
  readonly support: number;
}

export interface GraphExtraction {
  /** Sorted by key. */
  readonly entities: readonly ExtractedEntity[];
  /** Sorted by kind, label, source, target. */
  readonly relations: readonly ExtractedRelation[];
}

export interface ExtractionOptions {
  /** Occurrences a lowercase n-gram needs to become a concept, 1..1000; default 2. */
  readonly minConceptFrequency?: number;
  /** Concepts kept at most, 0..100000; default 200. */
  readonly maxConcepts?: number;
  /** Longest concept n-gram, 1..5; default 3. */
  readonly maxNgram?: number;
  /** Emit ASSOCIATIVE co-occurrence relations; default true. */
  readonly cooccurrence?: boolean;
  /** Sentences two entities must share for a co-occurrence relation, 1..1000; default 1. */
  readonly minCooccurrence?: number;
  /** Entities per sentence considered for co-occurrence (the first ones), 2..100; default 12. */
  readonly maxEntitiesPerSentence?: number;
  /** Evidence entries kept per relation, 1..1000; default 8. */
  readonly maxEvidence?: number;
  /** Largest input in UTF-8 bytes (all chunks together); default DEFAULT_MAX_DOCUMENT_BYTES. */
  readonly maxBytes?: number;
}

interface RelationAcc {
  readonly source: string;
  readonly target: string;
  readonly kind: RelationKind;
  readonly label: string;
  confidence: number;
  support: number;
  readonly evidence: RelationEvidence[];
}

export function extractGraph(input: string | readonly ExtractionInput[], options: ExtractionOptions = {}): GraphExtraction {
  const minConcept = checkInt('minConceptFrequency', options.minConceptFrequency ?? 2, 1, 1000);
  const maxConcepts = checkInt('maxConcepts', options.maxConcepts ?? 200, 0, 100_000);
  const maxNgram = checkInt('maxNgram', options.maxNgram ?? 3, 1, 5);
  const minCooc = checkInt('minCooccurrence', options.minCooccurrence ?? 1, 1, 1000);
  const maxPerSentence = checkInt('maxEntitiesPerSentence', options.maxEntitiesPerSentence ?? 12, 2, 100);
  const maxEvidence = checkInt('maxEvidence', options.maxEvidence ?? 8, 1, 1000);
  const chunks: readonly ExtractionInput[] = typeof input === 'string' ? [{ index: 0, text: input }] : input;
  if (!Array.isArray(chunks)) throw new KnowledgeInputError('extractGraph takes a text or an array of chunks');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  let totalChars = 0;
  for (const c of chunks) {
    if (typeof c?.text !== 'string' || !Number.isInteger(c.index)) throw new KnowledgeInputError('each chunk needs an integer index and a text');
    totalChars += c.text.length;
  }
  if (totalChars * 3 > maxBytes) checkDocumentSize(chunks.map((c) => c.text).join(''), maxBytes);

  // Sentences as word lists.
  const sentences: Sentence[] = [];
  const capitalisedInside = new Set<string>();
  for (const chunk of chunks) {
    const spans = wordSpans(chunk.text);
    for (const s of sentenceSpans(chunk.text, spans)) {
      const ws = sentenceWords(chunk.text, spans.starts, spans.ends, s.tokenStart, s.tokenEnd);
      for (let i = 1; i < ws.length; i++) if (ws[i].cap) capitalisedInside.add(ws[i].norm);
      if (ws.length > 0) sentences.push({ chunkIndex: chunk.index, text: chunk.text, start: s.start, end: s.end, words: ws });
    }
  }
  // Names are not folded to the singular, but a sentence's first word is capitalised anyway:
  // fold it unless it is also capitalised inside a sentence ("Dolphins are…" vs "Texas is…").
  for (const s of sentences) {
    const w = s.words[0];
    if (w.cap && !capitalisedInside.has(w.norm)) s.words[0] = { ...w, fold: foldPlural(w.norm) };
  }

  // Pass 1: candidates.
  const names = new Map<string, Candidate>();
  const concepts = new Map<string, Candidate>();
  const phrases = new Map<string, Candidate>();
  const aliasOf = new Map<string, string>();
  /** Norms of words seen in lowercase: a capitalised word that never is, is likely a name. */
  const lowerSeen = new Set<string>();
  const note = (into: Map<string, Candidate>, key: string, surface: string, n: number, confirmed: boolean, vote?: EntityType) => {
    let c = into.get(key);
    if (!c) into.set(key, (c = { key, surfaces: new Map(), votes: new Map(), count: 0, confirmed: 0, words: n }));
    c.count++;
    if (confirmed) c.confirmed++;
    c.surfaces.set(surface, (c.surfaces.get(surface) ?? 0) + 1);
    if (vote) c.votes.set(vote, (c.votes.get(vote) ?? 0) + 1);
  };
  for (const s of sentences) {
    for (const w of s.words) if (!w.cap) lowerSeen.add(w.norm);
    collectNames(s, (key, surface, n, confirmed, vote) => note(names, key, surface, n, confirmed, vote), (alias, key) => aliasOf.set(alias, key));
    collectNgrams(s.words, maxNgram, (key, surface, n) => note(concepts, key, surface, n, true));
    forEachCue(s.words, (cue, a, b) => {
      if (!cue.newPhrases) return;
      const left = phraseBefore(s.words, a);
      const rights = phrasesAfter(s.words, b, cue.list ?? false);
      if (!left || rights.length === 0) return;
      for (const [x, y] of [[a - left, a], ...rights.map((r) => [r.start, r.end])]) {
        const key = keyOf(s.words, x, y);
        if (key) note(phrases, key, surfaceOf(s, x, y), y - x, true, nameVote(s.words, x, y));
      }
    });
  }

  // Choose the entities.
  const entities = new Map<string, Candidate>();
  const adopt = (c: Candidate) => {
    // A lone generic word or cue verb is never an entity, whatever its case ("Made in…").
    if (c.words === 1 && (GENERIC.has(c.key) || CUE_WORDS.has(c.key))) return;
    const have = entities.get(c.key);
    if (!have) {
      entities.set(c.key, { ...c, surfaces: new Map(c.surfaces), votes: new Map(c.votes) });
      return;
    }
    for (const [s, n] of c.surfaces) have.surfaces.set(s, (have.surfaces.get(s) ?? 0) + n);
    for (const [t, n] of c.votes) have.votes.set(t, (have.votes.get(t) ?? 0) + n);
  };
  for (const c of selectConcepts(concepts, minConcept, maxConcepts)) adopt(c);
  for (const c of phrases.values()) adopt(c);
  // A single capitalised word that only ever starts a sentence counts if it is known another
  // way, or starts several sentences and is never written in lowercase ("Berlin", not "Today").
  for (const c of names.values()) {
    if (c.confirmed > 0 || c.words > 1 || entities.has(c.key) || (c.count >= 2 && !lowerSeen.has(c.key))) adopt(c);
  }
  // An acronym alias folds its own entity (if it was seen alone) into the full name's.
  for (const [alias, key] of [...aliasOf]) {
    const full = entities.get(key);
    if (!full) {
      aliasOf.delete(alias);
      continue;
    }
    const own = entities.get(alias);
    if (own && own !== full) {
      // The full name stays the display name; the acronym is listed among the aliases.
      for (const [t, n] of own.votes) full.votes.set(t, (full.votes.get(t) ?? 0) + n);
      entities.delete(alias);
    }
  }

  // "Dolphins are mammals": a cue that needs a known target registers its subject once the target is known.
  for (const s of sentences) {
    forEachCue(s.words, (cue, a, b) => {
      if (!cue.knownTarget) return;
      const left = phraseBefore(s.words, a);
      const [right] = phrasesAfter(s.words, b, false);
      if (!left || !right || !entities.has(keyOf(s.words, right.start, right.end))) return;
      const key = keyOf(s.words, a - left, a);
      if (key && !entities.has(key)) {
        const c: Candidate = { key, surfaces: new Map(), votes: new Map(), count: 1, confirmed: 1, words: left };
        c.surfaces.set(surfaceOf(s, a - left, a), 1);
        entities.set(key, c);
      }
    });
  }

  // Pass 2: mentions, pattern relations, co-occurrence.
  let maxWords = 1;
  for (const c of entities.values()) maxWords = Math.max(maxWords, c.key.split(' ').length);
  const mentionCount = new Map<string, number>();
  const chunksOf = new Map<string, Set<number>>();
  const sentencesWith = new Map<string, number>();
  const pairs = new Map<string, { a: string; b: string; n: number; evidence: RelationEvidence[] }>();
  const relations = new Map<string, RelationAcc>();
  const addRelation = (x: string, y: string, cue: Cue, negated: boolean, ev: RelationEvidence) => {
    const [source, target] = cue.reversed ? [y, x] : [x, y];
    if (source === target) return;
    let kind = cue.kind;
    let label = cue.label;
    let confidence = cue.confidence;
    if (negated) {
      kind = 'CONTRADICTION';
      label = cue.label === 'is_a' ? 'is_not' : `not_${cue.label}`;
      confidence *= 0.9;
    }
    const id = `${kind}\u0000${label}\u0000${source}\u0000${target}`;
    let r = relations.get(id);
    if (!r) relations.set(id, (r = { source, target, kind, label, confidence: 0, support: 0, evidence: [] }));
    r.confidence = 1 - (1 - r.confidence) * (1 - confidence);
    r.support++;
    if (r.evidence.length < maxEvidence) r.evidence.push(ev);
  };

  for (const s of sentences) {
    const ms = findMentions(s.words, entities, aliasOf, maxWords);
    const ev: RelationEvidence = { chunkIndex: s.chunkIndex, start: s.start, end: s.end };
    const distinct: string[] = [];
    for (const m of ms) {
      mentionCount.set(m.key, (mentionCount.get(m.key) ?? 0) + 1);
      let set = chunksOf.get(m.key);
      if (!set) chunksOf.set(m.key, (set = new Set()));
      set.add(s.chunkIndex);
      if (!distinct.includes(m.key)) distinct.push(m.key);
    }
    for (const k of distinct) sentencesWith.set(k, (sentencesWith.get(k) ?? 0) + 1);

    forEachCue(s.words, (cue, a, b, negated) => {
      if (cue.negatedOnly && !negated) return;
      if (cue.leading && a === 0) {
        // "Because of X, Y" / "After X, Y": X before the first comma, Y after it.
        const comma = s.words.findIndex((w, i) => i > b && w.sep.includes(','));
        if (comma < 0) return;
        const x = ms.find((m) => m.start >= b && m.end <= comma);
        const y = ms.find((m) => m.start >= comma);
        if (x && y) addRelation(y.key, x.key, cue, negated, ev);
        return;
      }
      // Cues whose sides were registered as phrases (or must be known) need them adjacent; the
      // others ("before", "because of") take the nearest entity within three words.
      const window = cue.newPhrases || cue.knownTarget ? 0 : 3;
      const left = mentionBefore(s.words, ms, a, window);
      if (!left) return;
      for (const right of mentionsAfter(s.words, ms, b, window, cue.list ?? false)) {
        addRelation(left.key, right.key, cue, negated, ev);
      }
    });

    if (options.cooccurrence !== false) {
      const keys = distinct.slice(0, maxPerSentence).sort();
      for (let i = 0; i < keys.length; i++) {
        for (let j = i + 1; j < keys.length; j++) {
          const id = `${keys[i]}\u0000${keys[j]}`;
          let p = pairs.get(id);
          if (!p) pairs.set(id, (p = { a: keys[i], b: keys[j], n: 0, evidence: [] }));
          p.n++;
          if (p.evidence.length < maxEvidence) p.evidence.push(ev);
        }
      }
    }
  }

  const outRelations: ExtractedRelation[] = [];
  for (const r of relations.values()) {
    if (!mentionCount.has(r.source) || !mentionCount.has(r.target)) continue;
    outRelations.push({ ...r, confidence: round(r.confidence), chunkIndex: r.evidence[0].chunkIndex });
  }
  for (const p of pairs.values()) {
    if (p.n < minCooc) continue;
    const dice = (2 * p.n) / ((sentencesWith.get(p.a) ?? p.n) + (sentencesWith.get(p.b) ?? p.n));
    outRelations.push({
      source: p.a,
      target: p.b,
      kind: 'ASSOCIATIVE',
      label: 'co_occurs',
      confidence: round(Math.min(1, dice) * (p.n / (p.n + 1))),
      chunkIndex: p.evidence[0].chunkIndex,
      evidence: p.evidence,
      support: p.n,
    });
  }
  outRelations.sort((x, y) => cmp(x.kind, y.kind) || cmp(x.label, y.label) || cmp(x.source, y.source) || cmp(x.target, y.target));

  const outEntities: ExtractedEntity[] = [];
  for (const c of entities.values()) {
    const mentions = mentionCount.get(c.key) ?? 0;
    if (mentions === 0) continue;
    outEntities.push(finishEntity(c, mentions, [...(chunksOf.get(c.key) ?? [])].sort((a, b) => a - b), aliasOf));
  }
  outEntities.sort((x, y) => cmp(x.key, y.key));
  return { entities: outEntities, relations: outRelations };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function finishEntity(c: Candidate, mentions: number, chunks: number[], aliasOf: ReadonlyMap<string, string>): ExtractedEntity {
  let name = '';
  let best = -1;
  for (const [s, n] of c.surfaces) {
    if (n > best) {
      best = n;
      name = s;
    }
  }
  const aliases = new Set<string>([...c.surfaces.keys(), c.key]);
  for (const [alias, key] of aliasOf) if (key === c.key) aliases.add(alias.toUpperCase());
  aliases.delete(name);
  let type: EntityType = 'CONCEPT';
  let votes = 0;
  for (const t of ['PERSON', 'ORG', 'PLACE'] as const) {
    const v = c.votes.get(t) ?? 0;
    if (v > votes) {
      votes = v;
      type = t;
    }
  }
  return { key: c.key, name, type, aliases: [...aliases].sort(), mentions, chunks };
}
