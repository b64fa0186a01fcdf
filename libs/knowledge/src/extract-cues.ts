/**
 * The rule-based extractor's vocabulary: word lists (function words beyond STOPWORDS, titles,
 * organisation and place heads, generic verbs and adjectives) and the relation cues with their
 * kinds, labels and confidences, plus the matcher that finds cues in a sentence. The rules
 * themselves are described in extract.ts.
 */
import type { RelationKind } from './graph-model.js';
import { STOPWORDS } from './stopwords.js';

// ---------------------------------------------------------------------------------------------
// Word lists

/** A set of the whitespace-separated words of `s`. */
export const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter(Boolean));
/** Lowercase words allowed between two capitalised words of one name. */
export const CONNECTORS = words('of the de du del della di da van von der den la le for');
/** A connector sequence may not start with these ("in April the Army" is two names). */
export const CONNECTOR_NOT_FIRST = words('the');
export const TITLES = words(`mr mrs ms miss dr prof professor sir dame lord lady president senator sen representative rep
  governor gov general gen admiral colonel col captain capt lieutenant sergeant judge justice king queen prince princess
  pope saint st secretary chairman chairwoman minister premier chancellor ambassador mayor bishop rev reverend`);
export const MONTHS_DAYS = words(`january february march april may june july august september october november december
  monday tuesday wednesday thursday friday saturday sunday`);
export const ORG_WORDS = words(`congress senate parliament party company corporation corp inc ltd llc university college
  institute institution association department ministry agency administration bureau commission committee council
  court bank board foundation organization organisation corps army navy force forces church club society league
  federation authority office nations alliance assembly government cabinet command`);
export const PLACE_WORDS = words(`city county river lake ocean sea island islands mountain mountains valley bay gulf coast
  street avenue road states republic kingdom empire province territory canal peninsula desert park square harbor
  harbour strait continent district region village town county`);
export const PLACE_PREPOSITIONS = words('in at near across throughout');
/** Frequent verbs and adjectives that are not things; never concepts or phrase words. */
export const GENERIC = words(`said say says make makes made get gets got take takes took give gives given go goes went come
  comes came see seen know known think want wants need needs new good great better best like use used way ways must
  shall also thing things lot today year years time times day days mean means keep kept let put find found tell told
  ask asked seem seems show shows shown become becomes became include includes included continue continued
  today tomorrow yesterday tonight
  necessary possible essential important common right whole full high low large small long short little few able
  free certain clear sure real true ready due likely vital believe require part one two three four five six seven
  eight nine ten hundred thousand million billion`);
export const DETERMINERS = words(`a an the this that these those its their our his her my your some many much more most
  several various certain any every each all such another other`);
const NEGATIONS = words('not never');
export const CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ["isn't", 'is'], ["aren't", 'are'], ["wasn't", 'was'], ["weren't", 'were'], ["doesn't", 'does'], ["don't", 'do'],
  ["didn't", 'did'], ["can't", 'can'], ["cannot", 'can'], ["couldn't", 'could'], ["won't", 'will'], ["wouldn't", 'would'],
  ["shouldn't", 'should'], ["mustn't", 'must'],
]);

// ---------------------------------------------------------------------------------------------
// Relation cues

/** What cue matching reads of a word (extract-words' `Word` has it). */
export interface CueWord {
  /** Normalised form (lowercase). */
  readonly norm: string;
  /** Punctuation before the word, '' if none. */
  readonly sep: string;
}

type Slot = ReadonlySet<string> | { readonly optional: ReadonlySet<string> };
export interface Cue {
  readonly slots: readonly Slot[];
  readonly kind: RelationKind;
  readonly label: string;
  readonly confidence: number;
  /** The relation runs Y → X (e.g. "Y is caused by X"). */
  readonly reversed?: boolean;
  /** The sides may be new phrases (registered as entities); otherwise both must be known entities. */
  readonly newPhrases?: boolean;
  /** Only with a known entity right after the cue. */
  readonly knownTarget?: boolean;
  /** Only when negated ("X is not Y"). */
  readonly negatedOnly?: boolean;
  /** The right side may be a list ("A, B and C"). */
  readonly list?: boolean;
  /** At the start of a sentence the shape is "Cue X, Y" (X = first side). */
  readonly leading?: boolean;
}

