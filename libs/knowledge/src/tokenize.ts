/**
 * Tokens for chunking and counting, and the sentence boundaries built on them.
 *
 * A **token** of the default `wordTokenizer` is one of:
 *  - a *word*: a maximal run of letters, combining marks, digits and `_` (Unicode \p{L}\p{M}\p{N}),
 *    kept whole across an apostrophe or hyphen between two word characters ("don't",
 *    "state-of-the-art") and across `.` or `,` between two digits ("3.14", "1,000");
 *  - a *symbol*: any other single character that is not whitespace (punctuation, `$`, an
 *    emoji — one code point).
 * Whitespace separates tokens and is never one. This is deliberately cheap (one pass, no
 * allocation per token). A BERT WordPiece tokenizer never yields fewer tokens for the same
 * text (it splits at every apostrophe and hyphen and cuts words into pieces, though it drops
 * control characters), so a chunk that must fit a model's window is chunked with that model's
 * own tokenizer (`WordPieceTokenizer` implements the same `Tokenizer` interface).
 */

/** Token offsets into the source text, in UTF-16 code units (what `String.prototype.slice` takes). */
export interface TokenSpans {
  readonly count: number;
  /** `starts[i]` ≤ `ends[i]` ≤ `starts[i + 1]`: in order and non-overlapping. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** Anything that cuts text into tokens with offsets: the word tokenizer here, or a model's WordPiece. */
export interface Tokenizer {
  /** Names the scheme, e.g. `words-v1` or `wordpiece:<vocab hash>`; chunk token counts are in its units. */
  readonly id: string;
  spans(text: string): TokenSpans;
}

export type TokenKind = 'word' | 'symbol';

export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly kind: TokenKind;
}

// Character classes: 0 whitespace, 1 word, 2 symbol. ASCII through a table, the rest by regex.
const SPACE = 0;
const WORD = 1;
const SYMBOL = 2;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = /\s/.test(ch) ? SPACE : /[A-Za-z0-9_]/.test(ch) ? WORD : SYMBOL;
}
const WORD_RE = /^[\p{L}\p{M}\p{N}_]$/u;
const SPACE_RE = /^\s$/u;

function classOfCodePoint(cp: number): number {
  if (cp < 128) return ASCII_CLASS[cp];
  const ch = String.fromCodePoint(cp);
  return WORD_RE.test(ch) ? WORD : SPACE_RE.test(ch) ? SPACE : SYMBOL;
}

/** Code point at `i` (a lone surrogate is returned as itself). */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** ' ’ - ‐ join two word characters. */
const isWordJoiner = (c: number) => c === 39 || c === 0x2019 || c === 45 || c === 0x2010;

/** Growable pair of offset arrays. */
class SpanBuffer {
  count = 0;
  starts: Int32Array;
  ends: Int32Array;
  constructor(capacity: number) {
    this.starts = new Int32Array(Math.max(16, capacity));
    this.ends = new Int32Array(Math.max(16, capacity));
  }
  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
  done(): TokenSpans {
    return { count: this.count, starts: this.starts.subarray(0, this.count), ends: this.ends.subarray(0, this.count) };
  }
}

/** Word/symbol token spans of `text` (see the module header for what a token is). */
export function wordSpans(text: string): TokenSpans {
  const n = text.length;
  const out = new SpanBuffer(Math.min(n, 1 << 16) >> 2);
  let i = 0;
  while (i < n) {
    const cp = codePointAt(text, i);
    const width = cp > 0xffff ? 2 : 1;
    const cls = classOfCodePoint(cp);
    if (cls === SPACE) {
      i += width;
      continue;
    }
    if (cls === SYMBOL) {
      out.push(i, i + width);
      i += width;
      continue;
    }
    const start = i;
    i += width;
    while (i < n) {
      const c = codePointAt(text, i);
      const w = c > 0xffff ? 2 : 1;
      const k = classOfCodePoint(c);
      if (k === WORD) {
        i += w;
        continue;
      }
      // A joiner is kept only between two word characters; . and , only between two digits.
      if (i + 1 < n) {
        const next = codePointAt(text, i + 1);
        if (isWordJoiner(c) && classOfCodePoint(next) === WORD) {
          i += 1 + (next > 0xffff ? 2 : 1);
          continue;
        }
        if ((c === 46 || c === 44) && isDigit(text.charCodeAt(i - 1)) && isDigit(next)) {
          i += 2;
          continue;
        }
      }
      break;
    }
    out.push(start, i);
  }
  return out.done();
}

/** The default tokenizer: words and single symbols, as described in the module header. */
export const wordTokenizer: Tokenizer = { id: 'words-v1', spans: wordSpans };

/** Tokens with their text and kind; convenient, but `wordSpans` is what hot paths use. */
export function tokenize(text: string): Token[] {
  const s = wordSpans(text);
  const tokens: Token[] = new Array(s.count);
  for (let i = 0; i < s.count; i++) {
    const t = text.slice(s.starts[i], s.ends[i]);
    tokens[i] = { text: t, start: s.starts[i], end: s.ends[i], kind: classOfCodePoint(codePointAt(t, 0)) === WORD ? 'word' : 'symbol' };
  }
  return tokens;
}

