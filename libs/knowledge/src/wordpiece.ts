/**
 * BERT's WordPiece tokenizer, from a `vocab.txt` (one piece per line, the line number is the
 * id) or a Hugging Face `tokenizer.json` whose model is WordPiece, so sentence-transformer
 * models run without Python. It reproduces BERT's two stages:
 *
 *  1. Basic tokenization: drop NUL, U+FFFD and control/format characters; split on
 *     whitespace; make every CJK ideograph and every punctuation character (ASCII
 *     33–47, 58–64, 91–96, 123–126, or Unicode P*) a token of its own; for uncased
 *     vocabularies lowercase and strip accents (NFD, then drop non-spacing marks).
 *  2. WordPiece: greedy longest-match-first against the vocabulary, continuation pieces
 *     prefixed with `##`; a word with a piece not in the vocabulary, or longer than 100
 *     characters, becomes `[UNK]` whole.
 *
 * It also keeps each piece's offsets into the original text (normalisation is done one
 * character at a time to keep the alignment), so chunking can count in the model's tokens.
 */
import { createHash } from 'node:crypto';
import { EmbedderConfigError } from './knowledge-errors.js';
import type { TokenSpans, Tokenizer } from './tokenize.js';

export interface WordPieceOptions {
  /** Uncased vocabularies (bert-base-uncased, all-MiniLM-*): lowercase; default true. */
  readonly lowercase?: boolean;
  /** Default: same as `lowercase` (BERT's rule). */
  readonly stripAccents?: boolean;
  /** Split CJK ideographs into single characters; default true. */
  readonly handleChineseChars?: boolean;
  readonly unkToken?: string;
  readonly clsToken?: string;
  readonly sepToken?: string;
  readonly padToken?: string;
  readonly continuingSubwordPrefix?: string;
  /** Longer words (in code points) become `[UNK]`; default 100. */
  readonly maxInputCharsPerWord?: number;
}

/** Pieces of a text without special tokens: ids and their offsets into the text. */
export interface WordPieceEncoding extends TokenSpans {
  readonly ids: Int32Array;
}

/** BERT's _is_control: any Unicode category C* (Cc, Cf, Cs, Co, Cn); \t \n \r are whitespace first. */
const isControl = (ch: string) => /^\p{C}$/u.test(ch);
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || /^\p{Zs}$/u.test(ch);
function isPunctuation(cp: number, ch: string): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return cp >= 128 && /^\p{P}$/u.test(ch);
}
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
const MARKS = /\p{Mn}/gu;

// Character kinds of basic tokenization.
const DROP = 0;
const SPACE = 1;
const ALONE = 2; // punctuation or CJK: a token by itself
const WORD = 3;

function kindOf(cp: number, ch: string, handleCjk: boolean): number {
  if (cp < 128) {
    if (cp === 32 || cp === 9 || cp === 10 || cp === 13) return SPACE;
    if (cp === 0 || cp < 32 || cp === 127) return DROP;
    return isPunctuation(cp, ch) ? ALONE : WORD;
  }
  if (cp === 0xfffd) return DROP;
  if (isWhitespace(ch)) return SPACE;
  if (isControl(ch)) return DROP;
  if (isPunctuation(cp, ch) || (handleCjk && isCjk(cp))) return ALONE;
  return WORD;
}

export class WordPieceTokenizer implements Tokenizer {
  readonly id: string;
  readonly vocabSize: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly #vocab: ReadonlyMap<string, number>;
  readonly #pieces: readonly string[];
  readonly #lowercase: boolean;
  readonly #stripAccents: boolean;
  readonly #handleCjk: boolean;
  readonly #prefix: string;
  readonly #maxChars: number;

  constructor(vocab: ReadonlyMap<string, number>, options: WordPieceOptions = {}) {
    this.#vocab = vocab;
    const pieces: string[] = [];
    for (const [piece, id] of vocab) pieces[id] = piece;
    this.#pieces = pieces;
    this.vocabSize = vocab.size;
    this.#lowercase = options.lowercase ?? true;
    this.#stripAccents = options.stripAccents ?? this.#lowercase;
    this.#handleCjk = options.handleChineseChars ?? true;
    this.#prefix = options.continuingSubwordPrefix ?? '##';
    this.#maxChars = options.maxInputCharsPerWord ?? 100;
    const special = (token: string) => {
      const id = vocab.get(token);
      if (id === undefined) throw new EmbedderConfigError(`the vocabulary has no ${token} token`);
      return id;
    };
    this.unkId = special(options.unkToken ?? '[UNK]');
    this.clsId = special(options.clsToken ?? '[CLS]');
    this.sepId = special(options.sepToken ?? '[SEP]');
    this.padId = special(options.padToken ?? '[PAD]');
    const hash = createHash('sha256');
    for (const p of pieces) hash.update(`${p}\n`);
    this.id = `wordpiece-${this.#lowercase ? 'uncased' : 'cased'}-${hash.digest('hex').slice(0, 12)}`;
  }

  /** From `vocab.txt`: one piece per line, ids by line number (a trailing empty line is ignored). */
  static fromVocabText(text: string, options: WordPieceOptions = {}): WordPieceTokenizer {
    const lines = text.split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new EmbedderConfigError('vocab.txt is empty');
    const vocab = new Map<string, number>();
    // BERT's loader keeps the last id of a duplicated line; the first is as good and rarer to matter.
    lines.forEach((piece, id) => {
      if (!vocab.has(piece)) vocab.set(piece, id);
    });
    return new WordPieceTokenizer(vocab, options);
  }