const COPULA = words('is are was were');
const opt = (s: string) => ({ optional: words(s) });
const NEG = opt('not never');
const AUX = opt('do does did will would can could may might should must');
const set = (s: string) => words(s);
const cop = (rest: Slot[], c: Omit<Cue, 'slots'>): Cue => ({ slots: [COPULA, NEG, ...rest], ...c });
const verb = (rest: Slot[], c: Omit<Cue, 'slots'>): Cue => ({ slots: [AUX, NEG, ...rest], ...c });

/** Tried in this order at each word; the first that matches wins, so longer shapes come first. */
const CUES: readonly Cue[] = [
  cop([opt('a an'), set('part parts'), set('of')], { kind: 'HIERARCHICAL', label: 'part_of', confidence: 0.8, newPhrases: true }),
  cop([opt('a an'), set('kind type form sort species variety kinds types forms sorts'), set('of')], { kind: 'HIERARCHICAL', label: 'is_a', confidence: 0.8, newPhrases: true }),
  cop([set('made'), set('up'), set('of')], { kind: 'HIERARCHICAL', label: 'has_part', confidence: 0.8, newPhrases: true, list: true }),
  cop([set('composed'), set('of')], { kind: 'HIERARCHICAL', label: 'has_part', confidence: 0.8, newPhrases: true, list: true }),
  cop([set('caused'), set('by')], { kind: 'CAUSAL', label: 'causes', confidence: 0.8, reversed: true, newPhrases: true }),
  cop([set('due'), set('to')], { kind: 'CAUSAL', label: 'causes', confidence: 0.6, reversed: true }),
  cop([set('a the'), set('result consequence'), set('of')], { kind: 'CAUSAL', label: 'causes', confidence: 0.7, reversed: true, newPhrases: true }),
  cop([set('a the'), set('cause'), set('of')], { kind: 'CAUSAL', label: 'causes', confidence: 0.7, newPhrases: true }),
  cop([set('similar analogous equivalent'), set('to')], { kind: 'SEMANTIC', label: 'similar_to', confidence: 0.7, newPhrases: true }),
  cop([set('related'), set('to')], { kind: 'SEMANTIC', label: 'related_to', confidence: 0.5, newPhrases: true }),
  cop([set('inconsistent incompatible'), set('with')], { kind: 'CONTRADICTION', label: 'contradicts', confidence: 0.7, newPhrases: true }),
  cop([set('contrary'), set('to')], { kind: 'CONTRADICTION', label: 'contradicts', confidence: 0.6 }),
  cop([set('the'), set('opposite'), set('of')], { kind: 'CONTRADICTION', label: 'opposite_of', confidence: 0.8, newPhrases: true }),
  cop([set('evidence proof'), set('of for')], { kind: 'EVIDENCE', label: 'supports', confidence: 0.7, newPhrases: true }),
  cop([set('a an'), set('sign indication'), set('of')], { kind: 'EVIDENCE', label: 'supports', confidence: 0.6, newPhrases: true }),
  cop([set('followed'), set('by')], { kind: 'TEMPORAL', label: 'before', confidence: 0.7 }),
  cop([set('preceded'), set('by')], { kind: 'TEMPORAL', label: 'before', confidence: 0.7, reversed: true }),
  cop([set('a an')], { kind: 'HIERARCHICAL', label: 'is_a', confidence: 0.6, newPhrases: true }),
  cop([], { kind: 'HIERARCHICAL', label: 'is_a', confidence: 0.6, newPhrases: true, negatedOnly: true }),
  { slots: [set('are')], kind: 'HIERARCHICAL', label: 'is_a', confidence: 0.5, knownTarget: true },
  verb([set('consists consist consisted'), set('of')], { kind: 'HIERARCHICAL', label: 'has_part', confidence: 0.8, newPhrases: true, list: true }),
  verb([set('comprises comprise comprised')], { kind: 'HIERARCHICAL', label: 'has_part', confidence: 0.7, newPhrases: true, list: true }),
  verb([set('contains contain contained includes include included')], { kind: 'HIERARCHICAL', label: 'has_part', confidence: 0.5, newPhrases: true, list: true }),
  verb([set('belongs belong belonged'), set('to')], { kind: 'HIERARCHICAL', label: 'part_of', confidence: 0.6, newPhrases: true }),
  verb([set('results result resulted stems stem stemmed'), set('from')], { kind: 'CAUSAL', label: 'causes', confidence: 0.7, reversed: true, newPhrases: true }),
  verb([set('causes cause caused triggers trigger triggered')], { kind: 'CAUSAL', label: 'causes', confidence: 0.8, newPhrases: true }),
  verb([set('leads lead led'), set('to')], { kind: 'CAUSAL', label: 'causes', confidence: 0.7, newPhrases: true }),
  verb([set('results result resulted'), set('in')], { kind: 'CAUSAL', label: 'causes', confidence: 0.7, newPhrases: true }),
  verb([set('contradicts contradict contradicted refutes refute refuted disproves disprove disproved')], { kind: 'CONTRADICTION', label: 'contradicts', confidence: 0.8, newPhrases: true }),
  verb([set('conflicts conflict conflicted'), set('with')], { kind: 'CONTRADICTION', label: 'contradicts', confidence: 0.6, newPhrases: true }),
  verb([set('precedes precede preceded')], { kind: 'TEMPORAL', label: 'before', confidence: 0.7 }),
  verb([set('follows follow followed')], { kind: 'TEMPORAL', label: 'before', confidence: 0.6, reversed: true }),
  verb([set('comes come came'), set('before')], { kind: 'TEMPORAL', label: 'before', confidence: 0.7 }),
  verb([set('comes come came'), set('after')], { kind: 'TEMPORAL', label: 'before', confidence: 0.7, reversed: true }),
  verb([set('supports support supported confirms confirm confirmed proves prove proved demonstrates demonstrate demonstrated')], { kind: 'EVIDENCE', label: 'supports', confidence: 0.6, newPhrases: true }),
  verb([set('implies imply implied entails entail entailed')], { kind: 'INFERENCE', label: 'implies', confidence: 0.7, newPhrases: true }),
  verb([set('suggests suggest suggested')], { kind: 'INFERENCE', label: 'implies', confidence: 0.4, newPhrases: true }),
  verb([set('resembles resemble resembled')], { kind: 'SEMANTIC', label: 'similar_to', confidence: 0.6, newPhrases: true }),
  { slots: [set('because'), set('of')], kind: 'CAUSAL', label: 'causes', confidence: 0.6, reversed: true, leading: true },
  { slots: [set('due'), set('to')], kind: 'CAUSAL', label: 'causes', confidence: 0.5, reversed: true, leading: true },
  { slots: [set('as'), set('a'), set('result'), set('of')], kind: 'CAUSAL', label: 'causes', confidence: 0.6, reversed: true, leading: true },
  { slots: [set('before')], kind: 'TEMPORAL', label: 'before', confidence: 0.5, leading: true },
  { slots: [set('prior'), set('to')], kind: 'TEMPORAL', label: 'before', confidence: 0.5, leading: true },
  { slots: [set('after')], kind: 'TEMPORAL', label: 'before', confidence: 0.5, reversed: true, leading: true },
];

