import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@aivillage/errors';
import { chunkText, type Chunk } from './chunker.js';
import { DocumentTooLargeError, KnowledgeInputError } from './knowledge-errors.js';
import { wordSpans, type Tokenizer } from './tokenize.js';
import { WordPieceTokenizer } from './wordpiece.js';

/** Sentences of 4–12 words (plus the period), in paragraphs of five sentences: ~1,000 tokens for 120. */
function prose(sentences = 120): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const words = Array.from({ length: 4 + ((i * 7) % 9) }, (_, k) => `${k === 0 ? 'W' : 'w'}${i}x${k}`);
    current.push(`${words.join(' ')}.`);
    if (current.length === 5) {
      paragraphs.push(current.join(' '));
      current = [];
    }
  }
  if (current.length) paragraphs.push(current.join(' '));
  return paragraphs.join('\n\n');
}

function checkInvariants(text: string, chunks: Chunk[], max: number): void {
  const spans = wordSpans(text);
  assert.equal(chunks[0].tokenStart, 0);
  assert.equal(chunks[chunks.length - 1].tokenEnd, spans.count);
  chunks.forEach((c, i) => {
    assert.equal(c.index, i);
    assert.equal(c.text, text.slice(c.charStart, c.charEnd));
    assert.equal(c.tokenCount, c.tokenEnd - c.tokenStart);
    assert.ok(c.tokenCount >= 1 && c.tokenCount <= max, `chunk ${i} has ${c.tokenCount} tokens`);
    assert.equal(c.charStart, spans.starts[c.tokenStart]);
    assert.equal(c.charEnd, spans.ends[c.tokenEnd - 1]);
    if (i > 0) {
      // Every token is covered, chunks advance.
      assert.ok(c.tokenStart <= chunks[i - 1].tokenEnd, `gap before chunk ${i}`);
      assert.ok(c.tokenStart > chunks[i - 1].tokenStart);
    }
  });
}

test('chunks cover the text in order, at most maxTokens each, with offsets and counts that match the source', () => {
  const text = prose();
  const chunks = chunkText(text, { maxTokens: 100, overlapTokens: 10 });
  assert.ok(chunks.length >= 12, `${chunks.length} chunks`);
  checkInvariants(text, chunks, 100);
});

test('consecutive chunks share exactly overlapTokens tokens', () => {
  const text = prose();
  const chunks = chunkText(text, { maxTokens: 64, overlapTokens: 16 });
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i - 1].tokenEnd - chunks[i].tokenStart, 16);
  const none = chunkText(text, { maxTokens: 64, overlapTokens: 0 });
  for (let i = 1; i < none.length; i++) assert.equal(none[i].tokenStart, none[i - 1].tokenEnd);
});

test('chunks end at paragraph breaks, else sentence ends, when one is in the second half of the window', () => {
  const text = prose();
  const chunks = chunkText(text, { maxTokens: 90, overlapTokens: 0 });
  for (const c of chunks.slice(0, -1)) {
    assert.ok(c.text.endsWith('.'), `chunk ${c.index} ends mid-sentence: …${c.text.slice(-20)}`);
  }
  // With windows longer than a paragraph (~45 tokens here), every cut is at a blank line.
  const long = chunkText(text, { maxTokens: 200, overlapTokens: 0 });
  for (const c of long.slice(0, -1)) assert.match(text.slice(c.charEnd, c.charEnd + 2), /^\n\n/);
});

test('a text without any boundary is cut at the window, and a short text is one chunk', () => {
  const text = Array.from({ length: 50 }, (_, i) => `t${i}`).join(' ');
  const chunks = chunkText(text, { maxTokens: 20, overlapTokens: 5 });
  assert.deepEqual(chunks.map((c) => [c.tokenStart, c.tokenEnd]), [[0, 20], [15, 35], [30, 50]]);
  assert.deepEqual(chunkText('Just one sentence.'), [
    { index: 0, text: 'Just one sentence.', charStart: 0, charEnd: 18, tokenStart: 0, tokenEnd: 4, tokenCount: 4 },
  ]);
  // Leading and trailing whitespace are not part of any chunk.
  assert.equal(chunkText('  \n hello world \n')[0].text, 'hello world');
});

test('defaults are 256 tokens with 32 of overlap', () => {
  const text = prose(200);
  const chunks = chunkText(text);
  checkInvariants(text, chunks, 256);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i - 1].tokenEnd - chunks[i].tokenStart, 32);
});

test('empty and whitespace-only texts are rejected with BAD_USER_INPUT', () => {
  for (const text of ['', '   \n\t ']) {
    assert.throws(() => chunkText(text), (e: unknown) => e instanceof KnowledgeInputError && e.code === ErrorCode.BAD_USER_INPUT);
  }
  assert.throws(() => chunkText('', {}), /empty/);
  assert.throws(() => chunkText(42 as unknown as string), /must be a string/);
});

test('the size limit is checked before any work and names the limit', () => {
  let tokenized = 0;
  const spy: Tokenizer = { id: 'spy', spans: (t) => (tokenized++, wordSpans(t)) };
  const text = 'é'.repeat(600); // 1,200 bytes of UTF-8 in 600 code units
  assert.throws(
    () => chunkText(text, { maxBytes: 1000, tokenizer: spy }),
    (e: unknown) => {
      assert.ok(e instanceof DocumentTooLargeError);
      assert.equal(e.code, ErrorCode.PAYLOAD_TOO_LARGE);
      assert.match(e.message, /1200 bytes .*limit is 1000 bytes/);
      assert.deepEqual(e.details, { sizeBytes: 1200, limitBytes: 1000 });
      return true;
    },
  );
  assert.equal(tokenized, 0);
  assert.equal(chunkText(text, { maxBytes: 1200, tokenizer: spy }).length, 1);
});

test('bad options are rejected with the option named', () => {
  assert.throws(() => chunkText('a b', { maxTokens: 0 }), /maxTokens must be an integer in \[1, 8192\]/);
  assert.throws(() => chunkText('a b', { maxTokens: 10, overlapTokens: 10 }), /overlapTokens must be an integer in \[0, 9\]/);
  assert.throws(() => chunkText('a b', { maxTokens: 2.5 }), KnowledgeInputError);
  // A tiny window caps the default overlap instead of failing.
  assert.equal(chunkText('a b c d', { maxTokens: 2 }).length, 3);
});

test('chunking in WordPiece tokens counts pieces and does not start a chunk inside a word when it can avoid it', () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'un', '##believ', '##able', 'play', '##ing', 'the', 'game', '.'];
  const wp = WordPieceTokenizer.fromVocabText(vocab.join('\n'));
  const text = Array.from({ length: 30 }, () => 'Unbelievable playing the game.').join(' ');
  const chunks = chunkText(text, { tokenizer: wp, maxTokens: 16, overlapTokens: 4 });
  for (const c of chunks) {
    assert.ok(c.tokenCount <= 16);
    assert.equal(wp.encode(c.text).count, c.tokenCount, `chunk ${c.index} re-tokenises to its count`);
    assert.match(c.text, /^[A-Za-z]/);
  }
  assert.equal(chunks[chunks.length - 1].tokenEnd, wp.encode(text).count);
});