/** Number of tokens of `text` under `tokenizer` (default: words and symbols). */
export function countTokens(text: string, tokenizer: Tokenizer = wordTokenizer): number {
  return tokenizer.spans(text).count;
}

/** True when the token starts with a letter, digit or `_`. */
export function isWordToken(text: string, start: number): boolean {
  return classOfCodePoint(codePointAt(text, start)) === WORD;
}

/**
 * How good a place the gap before a token is to cut text: the chunker prefers higher scores,
 * sentence splitting cuts at SENTENCE and above.
 */
export const BoundaryScore = {
  /** No whitespace before the token: inside a word (WordPiece) or punctuation glued to a word. */
  INSIDE: -1,
  WORD: 0,
  /** After , ; : or a closing bracket. */
  CLAUSE: 1,
  /** A single line break. */
  LINE: 2,
  SENTENCE: 3,
  /** A blank line. */
  PARAGRAPH: 4,
} as const;
export type BoundaryScore = (typeof BoundaryScore)[keyof typeof BoundaryScore];

/** Abbreviations after which a period does not end a sentence (compared case-insensitively). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'gen', 'col', 'capt', 'lt', 'sgt', 'gov', 'sen', 'rep', 'pres',
  'rev', 'hon', 'vs', 'etc', 'e.g', 'i.e', 'cf', 'al', 'fig', 'no', 'vol', 'inc', 'ltd', 'co', 'corp', 'jan', 'feb', 'mar',
  'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'approx', 'dept', 'est',
]);
const TERMINALS = new Set(['.', '!', '?', '…']);
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '»']);
const CLAUSE_ENDS = new Set([',', ';', ':', ')', ']', '—', '–']);

/**
 * `scores[i]` rates cutting before token `i` (`scores[0]` is PARAGRAPH: the text start).
 * Works on any tokenizer's spans: it looks only at token texts and the gaps between them.
 */
export function boundaryScores(text: string, spans: TokenSpans): Int8Array {
  const { count, starts, ends } = spans;
  const scores = new Int8Array(count);
  if (count > 0) scores[0] = BoundaryScore.PARAGRAPH;
  for (let i = 1; i < count; i++) {
    const gapStart = ends[i - 1];
    const gapEnd = starts[i];
    if (gapStart === gapEnd) {
      scores[i] = BoundaryScore.INSIDE;
      continue;
    }
    let newlines = 0;
    for (let g = gapStart; g < gapEnd; g++) if (text.charCodeAt(g) === 10) newlines++;
    if (newlines >= 2) {
      scores[i] = BoundaryScore.PARAGRAPH;
      continue;
    }
    if (endsSentence(text, spans, i)) {
      scores[i] = BoundaryScore.SENTENCE;
      continue;
    }
    if (newlines === 1) {
      scores[i] = BoundaryScore.LINE;
      continue;
    }
    scores[i] = CLAUSE_ENDS.has(text.slice(starts[i - 1], ends[i - 1])) ? BoundaryScore.CLAUSE : BoundaryScore.WORD;
  }
  return scores;
}

/** Does a sentence end in the (whitespace) gap before token `i`? */
function endsSentence(text: string, spans: TokenSpans, i: number): boolean {
  const { starts, ends } = spans;
  // Step back over closing quotes and brackets glued to the terminal: `stop.")`.
  let j = i - 1;
  while (j > 0 && CLOSERS.has(text.slice(starts[j], ends[j])) && starts[j] === ends[j - 1]) j--;
  const terminal = text.slice(starts[j], ends[j]);
  if (!TERMINALS.has(terminal)) return false;
  // The next token must not start lowercase ("e.g. this", "approx. ten").
  const next = text.charAt(starts[i]);
  if (next !== next.toUpperCase()) return false;
  if (terminal !== '.' || j === 0 || starts[j] !== ends[j - 1]) return true;
  // A period glued to an abbreviation or to a single capital (an initial: "Harry S. Truman").
  const word = text.slice(starts[j - 1], ends[j - 1]);
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  if (word.length === 1 && word !== word.toLowerCase()) return false;
  // "e.g." / "i.e." / "U.S." tokenise as letter . letter .
  if (word.length === 1 && j >= 2 && text.slice(starts[j - 2], ends[j - 2]) === '.' && starts[j - 1] === ends[j - 2]) return false;
  return true;
}

export interface SentenceSpan {
  readonly start: number;
  readonly end: number;
  /** Token range of the sentence in the spans it was cut from. */
  readonly tokenStart: number;
  readonly tokenEnd: number;
}

/** Sentences of `text`: cut at sentence ends and blank lines (see `boundaryScores`). */
export function sentenceSpans(text: string, spans: TokenSpans = wordSpans(text)): SentenceSpan[] {
  const scores = boundaryScores(text, spans);
  const out: SentenceSpan[] = [];
  let first = 0;
  for (let i = 1; i <= spans.count; i++) {
    if (i === spans.count || scores[i] >= BoundaryScore.SENTENCE) {
      out.push({ start: spans.starts[first], end: spans.ends[i - 1], tokenStart: first, tokenEnd: i });
      first = i;
    }
  }
  return out;
}
