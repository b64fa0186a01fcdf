import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbedderConfigError } from './knowledge-errors.js';
import { WordPieceTokenizer } from './wordpiece.js';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', 'on', 'mat', '##s', 'play', '##ing', '.', ',', 'un', '##believ', '##able', 'cafe', '日', '本', "'", 't', 'don', '!'];
const wp = WordPieceTokenizer.fromVocabText(`${VOCAB.join('\n')}\n`);
const pieces = (text: string) => Array.from(wp.encode(text).ids, (id) => wp.piece(id));

test('BERT basic tokenization then greedy longest-match word pieces', () => {
  assert.deepEqual(pieces('The cats sat on the mat.'), ['the', 'cat', '##s', 'sat', 'on', 'the', 'mat', '.']);
  assert.deepEqual(pieces('Unbelievable playing'), ['un', '##believ', '##able', 'play', '##ing']);
  // Punctuation splits words (so "don't" is three tokens); accents are stripped for uncased vocabularies.
  assert.deepEqual(pieces("don't Café!"), ['don', "'", 't', 'cafe', '!']);
  // CJK ideographs are single tokens; a word with any unknown piece is [UNK] whole.
  assert.deepEqual(pieces('日本 catz'), ['日', '本', '[UNK]']);
  // Control and format characters vanish without splitting a word.
  assert.deepEqual(pieces('ca\u200bt\u0000s'), ['cat', '##s']);
});

test('piece offsets point at the original characters', () => {
  const text = 'The  Cats, café';
  const enc = wp.encode(text);
  const spans = Array.from({ length: enc.count }, (_, i) => text.slice(enc.starts[i], enc.ends[i]));
  assert.deepEqual(spans, ['The', 'Cat', 's', ',', 'café']);
  // A decomposed accent stays with its letter.
  const nfd = 'cafe\u0301';
  const e2 = wp.encode(nfd);
  assert.deepEqual([e2.count, e2.starts[0], e2.ends[0]], [1, 0, nfd.length]);
});

test('words over 100 characters are [UNK]; encodeForModel adds [CLS]/[SEP] and truncates to fit', () => {
  assert.deepEqual(pieces('s'.repeat(101)), ['[UNK]']);
  const ids = wp.encodeForModel('the cat sat on the mat', 5);
  assert.deepEqual(Array.from(ids, (id) => wp.piece(id)), ['[CLS]', 'the', 'cat', 'sat', '[SEP]']);
  assert.deepEqual(Array.from(wp.encodeForModel('', 8)), [wp.clsId, wp.sepId]);
});

test('a cased vocabulary keeps case and accents', () => {
  const cased = WordPieceTokenizer.fromVocabText(['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'The', 'the', 'Café'].join('\n'), { lowercase: false });
  assert.deepEqual(Array.from(cased.encode('The the Café').ids, (id) => cased.piece(id)), ['The', 'the', 'Café']);
  assert.notEqual(cased.id, wp.id);
  assert.match(wp.id, /^wordpiece-uncased-[0-9a-f]{12}$/);
});

test('tokenizer.json with a WordPiece model and BertNormalizer loads the same vocabulary', () => {
  const json = {
    normalizer: { type: 'BertNormalizer', lowercase: true, strip_accents: null, handle_chinese_chars: true, clean_text: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((p, i) => [p, i])) },
  };
  const fromJson = WordPieceTokenizer.fromTokenizerJson(json);
  assert.equal(fromJson.id, wp.id);
  assert.deepEqual(Array.from(fromJson.encode('Playing cats').ids), Array.from(wp.encode('Playing cats').ids));
  assert.throws(() => WordPieceTokenizer.fromTokenizerJson({ model: { type: 'BPE', vocab: {} } }), EmbedderConfigError);
});

test('a vocabulary without the special tokens is refused', () => {
  assert.throws(() => WordPieceTokenizer.fromVocabText('a\nb\n'), /no \[UNK\] token/);
  assert.throws(() => WordPieceTokenizer.fromVocabText(''), /empty/);
});
