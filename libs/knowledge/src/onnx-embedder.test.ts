import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { chunkText } from './chunker.js';
import { createEmbedder, dot } from './embedder.js';
import { EmbedderConfigError, EmbeddingDimensionError } from './knowledge-errors.js';
import { OnnxSentenceEmbedder, poolOutput } from './onnx-embedder.js';

/**
 * No sentence-transformer ships offline, so the embedder is tested on a tiny BERT-shaped
 * model written here: last_hidden_state = Gather(word table, input_ids) + Gather(type
 * table, token_type_ids), i.e. each token's vector is a known table row, so pooling can be
 * checked by hand. attention_mask is an input the graph ignores — pad positions get real,
 * non-zero rows, so only correct masking gives the right answer.
 */
const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', 'on', 'mat', '##s', 'play', '##ing', '.', 'dog', 'a'];
const HIDDEN = 4;
const word = (id: number, h: number) => Math.sin(id * 1.3 + h * 0.7) + 0.1 * h;
const type0 = (h: number) => 0.05 * (h + 1);

function tinyBert(opts: { int32?: boolean; tokenTypes?: boolean; output?: string; extraInput?: string } = {}): Uint8Array {
  const idType = opts.int32 ? T.INT32 : T.INT64;
  const dims = [{ dimParam: 'batch' }, { dimParam: 'sequence' }];
  const input = (name: string) => ({ name, type: { tensorType: { elemType: idType, shape: { dim: dims } } } });
  const floats = (name: string, rows: number, f: (r: number, h: number) => number) => {
    const data = new Float32Array(rows * HIDDEN);
    for (let r = 0; r < rows; r++) for (let h = 0; h < HIDDEN; h++) data[r * HIDDEN + h] = f(r, h);
    return { name, dataType: T.FLOAT, dims: [rows, HIDDEN], rawData: new Uint8Array(data.buffer) };
  };
  const out = opts.output ?? 'last_hidden_state';
  const tokenTypes = opts.tokenTypes ?? true;
  const model = {
    irVersion: 8,
    producerName: 'knowledge-test',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny-bert',
      input: [input('input_ids'), input('attention_mask'), ...(tokenTypes ? [input('token_type_ids')] : []), ...(opts.extraInput ? [input(opts.extraInput)] : [])],
      output: [{ name: out, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [...dims, { dimValue: HIDDEN }] } } } }],
      initializer: [floats('word_table', VOCAB.length, word), floats('type_table', 2, (r, h) => (r === 0 ? type0(h) : 9))],
      node: tokenTypes
        ? [
            { opType: 'Gather', input: ['word_table', 'input_ids'], output: ['words'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
            { opType: 'Gather', input: ['type_table', 'token_type_ids'], output: ['types'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
            { opType: 'Add', input: ['words', 'types'], output: [out] },
          ]
        : [{ opType: 'Gather', input: ['word_table', 'input_ids'], output: [out], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

const dirs: string[] = [];
function modelDir(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'knowledge-onnx-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Hand computation: mean of (word row + type row 0) over the tokens, L2-normalised. */
function expected(ids: number[], withTypes = true): number[] {
  const mean = Array.from({ length: HIDDEN }, (_, h) => ids.reduce((s, id) => s + word(id, h) + (withTypes ? type0(h) : 0), 0) / ids.length);
  const n = Math.hypot(...mean);
  return mean.map((x) => x / n);
}
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `[${i}] ${a[i]} vs ${b[i]}`);
};

test('mean pooling over the attention mask then L2 normalisation, matching a hand computation', async () => {
  const dir = modelDir({ 'model.onnx': tinyBert(), 'vocab.txt': VOCAB.join('\n') });
  const e = await OnnxSentenceEmbedder.load({ modelDir: dir });
  try {
    assert.equal(e.dimension, HIDDEN);
    assert.match(e.id, /^onnx-mean-knowledge-onnx-\w+-[0-9a-f]{12}$/);
    assert.equal(e.maxInputTokens, 510);
    // One long and one short text in the same batch: the short one is padded with [PAD] rows.
    const [long, short] = await e.embed(['The cats sat on the mat.', 'a dog']);
    // [CLS] the cat ##s sat on the mat . [SEP]
    close(long, expected([2, 5, 6, 10, 7, 8, 5, 9, 13, 3]));
    // [CLS] a dog [SEP]
    close(short, expected([2, 15, 14, 3]));
    // Alone (no padding) it is the same vector.
    const [alone] = await e.embed(['a dog']);
    close(alone, short);
    assert.ok(Math.abs(dot(long, long) - 1) < 1e-6);
  } finally {
    await e.close();
  }
});

test('batches of any size give the same vectors in input order, and truncation keeps [CLS]/[SEP]', async () => {
  const dir = modelDir({ 'model.onnx': tinyBert(), 'vocab.txt': VOCAB.join('\n') });
  const texts = ['the cat', 'a dog sat on the mat', 'playing', 'cats', 'the the the the the the', 'dog'];
  const one = await OnnxSentenceEmbedder.load({ modelDir: dir, batchSize: 1 });
  const many = await OnnxSentenceEmbedder.load({ modelDir: dir, batchSize: 4 });
  const short = await OnnxSentenceEmbedder.load({ modelDir: dir, maxLength: 4 });
  try {
    const a = await one.embed(texts);
    const b = await many.embed(texts);
    a.forEach((v, i) => close(v, b[i]));
    close(a[2], expected([2, 11, 12, 3]));
    // maxLength 4: [CLS] a dog [SEP] of "a dog sat on the mat".
    close((await short.embed(['a dog sat on the mat']))[0], expected([2, 15, 14, 3]));
    assert.equal(short.maxInputTokens, 2);
    assert.deepEqual(await many.embed([]), []);
  } finally {
    await Promise.all([one.close(), many.close(), short.close()]);
  }
});

test('int32 inputs, no token_type_ids, a token_embeddings output and tokenizer.json are understood', async () => {
  const tokenizerJson = JSON.stringify({
    normalizer: { type: 'BertNormalizer', lowercase: true, strip_accents: null, handle_chinese_chars: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((p, i) => [p, i])) },
  });
  const dir = modelDir({
    'model.onnx': tinyBert({ int32: true, tokenTypes: false, output: 'token_embeddings' }),
    'tokenizer.json': tokenizerJson,
    'sentence_bert_config.json': JSON.stringify({ max_seq_length: 128, do_lower_case: true }),
  });
  const e = await createEmbedder({ kind: 'onnx', modelDir: dir, dimension: HIDDEN });
  try {
    assert.equal(e.maxInputTokens, 126);
    close((await e.embed(['Cat!']))[0], expected([2, 6, 1, 3], false));
    // The embedder's tokenizer chunks in model tokens.
    const chunks = chunkText('the cat sat on the mat. '.repeat(20), { tokenizer: e.tokenizer, maxTokens: e.maxInputTokens });
    assert.ok(chunks.every((c) => c.tokenCount <= 126));
  } finally {
    await (e as OnnxSentenceEmbedder).close();
  }
});

test('createEmbedder refuses a model of another dimension than the namespace expects', async () => {
  const dir = modelDir({ 'model.onnx': tinyBert(), 'vocab.txt': VOCAB.join('\n') });
  await assert.rejects(createEmbedder({ kind: 'onnx', modelDir: dir, dimension: 384 }), (e: unknown) => {
    assert.ok(e instanceof EmbeddingDimensionError);
    assert.deepEqual([e.expected, e.actual], [384, HIDDEN]);
    return true;
  });
});

test('missing files, a non-WordPiece tokenizer, unknown inputs and broken models are EmbedderConfigErrors', async () => {
  const vocab = VOCAB.join('\n');
  await assert.rejects(OnnxSentenceEmbedder.load({ modelDir: modelDir({ 'vocab.txt': vocab }) }), /no model.onnx or onnx\/model.onnx/);
  await assert.rejects(OnnxSentenceEmbedder.load({ modelDir: modelDir({ 'model.onnx': tinyBert() }) }), /no tokenizer.json or vocab.txt/);
  await assert.rejects(
    OnnxSentenceEmbedder.load({ modelDir: modelDir({ 'model.onnx': tinyBert(), 'tokenizer.json': JSON.stringify({ model: { type: 'BPE', vocab: {} } }) }) }),
    /only WordPiece/,
  );
  await assert.rejects(OnnxSentenceEmbedder.load({ modelDir: modelDir({ 'model.onnx': new Uint8Array([1, 2, 3]), 'vocab.txt': vocab }) }), EmbedderConfigError);
  await assert.rejects(
    OnnxSentenceEmbedder.load({ modelDir: modelDir({ 'model.onnx': tinyBert({ extraInput: 'position_ids' }), 'vocab.txt': vocab }) }),
    /model input position_ids is not one of input_ids, attention_mask, token_type_ids/,
  );
  await assert.rejects(
    OnnxSentenceEmbedder.load({ modelDir: modelDir({ 'model.onnx': tinyBert(), 'vocab.txt': vocab }), outputName: 'pooler_output' }),
    /no output pooler_output/,
  );
});

test('poolOutput passes an already pooled [rows, hidden] output through normalised and rejects other shapes', () => {
  const pooled = poolOutput(new Float32Array([3, 4, 0, 2]), [2, 2], new Uint8Array(2), 2, 1);
  close(pooled[0], [0.6, 0.8]);
  close(pooled[1], [0, 1]);
  assert.throws(() => poolOutput(new Float32Array(8), [2, 2, 2], new Uint8Array(6), 2, 3), /expected \[2, 3, hidden\]/);
});
