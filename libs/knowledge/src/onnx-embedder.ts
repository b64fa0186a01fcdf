/**
 * A sentence-transformer exported to ONNX, run with onnxruntime-node from a local directory:
 * BERT-family encoders such as all-MiniLM-L6-v2 or bge-small-en. Nothing is ever downloaded;
 * the directory is what the operator put there, in the layout Hugging Face exports use:
 *
 *   model.onnx (or onnx/model.onnx)   inputs input_ids, attention_mask[, token_type_ids]; output last_hidden_state
 *   vocab.txt or tokenizer.json       a WordPiece vocabulary (tokenizer.json also gives the normaliser settings)
 *   sentence_bert_config.json         optional: max_seq_length, do_lower_case
 *   tokenizer_config.json             optional: do_lower_case, model_max_length
 *
 * Sentence embedding = mean of the token vectors over the attention mask ([CLS] and [SEP]
 * included, as sentence-transformers' mean pooling does), then L2-normalised. Texts are
 * embedded in batches, sorted by length so padding stays small. onnxruntime-node is loaded
 * only when a model is, so importing this library costs nothing without one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { checkInt, EmbedderConfigError, KnowledgeInputError } from './knowledge-errors.js';
import { WordPieceTokenizer } from './wordpiece.js';

export interface OnnxEmbedderOptions {
  readonly modelDir: string;
  /** Relative to modelDir; default `model.onnx`, else `onnx/model.onnx`. */
  readonly modelFile?: string;
  /** Texts per onnxruntime run, 1..1024; default 32. */
  readonly batchSize?: number;
  /**
   * Tokens per text including [CLS] and [SEP], 2..8192; default from sentence_bert_config.json
   * (max_seq_length), else tokenizer_config.json (model_max_length), else 512.
   */
  readonly maxLength?: number;
  /** Token output to pool; default last_hidden_state, else token_embeddings, else the first output. */
  readonly outputName?: string;
  /** onnxruntime intra-op threads; left to onnxruntime when absent. */
  readonly intraOpNumThreads?: number;
}

type OrtModule = typeof Ort;
type IntArray = BigInt64Array | Int32Array;

const DEFAULT_BATCH = 32;
const DEFAULT_MAX_LENGTH = 512;
const TOKEN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new EmbedderConfigError(`${file} is not valid JSON`, cause);
  }
}

/** Loads the tokenizer of a model directory: tokenizer.json (WordPiece) first, else vocab.txt. */
export function loadWordPieceTokenizer(modelDir: string): WordPieceTokenizer {
  const st = readJson(path.join(modelDir, 'sentence_bert_config.json'));
  const tc = readJson(path.join(modelDir, 'tokenizer_config.json'));
  const lower = (st?.do_lower_case ?? tc?.do_lower_case) as boolean | undefined;
  const tokenizerJson = path.join(modelDir, 'tokenizer.json');
  if (existsSync(tokenizerJson)) {
    const json = readJson(tokenizerJson);
    const model = (json?.model ?? {}) as { type?: string };
    if (model.type === 'WordPiece') return WordPieceTokenizer.fromTokenizerJson(json);
    if (!existsSync(path.join(modelDir, 'vocab.txt'))) {
      throw new EmbedderConfigError(`${tokenizerJson} is a ${model.type ?? 'unknown'} tokenizer; only WordPiece (BERT-family) models are supported`);
    }
  }
  const vocab = path.join(modelDir, 'vocab.txt');
  if (!existsSync(vocab)) throw new EmbedderConfigError(`no tokenizer.json or vocab.txt in ${modelDir}`);
  return WordPieceTokenizer.fromVocabText(readFileSync(vocab, 'utf8'), { lowercase: lower ?? true });
}

function defaultMaxLength(modelDir: string): number {
  const st = readJson(path.join(modelDir, 'sentence_bert_config.json'));
  if (typeof st?.max_seq_length === 'number') return st.max_seq_length;
  const tc = readJson(path.join(modelDir, 'tokenizer_config.json'));
  // Hugging Face writes 1e30 as "no limit".
  if (typeof tc?.model_max_length === 'number' && tc.model_max_length <= 8192) return tc.model_max_length;
  return DEFAULT_MAX_LENGTH;
}

