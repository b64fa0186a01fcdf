/**
 * Which entities a search query may name, without a database: every run of 1..maxWords
 * consecutive words of the query, keyed the way entities are (`normalizeEntityName`), both as
 * written and lowercased (a capitalised last word is not folded to the singular, so "Wars"
 * and "wars" key differently). The graph leg looks these keys up in the namespace's entities
 * and keeps the longest runs that name one.
 */
import { normalizeEntityName } from './extract.js';
import { isWordToken, wordSpans } from './tokenize.js';

export interface QueryEntityOptions {
  /** Longest run of words tried, default 4. */
  readonly maxWords?: number;
  /** Candidates returned at most (longest runs first), default 64. */
  readonly maxKeys?: number;
}

/** A run of words of the query and the entity key it would have. */
export interface QueryEntityCandidate {
  readonly key: string;
  /** UTF-16 offsets of the run in the query. */
  readonly start: number;
  readonly end: number;
  readonly words: number;
}

/** Candidate runs, longest first (a key may appear for several runs). */
export function queryEntityCandidates(query: string, options: QueryEntityOptions = {}): QueryEntityCandidate[] {
  const maxWords = options.maxWords ?? 4;
  const maxKeys = options.maxKeys ?? 64;
  const spans = wordSpans(query);
  // Word tokens only, split into runs at punctuation (a name does not cross a comma).
  const runs: { start: number; end: number }[][] = [[]];
  for (let i = 0; i < spans.count; i++) {
    if (isWordToken(query, spans.starts[i])) runs[runs.length - 1].push({ start: spans.starts[i], end: spans.ends[i] });
    else if (runs[runs.length - 1].length) runs.push([]);
  }
  const out: QueryEntityCandidate[] = [];
  for (let n = maxWords; n >= 1; n--) {
    for (const run of runs) {
      for (let a = 0; a + n <= run.length; a++) {
        const start = run[a].start;
        const end = run[a + n - 1].end;
        const surface = query.slice(start, end);
        for (const key of new Set([normalizeEntityName(surface), normalizeEntityName(surface.toLowerCase())])) {
          if (key) out.push({ key, start, end, words: n });
          if (out.length >= maxKeys) return out;
        }
      }
    }
  }
  return out;
}

/** The distinct keys of `queryEntityCandidates`. */
export function queryEntityKeys(query: string, options: QueryEntityOptions = {}): string[] {
  return [...new Set(queryEntityCandidates(query, options).map((c) => c.key))];
}

/**
 * The entities a query names, given which candidate keys exist: greedy longest match, so
 * "United Nations" names the organisation and not also "united" and "nation".
 */
export function longestMentions(candidates: readonly QueryEntityCandidate[], exists: (key: string) => boolean): string[] {
  const taken: [number, number][] = [];
  const keys = new Set<string>();
  for (const c of [...candidates].sort((x, y) => y.words - x.words || x.start - y.start)) {
    if (!exists(c.key) || taken.some(([s, e]) => c.start < e && s < c.end)) continue;
    taken.push([c.start, c.end]);
    keys.add(c.key);
  }
  return [...keys];
}