  /**
   * From a Hugging Face `tokenizer.json` with a WordPiece model; its BertNormalizer settings
   * (lowercase, strip_accents, handle_chinese_chars) apply unless `overrides` says otherwise.
   */
  static fromTokenizerJson(json: unknown, overrides: WordPieceOptions = {}): WordPieceTokenizer {
    const root = json as {
      model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
      normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; handle_chinese_chars?: boolean } | null;
    };
    const model = root?.model;
    if (!model || model.type !== 'WordPiece' || typeof model.vocab !== 'object' || model.vocab === null) {
      throw new EmbedderConfigError(`tokenizer.json is not a WordPiece tokenizer (model.type ${JSON.stringify(model?.type)})`);
    }
    const norm = root.normalizer?.type === 'BertNormalizer' ? root.normalizer : undefined;
    const vocab = new Map<string, number>(Object.entries(model.vocab));
    return new WordPieceTokenizer(vocab, {
      lowercase: norm?.lowercase ?? true,
      stripAccents: norm?.strip_accents ?? undefined,
      handleChineseChars: norm?.handle_chinese_chars ?? true,
      unkToken: model.unk_token,
      continuingSubwordPrefix: model.continuing_subword_prefix,
      maxInputCharsPerWord: model.max_input_chars_per_word,
      ...overrides,
    });
  }

  /** The piece of an id (for tests and debugging). */
  piece(id: number): string {
    return this.#pieces[id] ?? '[?]';
  }

  spans(text: string): TokenSpans {
    return this.encode(text);
  }

  /**
   * Word pieces of `text` (no [CLS]/[SEP]), at most `maxPieces` (the rest is cut, as models
   * truncate). Offsets: a piece covers the original characters it came from (a character
   * that normalisation expanded into several (rare) goes to the piece it starts; a piece made
   * only of the rest of such a character is an empty span), so spans stay ordered.
   */
  encode(text: string, maxPieces = Number.MAX_SAFE_INTEGER): WordPieceEncoding {
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const n = text.length;
    let i = 0;
    let wordStart = -1;
    const flush = (end: number) => {
      if (wordStart >= 0) this.#wordPieces(text, wordStart, end, ids, starts, ends);
      wordStart = -1;
    };
    while (i < n && ids.length < maxPieces) {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const ch = width === 1 ? text[i] : text.slice(i, i + 2);
      const kind = kindOf(cp, ch, this.#handleCjk);
      if (kind === WORD) {
        if (wordStart < 0) wordStart = i;
      } else if (kind !== DROP) {
        // Dropped characters vanish without splitting a word (BERT's clean_text removes them first).
        flush(i);
        if (kind === ALONE) this.#wordPieces(text, i, i + width, ids, starts, ends);
      }
      i += width;
    }
    flush(i);
    const count = Math.min(ids.length, maxPieces);
    return { count, ids: Int32Array.from(ids.slice(0, count)), starts: Int32Array.from(starts.slice(0, count)), ends: Int32Array.from(ends.slice(0, count)) };
  }

  /** `[CLS] pieces… [SEP]` with the pieces cut so that the whole fits `maxLength` (≥ 2). */
  encodeForModel(text: string, maxLength: number): Int32Array {
    const pieces = this.encode(text, Math.max(0, maxLength - 2));
    const out = new Int32Array(pieces.count + 2);
    out[0] = this.clsId;
    out.set(pieces.ids, 1);
    out[pieces.count + 1] = this.sepId;
    return out;
  }

  /** Normalises one basic token `text[start, end)` and appends its word pieces. */
  #wordPieces(text: string, start: number, end: number, ids: number[], starts: number[], ends: number[]): void {
    // norm[k] came from the original character at origin[k].
    let norm = '';
    const origin: number[] = [];
    let ascii = true; // the common case: one normalised character per original one
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128 || c < 32 || c === 127) ascii = false;
    }
    if (ascii) {
      norm = this.#lowercase ? text.slice(start, end).toLowerCase() : text.slice(start, end);
      for (let i = start; i < end; i++) origin.push(i);
    } else {
      for (let i = start; i < end; ) {
        const cp = text.codePointAt(i)!;
        const width = cp > 0xffff ? 2 : 1;
        let c = text.slice(i, i + width);
        if (kindOf(cp, c, this.#handleCjk) === DROP) c = '';
        if (this.#lowercase) c = c.toLowerCase();
        if (this.#stripAccents) c = c.normalize('NFD').replace(MARKS, '');
        norm += c;
        for (let k = 0; k < c.length; k++) origin.push(i);
        i += width;
      }
      if (norm.length === 0) return; // only combining marks or dropped characters
    }
    const chars = [...norm].length;
    if (chars > this.#maxChars) {
      ids.push(this.unkId);
      starts.push(start);
      ends.push(end);
      return;
    }
    const pieceIds: number[] = [];
    const cuts: number[] = [0];
    let pos = 0;
    while (pos < norm.length) {
      let stop = norm.length;
      let found = -1;
      while (stop > pos) {
        const sub = (pos > 0 ? this.#prefix : '') + norm.slice(pos, stop);
        const id = this.#vocab.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        stop--;
        // Never cut a surrogate pair.
        const c = norm.charCodeAt(stop);
        if (c >= 0xdc00 && c <= 0xdfff && stop > pos) stop--;
      }
      if (found < 0) {
        ids.push(this.unkId);
        starts.push(start);
        ends.push(end);
        return;
      }
      pieceIds.push(found);
      cuts.push(stop);
      pos = stop;
    }
    // A piece covers the original characters from its first character's origin to the next piece's.
    for (let p = 0; p < pieceIds.length; p++) {
      ids.push(pieceIds[p]);
      starts.push(p === 0 ? start : origin[cuts[p]]);
      ends.push(p + 1 < pieceIds.length ? origin[cuts[p + 1]] : end);
    }
  }
}