/** An `Embedder` (structurally; embedder.ts imports this file, not the other way round). */
export class OnnxSentenceEmbedder {
  readonly maxInputTokens: number;

  private constructor(
    readonly id: string,
    readonly dimension: number,
    readonly tokenizer: WordPieceTokenizer,
    readonly maxLength: number,
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    private readonly inputTypes: ReadonlyMap<string, 'int64' | 'int32'>,
    private readonly outputName: string,
    private readonly batchSize: number,
  ) {
    this.maxInputTokens = maxLength - 2;
  }

  /** Loads the model and tokenizer; throws EmbedderConfigError if anything is missing or refused. */
  static async load(options: OnnxEmbedderOptions): Promise<OnnxSentenceEmbedder> {
    const dir = options.modelDir;
    if (typeof dir !== 'string' || !existsSync(dir)) throw new EmbedderConfigError(`model directory ${JSON.stringify(dir)} does not exist`);
    const batchSize = checkInt('batchSize', options.batchSize ?? DEFAULT_BATCH, 1, 1024);
    const maxLength = checkInt('maxLength', options.maxLength ?? defaultMaxLength(dir), 2, 8192);
    const candidates = options.modelFile ? [options.modelFile] : ['model.onnx', path.join('onnx', 'model.onnx')];
    const modelPath = candidates.map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (!modelPath) throw new EmbedderConfigError(`no ${candidates.join(' or ')} in ${dir}`);
    const tokenizer = loadWordPieceTokenizer(dir);

    const bytes = readFileSync(modelPath);
    const ort: OrtModule = await import('onnxruntime-node');
    let session: Ort.InferenceSession;
    try {
      const sessionOptions: Ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 };
      // onnxruntime rejects keys present with an undefined value.
      if (options.intraOpNumThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpNumThreads;
      session = await ort.InferenceSession.create(bytes, sessionOptions);
    } catch (cause) {
      throw new EmbedderConfigError(`onnxruntime cannot load ${modelPath}: ${(cause as Error).message}`, cause);
    }

    const inputTypes = new Map<string, 'int64' | 'int32'>();
    for (const meta of session.inputMetadata ?? session.inputNames.map((name) => ({ name, isTensor: true as const, type: 'int64' as const, shape: [] }))) {
      if (!(TOKEN_INPUTS as readonly string[]).includes(meta.name)) {
        await session.release();
        throw new EmbedderConfigError(`model input ${meta.name} is not one of ${TOKEN_INPUTS.join(', ')}`);
      }
      const type = meta.isTensor ? meta.type : undefined;
      if (type !== 'int64' && type !== 'int32') {
        await session.release();
        throw new EmbedderConfigError(`model input ${meta.name} is ${type ?? 'not a tensor'}; expected int64 or int32`);
      }
      inputTypes.set(meta.name, type);
    }
    if (!inputTypes.has('input_ids')) {
      await session.release();
      throw new EmbedderConfigError('the model has no input_ids input');
    }
    const outputs = session.outputNames;
    const outputName = options.outputName ?? ['last_hidden_state', 'token_embeddings'].find((o) => outputs.includes(o)) ?? outputs[0];
    if (!outputs.includes(outputName)) {
      await session.release();
      throw new EmbedderConfigError(`the model has no output ${outputName} (outputs: ${outputs.join(', ')})`);
    }

    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    const name = path.basename(path.resolve(dir)).replace(/[^A-Za-z0-9._-]/g, '_');
    const probe = new OnnxSentenceEmbedder(`onnx-mean-${name}-${hash}`, 0, tokenizer, maxLength, ort, session, inputTypes, outputName, batchSize);
    // The hidden size is whatever the model produces; one tiny run finds it (and proves the model runs).
    let dimension: number;
    try {
      [dimension] = (await probe.#run([tokenizer.encodeForModel('probe', maxLength)])).map((v) => v.length);
    } catch (cause) {
      await session.release();
      throw new EmbedderConfigError(`the model does not run on a tokenized text: ${(cause as Error).message}`, cause);
    }
    return new OnnxSentenceEmbedder(probe.id, dimension, tokenizer, maxLength, ort, session, inputTypes, outputName, batchSize);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new KnowledgeInputError('embed takes an array of texts');
    const encoded = texts.map((t, i) => {
      if (typeof t !== 'string') throw new KnowledgeInputError(`texts[${i}] must be a string, got ${typeof t}`);
      return this.tokenizer.encodeForModel(t, this.maxLength);
    });
    // Longest first, so each batch pads to similar lengths; results go back in input order.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[b].length - encoded[a].length || a - b);
    const out: Float32Array[] = new Array(texts.length);
    for (let b = 0; b < order.length; b += this.batchSize) {
      const idx = order.slice(b, b + this.batchSize);
      const vectors = await this.#run(idx.map((i) => encoded[i]));
      idx.forEach((i, k) => (out[i] = vectors[k]));
    }
    return out;
  }

  /** Releases the native session. */
  async close(): Promise<void> {
    await this.session.release();
  }

  /** One onnxruntime run over a padded batch, then masked mean pooling and L2 normalisation. */
  async #run(batch: readonly Int32Array[]): Promise<Float32Array[]> {
    const rows = batch.length;
    const cols = Math.max(...batch.map((ids) => ids.length));
    const make = (type: 'int64' | 'int32'): IntArray => (type === 'int64' ? new BigInt64Array(rows * cols) : new Int32Array(rows * cols));
    const feeds: Record<string, Ort.Tensor> = {};
    const mask = new Uint8Array(rows * cols);
    for (const [name, type] of this.inputTypes) {
      const data = make(type);
      const wide = data instanceof BigInt64Array;
      for (let r = 0; r < rows; r++) {
        const ids = batch[r];
        for (let c = 0; c < cols; c++) {
          const k = r * cols + c;
          const inside = c < ids.length;
          mask[k] = inside ? 1 : 0;
          // token_type_ids stay 0: one segment.
          const v = name === 'input_ids' ? (inside ? ids[c] : this.tokenizer.padId) : name === 'attention_mask' ? (inside ? 1 : 0) : 0;
          if (wide) (data as BigInt64Array)[k] = BigInt(v);
          else (data as Int32Array)[k] = v;
        }
      }
      feeds[name] = new this.ort.Tensor(type, data, [rows, cols]);
    }
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run(feeds, [this.outputName]);
    } catch (cause) {
      throw new EmbedderConfigError(`onnxruntime run failed: ${(cause as Error).message}`, cause);
    }
    const tensor = result[this.outputName] as Ort.Tensor;
    return poolOutput(tensor.data as Float32Array, tensor.dims, mask, rows, cols);
  }
}

