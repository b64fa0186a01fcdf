/**
 * Reference models written with OnnxGraphBuilder: an MLP classifier and a small text
 * encoder, with seeded weights and plain-JS forward passes that tests (and anyone doubting a
 * runtime) can compare against. They give the registry real models to serve without
 * downloading any.
 */
import { OnnxGraphBuilder } from './onnx-builder.js';
import { createPrng, type Prng } from './seeded-prng.js';

/** One fully connected layer; `weight` is row-major [in, out]. */
export interface DenseLayer {
  weight: Float32Array;
  bias: Float32Array;
}

export interface MlpSpec {
  inputSize: number;
  hidden: readonly number[];
  classes: number;
  /** One per layer (hidden.length + 1); seeded weights when left out. */
  weights?: readonly DenseLayer[];
  seed?: number;
  /** `gemm` (one Gemm per layer) or `matmul` (MatMul + Add): both are common in exported models. */
  op?: 'gemm' | 'matmul';
}

export const MLP_INPUT = 'features';
export const MLP_OUTPUT = 'probabilities';

function layerSizes(spec: MlpSpec): number[] {
  const sizes = [spec.inputSize, ...spec.hidden, spec.classes];
  for (const s of sizes) if (!Number.isInteger(s) || s < 1) throw new RangeError(`layer sizes must be positive integers, got ${sizes.join('→')}`);
  return sizes;
}

/** The weights buildMlpClassifier uses: `spec.weights` checked, or seeded He/Xavier-uniform ones. */
export function mlpWeights(spec: MlpSpec): DenseLayer[] {
  const sizes = layerSizes(spec);
  if (spec.weights) {
    if (spec.weights.length !== sizes.length - 1) throw new RangeError(`expected ${sizes.length - 1} layers of weights, got ${spec.weights.length}`);
    spec.weights.forEach((l, i) => {
      if (l.weight.length !== sizes[i] * sizes[i + 1] || l.bias.length !== sizes[i + 1]) {
        throw new RangeError(`layer ${i} must be weight [${sizes[i]}, ${sizes[i + 1]}] and bias [${sizes[i + 1]}]`);
      }
    });
    return [...spec.weights];
  }
  const prng = createPrng(spec.seed ?? 1);
  return sizes.slice(0, -1).map((fanIn, i) => {
    const fanOut = sizes[i + 1];
    const last = i === sizes.length - 2;
    // He-uniform before ReLU keeps activations from vanishing; Xavier for the logits.
    const limit = last ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
    return { weight: uniform(prng, fanIn * fanOut, limit), bias: uniform(prng, fanOut, 0.1) };
  });
}

/** An MLP classifier: features float32 [N, inputSize] → probabilities float32 [N, classes]. */
export function buildMlpClassifier(spec: MlpSpec): Uint8Array {
  const sizes = layerSizes(spec);
  const layers = mlpWeights(spec);
  const g = new OnnxGraphBuilder({ name: 'mlp_classifier', docString: `MLP ${sizes.join('→')}` });
  g.input(MLP_INPUT, 'float32', ['N', spec.inputSize]);
  let x = MLP_INPUT;
  layers.forEach((layer, i) => {
    g.float32(`W${i}`, layer.weight, [sizes[i], sizes[i + 1]]);
    g.float32(`b${i}`, layer.bias, [sizes[i + 1]]);
    x = spec.op === 'matmul' ? g.node('Add', [g.node('MatMul', [x, `W${i}`]), `b${i}`]) : g.node('Gemm', [x, `W${i}`, `b${i}`]);
    if (i < layers.length - 1) x = g.node('Relu', [x]);
  });
  g.node('Softmax', [x], { outputs: [MLP_OUTPUT], attributes: { axis: -1 } });
  g.output(MLP_OUTPUT, 'float32', ['N', spec.classes]);
  return g.toBytes();
}

/** The MLP in plain JS (float64 accumulation): input is row-major [batch, inputSize]. */
export function mlpForward(layers: readonly DenseLayer[], input: ArrayLike<number>, batch: number): Float64Array {
  let x = Float64Array.from(input);
  let width = x.length / batch;
  layers.forEach((layer, li) => {
    const out = layer.bias.length;
    const y = new Float64Array(batch * out);
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < out; o++) {
        let s = layer.bias[o];
        for (let k = 0; k < width; k++) s += x[b * width + k] * layer.weight[k * out + o];
        y[b * out + o] = li < layers.length - 1 ? Math.max(0, s) : s;
      }
    }
    x = y;
    width = out;
  });
  for (let b = 0; b < batch; b++) softmaxInPlace(x.subarray(b * width, (b + 1) * width));
  return x;
}

export interface TextEncoderSpec {
  vocabSize: number;
  /** Output embedding size. */
  dim: number;
  /** Token embedding size before the projection; defaults to `dim`. */
  embeddingDim?: number;
  seed?: number;
  /**
   * With a mask (the default), inputs are token_ids and attention_mask (int64 [N, T], 1 =
   * token, 0 = padding) and pooling averages real tokens only, as sentence encoders do;
   * without, a plain ReduceMean over T.
   */
  attentionMask?: boolean;
  weights?: TextEncoderWeights;
}

