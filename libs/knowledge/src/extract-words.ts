/**
 * Sentences as words for the extractor: normalisation (the entity key), contractions split
 * ("isn't" → is not), punctuation kept as separators, and the phrase and mention walks around a
 * cue. See extract.ts for the rules.
 */
import { CONNECTORS, CONTRACTIONS, CUE_WORDS, DETERMINERS, GENERIC, TITLES, words } from './extract-cues.js';
import { STOPWORDS } from './stopwords.js';
import { wordSpans } from './tokenize.js';

/** An entity found in a sentence: words[start, end). */
export interface Mention {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export interface Word {
  readonly start: number;
  readonly end: number;
  readonly surface: string;
  /** Lowercase, no accents, ’ → ', possessive 's dropped. */
  readonly norm: string;
  /** `norm` with a plural folded to the singular (used for the last word of a key). */
  readonly fold: string;
  /** Starts with an uppercase letter. */
  readonly cap: boolean;
  /** Two to six letters, all uppercase. */
  readonly acronym: boolean;
  /** Has a letter and only letters, marks, apostrophes and hyphens. */
  readonly alpha: boolean;
  readonly stop: boolean;
  /** Punctuation between the previous word and this one ('' if none; an initial's period does not count). */
  readonly sep: string;
}

const MARKS = /\p{M}/gu;
const ALPHA = /^[\p{L}\p{M}'’-]*\p{L}[\p{L}\p{M}'’-]*$/u;

/** Lowercase, strip accents, unify apostrophes, drop a possessive. */
function normWord(surface: string): string {
  let w = surface.toLowerCase();
  if (/[^\x00-\x7f]/.test(w)) w = w.normalize('NFKD').replace(MARKS, '').replace(/’/g, "'");
  if (w.endsWith("'s") && w.length > 2) w = w.slice(0, -2);
  else if (w.endsWith("s'") && w.length > 2) w = w.slice(0, -1);
  return w;
}

/** Conservative English singular: -ies → -y, -sses → -ss, -s (not -ss, -us, -is) → ''. */
export function foldPlural(w: string): string {
  if (w.length <= 3 || !ALPHA.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

/**
 * An entity's key: its words normalised (lowercase, no accents, no possessive), the last one
 * folded to the singular, leading and trailing function words dropped, joined by one space.
 * Punctuation is ignored ("U.S." → "u s"). The database layer looks aliases up by it.
 */
export function normalizeEntityName(name: string): string {
  const spans = wordSpans(name);
  const norms: string[] = [];
  let lastCap = false;
  for (let i = 0; i < spans.count; i++) {
    const s = name.slice(spans.starts[i], spans.ends[i]);
    if (!/^[\p{L}\p{M}\p{N}]/u.test(s)) continue;
    const norm = normWord(s);
    norms.push(norm);
    // Whether the last content word is capitalised (names are not folded to the singular).
    if (!STOPWORDS.has(norm) && !DETERMINERS.has(norm)) lastCap = s.charAt(0) !== s.charAt(0).toLowerCase();
  }
  let a = 0;
  let b = norms.length;
  while (a < b && (STOPWORDS.has(norms[a]) || DETERMINERS.has(norms[a]))) a++;
  while (b > a && (STOPWORDS.has(norms[b - 1]) || DETERMINERS.has(norms[b - 1]))) b--;
  if (a === b) return '';
  const out = norms.slice(a, b);
  if (!lastCap) out[out.length - 1] = foldPlural(out[out.length - 1]);
  return out.join(' ');
}

/** Key of words[a, b) (already stripped of function words by the caller). */
export function keyOf(ws: readonly Word[], a: number, b: number): string {
  let k = '';
  for (let i = a; i < b; i++) k += (i > a ? ' ' : '') + (i === b - 1 ? ws[i].fold : ws[i].norm);
  return k;
}

const ABBREVIATION_PERIOD = words('mr mrs ms dr prof st sr jr gen sen rep gov col capt lt sgt rev hon');

export function sentenceWords(text: string, starts: Int32Array, ends: Int32Array, from: number, to: number): Word[] {
  const out: Word[] = [];
  let sep = '';
  for (let t = from; t < to; t++) {
    const surface = text.slice(starts[t], ends[t]);
    if (!/^[\p{L}\p{M}\p{N}_]/u.test(surface)) {
      // An initial's or abbreviation's period glued to it is part of the name, not a separator.
      const prev = out[out.length - 1];
      const glued = surface === '.' && prev && prev.end === starts[t] && sep === '' && ((prev.cap && prev.surface.length === 1) || ABBREVIATION_PERIOD.has(prev.norm));
      if (!glued) sep += surface;
      continue;
    }
    const norm = normWord(surface);
    const split = CONTRACTIONS.get(norm);
    const first = surface.charAt(0);
    const cap = first !== first.toLowerCase();
    const alpha = ALPHA.test(surface);
    if (split) {
      out.push(word(starts[t], ends[t], surface, split, cap, false, true, sep));
      out.push(word(starts[t], ends[t], surface, 'not', false, false, true, ''));
    } else {
      out.push(word(starts[t], ends[t], surface, norm, cap, alpha && surface.length >= 2 && surface.length <= 6 && surface === surface.toUpperCase(), alpha, sep));
    }
    sep = '';
  }
  return out;
}

function word(start: number, end: number, surface: string, norm: string, cap: boolean, acronym: boolean, alpha: boolean, sep: string): Word {
  // Names are not folded ("Christmas", "United States").
  return { start, end, surface, norm, fold: cap ? norm : foldPlural(norm), cap, acronym, alpha, stop: STOPWORDS.has(norm), sep };
}

/** Surface ends in 's or ’s. */
export const isPossessive = (w: Word) => /['’]s$/i.test(w.surface);

/** -ed words of five letters or more are taken for verbs ("based", "increased"), except a few nouns. */
const ED_NOUNS = words('hundred kindred creed breed greed speed steed seed need');
const looksLikeVerb = (norm: string) => norm.length >= 5 && norm.endsWith('ed') && !ED_NOUNS.has(norm);

/** A content word: alphabetic, not a function word, cue verb, generic word or -ed verb form. */
export function isContent(w: Word): boolean {
  return w.alpha && !w.stop && !DETERMINERS.has(w.norm) && !CUE_WORDS.has(w.norm) && !GENERIC.has(w.norm) && (w.cap || !looksLikeVerb(w.norm));
}

/** A capitalised word that may be part of a name (not a function word or title). */
const isNameWord = (w: Word) => w.cap && w.alpha && !w.stop && !TITLES.has(w.norm) && !DETERMINERS.has(w.norm);
/** A lowercase content word (or the capitalised first word of a sentence). */
const isPhraseWord = (w: Word, k: number) => isContent(w) && (!w.cap || k === 0);

/**
 * Length of the phrase ending just before words[a] (0 if none): up to 3 content words, or a
 * capitalised name of up to 6 words (connectors inside) when the word before is capitalised.
 */
export function phraseBefore(ws: readonly Word[], a: number): number {
  if (a === 0 || ws[a].sep) return 0;
  const capital = isNameWord(ws[a - 1]) && a - 1 > 0;
  let n = 0;
  for (let k = a - 1; k >= 0; k--) {
    const w = ws[k];
    const connector = capital && n > 0 && CONNECTORS.has(w.norm) && k > 0 && isNameWord(ws[k - 1]);
    if (!(capital ? isNameWord(w) || connector : isPhraseWord(w, k))) break;
    n++;
    if (n >= (capital ? 6 : 3) || w.sep) break;
  }
  while (n > 0 && CONNECTORS.has(ws[a - n].norm)) n--;
  return n;
}

/** End of the phrase starting at words[k] (k if none), by the same rules as `phraseBefore`. */
function phraseEnd(ws: readonly Word[], k: number): number {
  const capital = isNameWord(ws[k]);
  let e = k;
  while (e < ws.length && e - k < (capital ? 6 : 3) && (e === k || !ws[e].sep)) {
    const w = ws[e];
    if (capital ? isNameWord(w) : isContent(w) && !w.cap) {
      e++;
      continue;
    }
    if (capital && e > k && CONNECTORS.has(w.norm) && e + 1 < ws.length && isNameWord(ws[e + 1]) && !ws[e + 1].sep) {
      e++;
      continue;
    }
    break;
  }
  return e;
}

/** Phrases after a cue ending at words[b]: determiners skipped; a list "A, B and C" when `list`. */
export function phrasesAfter(ws: readonly Word[], b: number, list: boolean): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let i = b;
  while (i < ws.length && out.length < 8) {
    // Punctuation may only precede the first word of a list item ("A, B"), not the first phrase.
    if (ws[i].sep && (i === b || out.length === 0)) break;
    let k = i;
    while (k < ws.length && DETERMINERS.has(ws[k].norm) && (k === i || !ws[k].sep)) k++;
    if (k >= ws.length || (k > i && ws[k].sep)) break;
    const e = phraseEnd(ws, k);
    if (e === k) break;
    out.push({ start: k, end: e });
    if (!list || e >= ws.length) break;
    const w = ws[e];
    const conj = w.norm === 'and' || w.norm === 'or';
    if (w.sep === ',') i = conj ? e + 1 : e;
    else if (!w.sep && conj) i = e + 1;
    else break;
    if (i > e && i < ws.length && ws[i].sep) break;
  }
  return out;
}

/** Greedy longest-match mentions of known entities (and acronym aliases) in a sentence. */
export function findMentions(ws: readonly Word[], entities: ReadonlyMap<string, unknown>, aliasOf: ReadonlyMap<string, string>, maxWords: number): Mention[] {
  const out: Mention[] = [];
  let i = 0;
  while (i < ws.length) {
    const w = ws[i];
    if (w.stop || DETERMINERS.has(w.norm) || !w.alpha) {
      i++;
      continue;
    }
    let found: Mention | null = null;
    for (let n = Math.min(maxWords, ws.length - i); n >= 1 && !found; n--) {
      let crosses = false;
      for (let k = i + 1; k < i + n; k++) if (ws[k].sep) crosses = true;
      if (crosses) continue;
      const key = keyOf(ws, i, i + n);
      if (entities.has(key)) found = { key, start: i, end: i + n };
      else if (n === 1 && aliasOf.has(w.norm) && w.acronym) found = { key: aliasOf.get(w.norm)!, start: i, end: i + 1 };
    }
    if (found) {
      out.push(found);
      i = found.end;
    } else i++;
  }
  return out;
}

/**
 * The mention ending just before words[a] (with no punctuation between when `window` is 0), else
 * when `window` > 0 the nearest one ending at most `window` words before with no punctuation
 * between it and the cue's own first word.
 */
export function mentionBefore(ws: readonly Word[], ms: readonly Mention[], a: number, window: number): Mention | undefined {
  let best: Mention | undefined;
  for (const m of ms) {
    if (m.end > a) break;
    best = m;
  }
  if (!best) return undefined;
  if (window === 0) return best.end === a && !ws[a].sep ? best : undefined;
  if (best.end < a - window) return undefined;
  return ws.slice(best.end, a).some((w) => w.sep) ? undefined : best;
}

/** Mentions right after the cue ending at words[b] (determiners skipped), a list of them when `list`, or the nearest within `window` words. */
export function mentionsAfter(ws: readonly Word[], ms: readonly Mention[], b: number, window: number, list: boolean): Mention[] {
  if (b >= ws.length || (window === 0 && ws[b].sep)) return [];
  const skip = (i: number) => {
    while (i < ws.length && DETERMINERS.has(ws[i].norm)) i++;
    return i;
  };
  const at = (i: number) => ms.find((m) => m.start === i);
  const first = at(skip(b)) ?? (window > 0 ? ms.find((m) => m.start >= b && m.start <= b + window && !ws.slice(b + 1, m.start + 1).some((w) => w.sep)) : undefined);
  if (!first) return [];
  const out = [first];
  let e = first.end;
  while (list && e < ws.length && out.length < 8) {
    const w = ws[e];
    const conj = w.norm === 'and' || w.norm === 'or';
    if (w.sep !== ',' && !(conj && !w.sep)) break;
    const next = at(skip(conj ? e + 1 : e));
    if (!next) break;
    out.push(next);
    e = next.end;
  }
  return out;
}
