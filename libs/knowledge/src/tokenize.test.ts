import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundaryScores, BoundaryScore, countTokens, sentenceSpans, tokenize, wordSpans } from './tokenize.js';

test('a token is a word (letters, digits, inner apostrophes and hyphens, digit separators) or one symbol', () => {
  const text = "Don't stop: state-of-the-art 3.14, 1,000 café! U.S. 😀 end-";
  assert.deepEqual(
    tokenize(text).map((t) => `${t.text}/${t.kind[0]}`),
    ["Don't/w", 'stop/w', ':/s', 'state-of-the-art/w', '3.14/w', ',/s', '1,000/w', 'café/w', '!/s', 'U/w', './s', 'S/w', './s', '😀/s', 'end/w', '-/s'],
  );
});

test('token offsets slice the source exactly, also around surrogate pairs and combining marks', () => {
  const text = '  a😀b  cafe\u0301 日本語\tx';
  const s = wordSpans(text);
  const pieces = Array.from({ length: s.count }, (_, i) => text.slice(s.starts[i], s.ends[i]));
  assert.deepEqual(pieces, ['a', '😀', 'b', 'cafe\u0301', '日本語', 'x']);
  for (let i = 1; i < s.count; i++) assert.ok(s.starts[i] >= s.ends[i - 1]);
});

test('whitespace is never a token and empty text has none', () => {
  assert.equal(countTokens(''), 0);
  assert.equal(countTokens(' \n\t  '), 0);
  assert.equal(countTokens('one two  three\n'), 3);
});

test('sentences end at . ! ? before a capital, not after abbreviations, initials or before lowercase', () => {
  const text = 'Harry S. Truman met Mr. Smith in the U.S. Senate. He said "stop." Then he left! e.g. this stays. Why? Because.\n\nNew paragraph here';
  assert.deepEqual(
    sentenceSpans(text).map((s) => text.slice(s.start, s.end)),
    ['Harry S. Truman met Mr. Smith in the U.S. Senate.', 'He said "stop."', 'Then he left! e.g. this stays.', 'Why?', 'Because.', 'New paragraph here'],
  );
});

test('boundary scores rank a blank line over a sentence end over a line break over a clause over a space, and glued tokens lowest', () => {
  const text = 'One, two\nthree. Four\n\nfive six.';
  const s = wordSpans(text);
  const scores = boundaryScores(text, s);
  const at = (word: string) => scores[tokenize(text).findIndex((t) => t.text === word)];
  assert.equal(at('One'), BoundaryScore.PARAGRAPH);
  assert.equal(at(','), BoundaryScore.INSIDE);
  assert.equal(at('two'), BoundaryScore.CLAUSE);
  assert.equal(at('three'), BoundaryScore.LINE);
  assert.equal(at('Four'), BoundaryScore.SENTENCE);
  assert.equal(at('five'), BoundaryScore.PARAGRAPH);
  assert.equal(at('six'), BoundaryScore.WORD);
});
