/**
 * Entity candidates for the extractor: capitalised names, frequent lowercase n-grams, their
 * type votes, and the final entity records. See extract.ts for the rules.
 */
import { CONNECTOR_NOT_FIRST, CONNECTORS, DETERMINERS, MONTHS_DAYS, ORG_WORDS, PLACE_PREPOSITIONS, PLACE_WORDS, TITLES } from './extract-cues.js';
import { foldPlural, isContent, isPossessive, keyOf, type Word } from './extract-words.js';
import type { EntityType } from './graph-model.js';

export interface Sentence {
  readonly chunkIndex: number;
  /** The chunk's text (word offsets point into it). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly words: Word[];
}

export interface Candidate {
  readonly key: string;
  readonly surfaces: Map<string, number>;
  /** Votes for a type. */
  readonly votes: Map<EntityType, number>;
  count: number;
  /** Occurrences not at a sentence's start (names), or 1 for concept/pattern candidates. */
  confirmed: number;
  words: number;
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The text of words[a, b), whitespace collapsed. */
export function surfaceOf(s: Sentence, a: number, b: number): string {
  return s.text.slice(s.words[a].start, s.words[b - 1].end).replace(/\s+/g, ' ');
}

/** Capitalised runs of a sentence (see the module header). */
export function collectNames(
  s: Sentence,
  note: (key: string, surface: string, words: number, confirmed: boolean, vote?: EntityType) => void,
  alias: (alias: string, key: string) => void,
): void {
  const ws = s.words;
  let i = 0;
  while (i < ws.length) {
    if (!ws[i].cap || !ws[i].alpha) {
      i++;
      continue;
    }
    let end = i + 1;
    let j = i + 1;
    // A possessive ends a name: "Chennault's Fourteenth Air Force" is two.
    while (j < ws.length && !ws[j].sep && !isPossessive(ws[j - 1])) {
      if (ws[j].cap && ws[j].alpha) {
        end = ++j;
        continue;
      }
      let k = j;
      while (k < ws.length && k - j < 2 && !ws[k].sep && !ws[k].cap && CONNECTORS.has(ws[k].norm)) k++;
      if (k > j && k < ws.length && !ws[k].sep && ws[k].cap && ws[k].alpha && !CONNECTOR_NOT_FIRST.has(ws[j].norm)) {
        end = j = k + 1;
        continue;
      }
      break;
    }
    // Strip leading titles and function words, trailing function words and connectors.
    let a = i;
    let titled = false;
    while (a < end && (ws[a].stop || DETERMINERS.has(ws[a].norm) || TITLES.has(ws[a].norm) || CONNECTORS.has(ws[a].norm) || MONTHS_DAYS.has(ws[a].norm))) {
      if (TITLES.has(ws[a].norm)) titled = true;
      a++;
    }
    let b = end;
    while (b > a && (ws[b - 1].stop || CONNECTORS.has(ws[b - 1].norm) || DETERMINERS.has(ws[b - 1].norm))) b--;
    const next = end;
    if (a < b && !(b - a === 1 && MONTHS_DAYS.has(ws[a].norm)) && !(b - a === 1 && TITLES.has(ws[a].norm))) {
      const key = keyOf(ws, a, b);
      const surface = surfaceOf(s, a, b).replace(/['’]s$/i, '');
      const confirmed = a > 0;
      note(key, surface, b - a, confirmed, titled ? 'PERSON' : nameVote(ws, a, b));
      // "Name (ACR)": the acronym is an alias when its letters are the name's initials.
      const open = ws[next];
      if (open && open.acronym && open.sep === '(' && b - a >= 2) {
        const initials = ws.slice(a, b).filter((w) => w.cap).map((w) => w.surface[0]).join('');
        if (initials === open.surface) alias(open.norm, key);
      }
    }
    i = Math.max(next, i + 1);
  }
}

/** Type vote of a capitalised span from its own words and the word before it. */
export function nameVote(ws: readonly Word[], a: number, b: number): EntityType | undefined {
  if (!ws[a].cap) return undefined;
  const span = ws.slice(a, b);
  if (span.some((w) => ORG_WORDS.has(w.norm))) return 'ORG';
  if (PLACE_WORDS.has(span[span.length - 1].norm)) return 'PLACE';
  if (span.length === 1 && span[0].acronym) return 'ORG';
  // "Harry S. Truman": first, initial, last.
  if (span.length === 3 && span[1].cap && span[1].surface.length === 1 && span[0].surface.length > 1 && span[2].surface.length > 1) return 'PERSON';
  if (span.length === 1 && a > 0 && !ws[a].sep && PLACE_PREPOSITIONS.has(ws[a - 1].norm)) return 'PLACE';
  return undefined;
}

/** Lowercase content-word n-grams. */
export function collectNgrams(ws: readonly Word[], maxN: number, note: (key: string, surface: string, n: number) => void): void {
  let runStart = 0;
  for (let i = 0; i <= ws.length; i++) {
    const ok = i < ws.length && isContent(ws[i]) && !ws[i].cap && ws[i].norm.length >= 3 && !ws[i].norm.endsWith('ly') && (i === runStart || !ws[i].sep);
    if (ok) continue;
    for (let a = runStart; a < i; a++) {
      for (let n = 1; n <= maxN && a + n <= i; n++) {
        note(keyOf(ws, a, a + n), ws.slice(a, a + n).map((w) => w.surface).join(' '), n);
      }
    }
    runStart = i < ws.length && isContent(ws[i]) && !ws[i].cap && ws[i].norm.length >= 3 && !ws[i].norm.endsWith('ly') ? i : i + 1;
  }
}

export function selectConcepts(concepts: ReadonlyMap<string, Candidate>, minFrequency: number, max: number): Candidate[] {
  const frequent = [...concepts.values()].filter((c) => c.count >= minFrequency);
  // Drop an n-gram that a longer frequent one contains as often (it never occurs on its own).
  const byKey = new Map(frequent.map((c) => [c.key, c]));
  const subsumed = new Set<string>();
  for (const c of frequent) {
    if (c.words < 2) continue;
    const parts = c.key.split(' ');
    for (let n = 1; n < parts.length; n++) {
      for (let a = 0; a + n <= parts.length; a++) {
        // Sub-n-gram keys fold only their last word; rebuild it that way.
        const sub = parts.slice(a, a + n);
        const key = [...sub.slice(0, -1), foldPlural(sub[sub.length - 1])].join(' ');
        const inner = byKey.get(key);
        if (inner && inner.count <= c.count) subsumed.add(key);
      }
    }
  }
  return frequent
    .filter((c) => !subsumed.has(c.key))
    .sort((x, y) => y.count * (1 + 0.5 * (y.words - 1)) - x.count * (1 + 0.5 * (x.words - 1)) || cmp(x.key, y.key))
    .slice(0, max);
}