export interface TextEncoderWeights {
  /** Row-major [vocabSize, embeddingDim]. */
  embedding: Float32Array;
  /** Row-major [embeddingDim, dim]. */
  projection: Float32Array;
}

export const ENCODER_TOKENS = 'token_ids';
export const ENCODER_MASK = 'attention_mask';
export const ENCODER_OUTPUT = 'embedding';

export function textEncoderWeights(spec: TextEncoderSpec): TextEncoderWeights {
  const e = spec.embeddingDim ?? spec.dim;
  for (const [k, v] of Object.entries({ vocabSize: spec.vocabSize, dim: spec.dim, embeddingDim: e })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
  }
  if (spec.weights) {
    if (spec.weights.embedding.length !== spec.vocabSize * e || spec.weights.projection.length !== e * spec.dim) {
      throw new RangeError(`weights must be embedding [${spec.vocabSize}, ${e}] and projection [${e}, ${spec.dim}]`);
    }
    return spec.weights;
  }
  const prng = createPrng(spec.seed ?? 1);
  return { embedding: uniform(prng, spec.vocabSize * e, 1), projection: uniform(prng, e * spec.dim, Math.sqrt(6 / (e + spec.dim))) };
}

/**
 * A small text encoder: token ids → embedding lookup (Gather) → mean over tokens → linear
 * projection (MatMul) → L2 normalisation, giving unit vectors [N, dim] for cosine search.
 */
export function buildTextEncoder(spec: TextEncoderSpec): Uint8Array {
  const w = textEncoderWeights(spec);
  const e = spec.embeddingDim ?? spec.dim;
  const masked = spec.attentionMask ?? true;
  const g = new OnnxGraphBuilder({ name: 'text_encoder', docString: `text encoder vocab ${spec.vocabSize}, dim ${spec.dim}` });
  g.input(ENCODER_TOKENS, 'int64', ['N', 'T']);
  if (masked) g.input(ENCODER_MASK, 'int64', ['N', 'T']);
  g.float32('token_embedding', w.embedding, [spec.vocabSize, e]);
  g.float32('projection', w.projection, [e, spec.dim]);
  const tokens = g.node('Gather', ['token_embedding', ENCODER_TOKENS], { attributes: { axis: 0 } }); // [N, T, E]
  let pooled: string;
  if (masked) {
    g.int64('axis_tokens', [1], [1]);
    g.int64('axis_last', [-1], [1]);
    // An all-padding row would divide by zero; dividing by at least 1e-9 yields a zero vector instead.
    g.float32('min_count', [1e-9], [1]);
    const mask = g.node('Cast', [ENCODER_MASK], { attributes: { to: 1 } }); // float32 [N, T]
    const weighted = g.node('Mul', [tokens, g.node('Unsqueeze', [mask, 'axis_last'])]);
    const sum = g.node('ReduceSum', [weighted, 'axis_tokens'], { attributes: { keepdims: 0 } }); // [N, E]
    const count = g.node('ReduceSum', [mask, 'axis_tokens'], { attributes: { keepdims: 1 } }); // [N, 1]
    pooled = g.node('Div', [sum, g.node('Max', [count, 'min_count'])]);
  } else {
    pooled = g.node('ReduceMean', [tokens], { attributes: { axes: [1], keepdims: 0 } });
  }
  const projected = g.node('MatMul', [pooled, 'projection']);
  g.node('LpNormalization', [projected], { outputs: [ENCODER_OUTPUT], attributes: { axis: -1, p: 2 } });
  g.output(ENCODER_OUTPUT, 'float32', ['N', spec.dim]);
  return g.toBytes();
}

/** The encoder in plain JS; `mask` null means every token counts. Returns [batch, dim] row-major. */
export function textEncoderForward(spec: TextEncoderSpec, tokenIds: readonly (readonly number[])[], mask: readonly (readonly number[])[] | null): Float64Array {
  const w = textEncoderWeights(spec);
  const e = spec.embeddingDim ?? spec.dim;
  const out = new Float64Array(tokenIds.length * spec.dim);
  tokenIds.forEach((row, b) => {
    const pooled = new Float64Array(e);
    let count = 0;
    row.forEach((id, t) => {
      const m = mask ? mask[b][t] : 1;
      count += m;
      for (let k = 0; k < e; k++) pooled[k] += w.embedding[id * e + k] * m;
    });
    for (let k = 0; k < e; k++) pooled[k] /= Math.max(count, 1e-9);
    const y = out.subarray(b * spec.dim, (b + 1) * spec.dim);
    for (let d = 0; d < spec.dim; d++) {
      let s = 0;
      for (let k = 0; k < e; k++) s += pooled[k] * w.projection[k * spec.dim + d];
      y[d] = s;
    }
    const norm = Math.hypot(...y);
    if (norm > 0) for (let d = 0; d < spec.dim; d++) y[d] /= norm;
  });
  return out;
}

function uniform(prng: Prng, n: number, limit: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = prng.uniform(-limit, limit);
  return a;
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) max = Math.max(max, x);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] = Math.exp(v[i] - max);
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}