/**
 * First words of verb and leading cues ("causes", "leads", "due", …): never inside a concept or
 * phrase, or a mention could swallow the cue and hide the relation.
 */
export const CUE_WORDS: ReadonlySet<string> = (() => {
  const out = new Set<string>();
  for (const cue of CUES) {
    const first = cue.slots.find((slot): slot is ReadonlySet<string> => slot instanceof Set);
    for (const w of first ?? []) if (!STOPWORDS.has(w)) out.add(w);
  }
  return out;
})();

/** Calls `visit(cue, a, b, negated)` for each cue match words[a, b), left to right, non-overlapping. */
export function forEachCue(ws: readonly CueWord[], visit: (cue: Cue, a: number, b: number, negated: boolean) => void): void {
  let i = 0;
  while (i < ws.length) {
    let matched = false;
    for (const cue of CUES) {
      const m = matchCue(ws, i, cue);
      if (m) {
        visit(cue, i, m.end, m.negated);
        i = m.end;
        matched = true;
        break;
      }
    }
    if (!matched) i++;
  }
}

function matchCue(ws: readonly CueWord[], at: number, cue: Cue): { end: number; negated: boolean } | null {
  let i = at;
  let negated = false;
  let required = 0;
  for (const slot of cue.slots) {
    const w = ws[i];
    // A cue never spans punctuation, except at its start ("…, because of").
    const fits = w !== undefined && (i === at || !w.sep);
    if (slot instanceof Set) {
      if (!fits || !slot.has(w.norm)) return null;
      required++;
      i++;
    } else if (fits && (slot as { optional: ReadonlySet<string> }).optional.has(w.norm)) {
      if (NEGATIONS.has(w.norm)) negated = true;
      i++;
    }
  }
  if (cue.negatedOnly && !negated) return null;
  return required > 0 ? { end: i, negated } : null;
}