/**
 * Masked mean over tokens of a [rows, cols, hidden] output (or a [rows, hidden] output that is
 * already pooled), each row L2-normalised.
 */
export function poolOutput(data: Float32Array, dims: readonly number[], mask: Uint8Array, rows: number, cols: number): Float32Array[] {
  if (!(data instanceof Float32Array)) throw new EmbedderConfigError('the model output is not float32');
  const out: Float32Array[] = [];
  if (dims.length === 2 && dims[0] === rows) {
    const hidden = dims[1];
    for (let r = 0; r < rows; r++) out.push(normalize(Float64Array.from(data.subarray(r * hidden, (r + 1) * hidden))));
    return out;
  }
  if (dims.length !== 3 || dims[0] !== rows || dims[1] !== cols) {
    throw new EmbedderConfigError(`model output has shape [${dims.join(', ')}]; expected [${rows}, ${cols}, hidden]`);
  }
  const hidden = dims[2];
  for (let r = 0; r < rows; r++) {
    const sum = new Float64Array(hidden);
    let count = 0;
    for (let c = 0; c < cols; c++) {
      if (!mask[r * cols + c]) continue;
      count++;
      const base = (r * cols + c) * hidden;
      for (let h = 0; h < hidden; h++) sum[h] += data[base + h];
    }
    // sentence-transformers clamps the count at 1e-9; a row always has [CLS] and [SEP] here.
    for (let h = 0; h < hidden; h++) sum[h] /= Math.max(count, 1e-9);
    out.push(normalize(sum));
  }
  return out;
}

function normalize(v: Float64Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}
