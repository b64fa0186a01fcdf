/**
 * Text embedders: one interface, a deterministic feature-hashing embedder that needs no model
 * (the default), and the choice between it and a local sentence-transformer ONNX model
 * (`onnx-embedder.ts`) from configuration.
 *
 * The hashing embedder is lexical, not semantic: texts that share words, word pairs or word
 * fragments come out close; synonyms ("car"/"automobile") do not. It is a sound baseline for
 * keyword-heavy retrieval and for tests, and it makes the pipeline work with no model files.
 */
import { checkInt, EmbeddingDimensionError, KnowledgeInputError } from './knowledge-errors.js';
import { OnnxSentenceEmbedder, type OnnxEmbedderOptions } from './onnx-embedder.js';
import { STOPWORDS } from './stopwords.js';
import type { Tokenizer } from './tokenize.js';

export interface Embedder {
  /** Names the embedding space: vectors from embedders with different ids are not comparable. */
  readonly id: string;
  readonly dimension: number;
  /** One L2-normalised vector of `dimension` floats per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** The model's tokenizer when it has a window to respect: chunk with it (see `chunkText`). */
  readonly tokenizer?: Tokenizer;
  /** Largest input in `tokenizer` tokens; longer texts are truncated by the embedder. */
  readonly maxInputTokens?: number;
}

export const DEFAULT_EMBEDDING_DIMENSION = 384;
export const MAX_EMBEDDING_DIMENSION = 16_384;

/**
 * Throws EmbeddingDimensionError (BAD_USER_INPUT, details {expected, actual, context}) unless
 * `actual` — a dimension, a vector or an embedder — has `expected` dimensions. The database
 * layer calls it wherever vectors meet a namespace, whose dimension is fixed at creation.
 */
export function assertEmbeddingDimension(expected: number, actual: number | ArrayLike<number> | Pick<Embedder, 'dimension'>, context = 'namespace'): void {
  const got = typeof actual === 'number' ? actual : 'dimension' in actual ? actual.dimension : actual.length;
  if (got !== expected) throw new EmbeddingDimensionError(expected, got, context);
}

