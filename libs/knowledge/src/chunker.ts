/**
 * Token-aware chunking with overlap: a document becomes chunks of at most `maxTokens` tokens
 * (of the word tokenizer, or of the embedding model's own tokenizer when it has one), cut
 * where the text has structure — a blank line, then a sentence end, a line break, a clause
 * end, a space — and never inside a word unless a single word is longer than a chunk.
 *
 * Greedy: from the chunk's first token, look at the window of the next `maxTokens` tokens and
 * cut at the best boundary in its second half (the latest one among equally good ones), so a
 * chunk holds at least half a window unless the document ends. The next chunk starts
 * `overlapTokens` tokens before the cut (moved back to the start of a word if that falls
 * inside one), so the context around each cut appears in both chunks.
 */
import { checkInt, DocumentTooLargeError, KnowledgeInputError } from './knowledge-errors.js';
import { boundaryScores, BoundaryScore, wordTokenizer, type Tokenizer } from './tokenize.js';

export interface Chunk {
  /** Position of the chunk in its document, from 0. */
  readonly index: number;
  /** `source.slice(charStart, charEnd)`: from the first token's start to the last token's end. */
  readonly text: string;
  /** Offsets into the source text in UTF-16 code units. */
  readonly charStart: number;
  readonly charEnd: number;
  /** Token range `[tokenStart, tokenEnd)` in the tokenizer's tokens of the whole source. */
  readonly tokenStart: number;
  readonly tokenEnd: number;
  readonly tokenCount: number;
}

export interface ChunkOptions {
  /** Tokens per chunk at most, 1..8192; default 256. */
  readonly maxTokens?: number;
  /** Tokens repeated from the end of one chunk at the start of the next, 0..maxTokens-1; default 32 (capped at maxTokens-1). */
  readonly overlapTokens?: number;
  /** Largest document in UTF-8 bytes, checked before any work; default DEFAULT_MAX_DOCUMENT_BYTES. */
  readonly maxBytes?: number;
  /** Default `wordTokenizer`; pass the embedder's tokenizer so chunks fit its window. */
  readonly tokenizer?: Tokenizer;
}

export const DEFAULT_MAX_TOKENS = 256;
export const DEFAULT_OVERLAP_TOKENS = 32;
export const MAX_CHUNK_TOKENS = 8192;
/** 10 MiB: a long book is ~1–3 MB of text; larger uploads are more likely mistakes (or abuse). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/**
 * Throws DocumentTooLargeError when `text` is over `maxBytes` of UTF-8. Cheap for typical
 * sizes: a UTF-16 code unit is 1–3 UTF-8 bytes, so the exact count is only taken near the limit.
 */
export function checkDocumentSize(text: string, maxBytes: number = DEFAULT_MAX_DOCUMENT_BYTES): void {
  if (text.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new DocumentTooLargeError(bytes, maxBytes);
}

/**
 * Cuts `text` into chunks (see the module header). Throws KnowledgeInputError for a
 * non-string, empty or whitespace-only text or bad options, DocumentTooLargeError (code
 * PAYLOAD_TOO_LARGE) for a text over `maxBytes`.
 */
export function chunkText(text: string, options: ChunkOptions = {}): Chunk[] {
  if (typeof text !== 'string') throw new KnowledgeInputError(`text must be a string, got ${typeof text}`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  checkInt('maxBytes', maxBytes, 1, Number.MAX_SAFE_INTEGER);
  checkDocumentSize(text, maxBytes);
  const maxTokens = checkInt('maxTokens', options.maxTokens ?? DEFAULT_MAX_TOKENS, 1, MAX_CHUNK_TOKENS);
  const overlap = checkInt('overlapTokens', options.overlapTokens ?? Math.min(DEFAULT_OVERLAP_TOKENS, maxTokens - 1), 0, maxTokens - 1);
  if (text.length === 0) throw new KnowledgeInputError('text is empty');

  const tokenizer = options.tokenizer ?? wordTokenizer;
  const spans = tokenizer.spans(text);
  const n = spans.count;
  if (n === 0) throw new KnowledgeInputError('text has no tokens (it is only whitespace or control characters)');
  const scores = boundaryScores(text, spans);
  // A chunk holds at least half a window, and more than the overlap so that every chunk advances.
  const minTokens = Math.max(Math.ceil(maxTokens / 2), overlap + 1);

  const chunks: Chunk[] = [];
  let start = 0;
  for (;;) {
    let end: number;
    if (n - start <= maxTokens) {
      end = n;
    } else {
      end = start + maxTokens;
      let best: number = scores[end];
      for (let p = end - 1; p >= start + minTokens && best < BoundaryScore.PARAGRAPH; p--) {
        if (scores[p] > best) {
          best = scores[p];
          end = p;
        }
      }
    }
    const charStart = spans.starts[start];
    const charEnd = spans.ends[end - 1];
    chunks.push({
      index: chunks.length,
      text: text.slice(charStart, charEnd),
      charStart,
      charEnd,
      tokenStart: start,
      tokenEnd: end,
      tokenCount: end - start,
    });
    if (end === n) return chunks;
    let next = Math.max(end - overlap, start + 1);
    // Do not start inside a word (WordPiece continuation or glued punctuation) if avoidable.
    while (next > start + 1 && scores[next] === BoundaryScore.INSIDE) next--;
    start = next;
  }
}