/** Dot product; equals cosine similarity for the L2-normalised vectors embedders return. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new EmbeddingDimensionError(a.length, b.length, 'dot product');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ab = dot(a, b);
  const aa = dot(a, a);
  const bb = dot(b, b);
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Scales `v` in place to unit length (a zero vector stays zero) and returns it. */
export function l2Normalize<T extends Float32Array | Float64Array>(v: T): T {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Feature hashing

/** Per-feature-family seeds, so the word "cat" and the character 3-gram "cat" land apart. */
const SEED_WORD = 0x811c9dc5;
const SEED_CHAR = 0x050c5d1f;
const SEED_BIGRAM = 0x2f0b3c57;
const FNV_PRIME = 16777619;
/** Weights: a content word counts 1, a pair of consecutive content words 0.7, a stopword 0.1. */
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
const STOPWORD_WEIGHT = 0.1;
const CHAR_NGRAM_MIN = 3;
const CHAR_NGRAM_MAX = 5;

/** Murmur3's finaliser: spreads FNV's weak low bits over all 32. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Characters 3..5-grams per padded word length P = length + 2 ("<word>"). */
function ngramCount(p: number): number {
  let c = 0;
  for (let n = CHAR_NGRAM_MIN; n <= CHAR_NGRAM_MAX; n++) c += Math.max(0, p - n + 1);
  return c;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

export interface HashingEmbedderOptions {
  /** 1..16384, default 384 (the size of common small sentence-transformers, so tables fit both). */
  readonly dimension?: number;
}

/**
 * `hashing-ngram-v1`: signed feature hashing (Weinberger et al. 2009) of
 *  - lowercased word tokens (weight 1; stopwords 0.1),
 *  - pairs of consecutive content words, stopwords skipped ("state of the union" → "state union"; 0.7),
 *  - character 3-, 4- and 5-grams of each content word padded as `<word>`, each weighted
 *    1/√(its word's n-gram count) so a word's fragments together weigh about as much as the word,
 * into `dimension` buckets (bucket and sign from one 32-bit hash: FNV-1a then murmur3's
 * finaliser), then L2-normalised. Words are the tokenizer's word tokens (letters/digits,
 * apostrophes and hyphens inside). A text with no word token maps to the zero vector.
 * Deterministic across processes and platforms; the id includes the dimension.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  #acc: Float64Array;

  constructor(options: HashingEmbedderOptions = {}) {
    this.dimension = checkInt('dimension', options.dimension ?? DEFAULT_EMBEDDING_DIMENSION, 1, MAX_EMBEDDING_DIMENSION);
    this.id = `hashing-ngram-v1-d${this.dimension}`;
    this.#acc = new Float64Array(this.dimension);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new KnowledgeInputError('embed takes an array of texts');
    return texts.map((t) => this.embedOne(t));
  }

  /** Synchronous form of `embed` for one text. */
  embedOne(text: string): Float32Array {
    if (typeof text !== 'string') throw new KnowledgeInputError(`text must be a string, got ${typeof text}`);
    const acc = this.#acc;
    acc.fill(0);
    const dim = this.dimension;
    const add = (h: number, w: number) => {
      const x = fmix32(h);
      acc[(x >>> 1) % dim] += x & 1 ? -w : w;
    };
    const lower = text.toLowerCase();
    // Words: same rule as wordSpans (runs of letters/digits/_ with inner ' ’ - and digit . ,),
    // re-scanned here on the lowercased text to avoid a slice per token. toLowerCase can change
    // the length of a few characters (İ), which only shifts where words are cut in such text.
    const n = lower.length;
    let prevContent = -1; // FNV hash of the previous content word, or -1
    let i = 0;
    while (i < n) {
      const c = lower.charCodeAt(i);
      if (!isWordCode(lower, i, c)) {
        i++;
        continue;
      }
      const start = i;
      i = wordEnd(lower, i);
      let h = SEED_WORD;
      for (let k = start; k < i; k++) h = Math.imul(h ^ lower.charCodeAt(k), FNV_PRIME);
      const len = i - start;
      if (len <= 12 && STOPWORDS.has(lower.slice(start, i))) {
        add(h, STOPWORD_WEIGHT);
        continue;
      }
      add(h, WORD_WEIGHT);
      if (prevContent !== -1) add(Math.imul(prevContent, 0x9e3779b1) ^ h ^ SEED_BIGRAM, BIGRAM_WEIGHT);
      prevContent = h >>> 0;
      // Character n-grams of "<word>": positions 0 ('<') .. len + 1 ('>').
      const p = len + 2;
      const w = 1 / Math.sqrt(ngramCount(p));
      for (let s = 0; s + CHAR_NGRAM_MIN <= p; s++) {
        let g = SEED_CHAR;
        const last = Math.min(p, s + CHAR_NGRAM_MAX);
        for (let e = s; e < last; e++) {
          const ch = e === 0 ? 60 : e === p - 1 ? 62 : lower.charCodeAt(start + e - 1);
          g = Math.imul(g ^ ch, FNV_PRIME);
          if (e - s + 1 >= CHAR_NGRAM_MIN) add(g, w);
        }
      }
    }
    const out = new Float32Array(dim);
    let sq = 0;
    for (let d = 0; d < dim; d++) sq += acc[d] * acc[d];
    if (sq > 0) {
      const inv = 1 / Math.sqrt(sq);
      for (let d = 0; d < dim; d++) out[d] = acc[d] * inv;
    }
    return out;
  }
}

function isWordCode(text: string, i: number, c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95;
  if (c >= 0xd800 && c <= 0xdbff) return WORD_CHAR.test(text.slice(i, i + 2));
  return c >= 0xdc00 && c <= 0xdfff ? false : WORD_CHAR.test(text[i]) || /\p{M}/u.test(text[i]);
}

/** End of the word starting at `i` (see wordSpans for the joining rules). */
function wordEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isWordCode(text, i, c)) {
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      continue;
    }
    if (i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if ((c === 39 || c === 0x2019 || c === 45 || c === 0x2010) && isWordCode(text, i + 1, next)) {
        i += 2;
        continue;
      }
      if ((c === 46 || c === 44) && i > 0 && isDigitCode(text.charCodeAt(i - 1)) && isDigitCode(next)) {
        i += 2;
        continue;
      }
    }
    break;
  }
  return i;
}

const isDigitCode = (c: number) => c >= 48 && c <= 57;

// ---------------------------------------------------------------------------------------------
// Configuration

export type EmbedderConfig =
  | { readonly kind: 'hashing'; readonly dimension?: number }
  | ({ readonly kind: 'onnx'; readonly modelDir: string; readonly dimension?: number } & Omit<OnnxEmbedderOptions, 'modelDir'>);

/**
 * The embedder a configuration names. For `onnx`, `dimension` (when given) is what the caller
 * expects — e.g. the namespace's — and a model of another size is refused with
 * EmbeddingDimensionError; model problems are EmbedderConfigError.
 */
export async function createEmbedder(config: EmbedderConfig = { kind: 'hashing' }): Promise<Embedder> {
  switch (config.kind) {
    case 'hashing':
      return new HashingEmbedder({ dimension: config.dimension });
    case 'onnx': {
      const { kind: _kind, dimension, ...options } = config;
      const embedder = await OnnxSentenceEmbedder.load(options);
      if (dimension !== undefined && dimension !== embedder.dimension) {
        await embedder.close();
        throw new EmbeddingDimensionError(dimension, embedder.dimension, `the model in ${config.modelDir}`);
      }
      return embedder;
    }
    default:
      throw new KnowledgeInputError(`unknown embedder kind ${JSON.stringify((config as { kind: unknown }).kind)}; expected 'hashing' or 'onnx'`);
  }
}
