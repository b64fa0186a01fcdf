/**
 * The multilayer perceptron we train: dense layers with ReLU between them and softmax
 * cross-entropy on the logits. Parameters are @aivillage/models' `DenseLayer[]` (weight
 * row-major [in, out], bias [out]), so `buildMlpClassifier({ ..., weights })` and
 * `mlpForward` take them as they are.
 *
 * Backpropagation, for a batch of B rows with activations a₀ (input) … a_L (logits):
 *   z_l = a_{l−1}·W_l + b_l,  a_l = ReLU(z_l) (identity for the last layer)
 *   loss = −(1/B) Σ_b log softmax(z_L)[b, y_b]
 *   δ_L = (softmax(z_L) − onehot(y)) / B
 *   ∂W_l = a_{l−1}ᵀ·δ_l,  ∂b_l = Σ_b δ_l,  δ_{l−1} = (δ_l·W_lᵀ) ⊙ [a_{l−1} > 0]
 * Products skip zero activations (half the pixels and about half the ReLUs), which is most
 * of the speed of this plain-JS implementation.
 */
import { mlpWeights, type DenseLayer } from '@aivillage/models';

export type { DenseLayer };

export interface MlpArchitecture {
  inputSize: number;
  /** Widths of the hidden layers, input side first; empty for a linear softmax classifier. */
  hidden: readonly number[];
  classes: number;
}

/** Gradients (or any per-parameter float64 buffers) shaped like a model's layers. */
export type LayerBuffers = { weight: Float64Array; bias: Float64Array }[];

/** [inputSize, ...hidden, classes]; a RangeError names the field that is not a positive integer. */
export function layerSizes(arch: MlpArchitecture): number[] {
  const check = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`MlpArchitecture.${field} must be a positive integer, got ${v}`);
  };
  check('inputSize', arch.inputSize);
  arch.hidden.forEach((h, i) => check(`hidden[${i}]`, h));
  check('classes', arch.classes);
  return [arch.inputSize, ...arch.hidden, arch.classes];
}

/** Weights and biases in all layers. */
export function parameterCount(arch: MlpArchitecture): number {
  const sizes = layerSizes(arch);
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

/** Seeded He-uniform weights before ReLUs, Xavier-uniform for the logits (models' `mlpWeights`). */
export function initMlp(arch: MlpArchitecture, seed: number): DenseLayer[] {
  return mlpWeights({ ...arch, hidden: [...arch.hidden], seed });
}

/** Throws a RangeError unless `params` has the architecture's layer shapes. */
export function checkParams(arch: MlpArchitecture, params: readonly DenseLayer[]): void {
  const sizes = layerSizes(arch);
  if (params.length !== sizes.length - 1) throw new RangeError(`expected ${sizes.length - 1} layers for ${sizes.join('→')}, got ${params.length}`);
  params.forEach((l, i) => {
    if (l.weight.length !== sizes[i] * sizes[i + 1] || l.bias.length !== sizes[i + 1]) {
      throw new RangeError(`layer ${i} must be weight [${sizes[i]}, ${sizes[i + 1]}] and bias [${sizes[i + 1]}] for ${sizes.join('→')}`);
    }
  });
}

/** The architecture that `params` have (the input of each layer is the output of the one before). */
export function architectureOf(params: readonly DenseLayer[]): MlpArchitecture {
  if (params.length === 0) throw new RangeError('a model needs at least one layer');
  const outs = params.map((l) => l.bias.length);
  const arch = { inputSize: params[0].weight.length / outs[0], hidden: outs.slice(0, -1), classes: outs[outs.length - 1] };
  checkParams(arch, params);
  return arch;
}

export function cloneParams(params: readonly DenseLayer[]): DenseLayer[] {
  return params.map((l) => ({ weight: l.weight.slice(), bias: l.bias.slice() }));
}

export function zeroBuffers(params: readonly DenseLayer[]): LayerBuffers {
  return params.map((l) => ({ weight: new Float64Array(l.weight.length), bias: new Float64Array(l.bias.length) }));
}

/** out[b, :] = bias + in[b, :]·W (then ReLU), for `rows` rows of width `inWidth`. */
function denseForward(input: Float64Array, rows: number, inWidth: number, layer: DenseLayer, relu: boolean, out: Float64Array): void {
  const width = layer.bias.length;
  const w = layer.weight;
  for (let b = 0; b < rows; b++) {
    const o = b * width;
    for (let j = 0; j < width; j++) out[o + j] = layer.bias[j];
    for (let k = 0; k < inWidth; k++) {
      const a = input[b * inWidth + k];
      if (a === 0) continue;
      const wk = k * width;
      for (let j = 0; j < width; j++) out[o + j] += a * w[wk + j];
    }
    if (relu) for (let j = 0; j < width; j++) if (out[o + j] < 0) out[o + j] = 0;
  }
}

/** Turns one row of logits into probabilities in place; returns −log p[label] and whether argmax = label. */
function softmaxCrossEntropy(row: Float64Array, label: number): { loss: number; correct: boolean } {
  let max = -Infinity;
  let arg = 0;
  for (let j = 0; j < row.length; j++) if (row[j] > max) { max = row[j]; arg = j; }
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += row[j] = Math.exp(row[j] - max);
  for (let j = 0; j < row.length; j++) row[j] /= sum;
  return { loss: -Math.log(Math.max(row[label], 1e-300)), correct: arg === label };
}

/** Logits [rows, classes] for `rows` samples of `x` (row-major [rows, inputSize]). */
export function forwardLogits(params: readonly DenseLayer[], x: Float32Array, rows: number): Float64Array {
  // float64 activations throughout keep the inner loops monomorphic (and fast).
  let input = Float64Array.from(x);
  let width = x.length / rows;
  params.forEach((layer, l) => {
    const out = new Float64Array(rows * layer.bias.length);
    denseForward(input, rows, width, layer, l < params.length - 1, out);
    input = out;
    width = layer.bias.length;
  });
  return input;
}

/** Mean softmax cross-entropy and accuracy of a model on labelled samples. */
export function lossAndAccuracy(params: readonly DenseLayer[], x: Float32Array, y: Uint8Array): { loss: number; accuracy: number } {
  if (y.length === 0) return { loss: NaN, accuracy: NaN };
  const logits = forwardLogits(params, x, y.length);
  const classes = logits.length / y.length;
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < y.length; b++) {
    const r = softmaxCrossEntropy(logits.subarray(b * classes, (b + 1) * classes), y[b]);
    loss += r.loss;
    if (r.correct) correct++;
  }
  return { loss: loss / y.length, accuracy: correct / y.length };
}

/**
 * Loss and gradients of mini-batches, reusing its activation buffers between calls (sized
 * for `maxBatch` rows).
 */
export class Backprop {
  readonly #sizes: number[];
  readonly #acts: Float64Array[];
  readonly #deltas: Float64Array[];

  constructor(arch: MlpArchitecture, readonly maxBatch: number) {
    this.#sizes = layerSizes(arch);
    this.#acts = this.#sizes.map((s) => new Float64Array(maxBatch * s));
    this.#deltas = this.#sizes.map((s) => new Float64Array(maxBatch * s));
  }

  /**
   * Forward and backward pass over the samples `rows` of (x, y); writes the gradients of the
   * batch's mean loss into `grads` (overwriting them). Returns that mean loss and how many
   * samples the model got right.
   */
  run(params: readonly DenseLayer[], x: Float32Array, y: Uint8Array, rows: ArrayLike<number>, grads: LayerBuffers): { loss: number; correct: number } {
    const sizes = this.#sizes;
    const B = rows.length;
    if (B > this.maxBatch) throw new RangeError(`batch of ${B} exceeds maxBatch ${this.maxBatch}`);
    const L = params.length;
    const inWidth = sizes[0];
    const a0 = this.#acts[0];
    for (let b = 0; b < B; b++) for (let k = 0; k < inWidth; k++) a0[b * inWidth + k] = x[rows[b] * inWidth + k];
    for (let l = 0; l < L; l++) denseForward(this.#acts[l], B, sizes[l], params[l], l < L - 1, this.#acts[l + 1]);

    const classes = sizes[L];
    const top = this.#deltas[L];
    let loss = 0;
    let correct = 0;
    for (let b = 0; b < B; b++) {
      const row = this.#acts[L].subarray(b * classes, (b + 1) * classes);
      const label = y[rows[b]];
      const r = softmaxCrossEntropy(row, label);
      loss += r.loss;
      if (r.correct) correct++;
      for (let j = 0; j < classes; j++) top[b * classes + j] = (row[j] - (j === label ? 1 : 0)) / B;
    }

    for (let l = L - 1; l >= 0; l--) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const aIn = this.#acts[l];
      const delta = this.#deltas[l + 1];
      const gw = grads[l].weight;
      const gb = grads[l].bias;
      gw.fill(0);
      gb.fill(0);
      for (let b = 0; b < B; b++) {
        const d = b * nOut;
        for (let j = 0; j < nOut; j++) gb[j] += delta[d + j];
        for (let k = 0; k < nIn; k++) {
          const a = aIn[b * nIn + k];
          if (a === 0) continue;
          const wk = k * nOut;
          for (let j = 0; j < nOut; j++) gw[wk + j] += a * delta[d + j];
        }
      }
      if (l === 0) break;
      // δ_{l−1} = (δ_l·W_lᵀ) ⊙ [a_{l−1} > 0]; aIn is a ReLU output, so zero means inactive.
      const w = params[l].weight;
      const below = this.#deltas[l];
      for (let b = 0; b < B; b++) {
        const d = b * nOut;
        for (let k = 0; k < nIn; k++) {
          if (aIn[b * nIn + k] === 0) { below[b * nIn + k] = 0; continue; }
          const wk = k * nOut;
          let s = 0;
          for (let j = 0; j < nOut; j++) s += delta[d + j] * w[wk + j];
          below[b * nIn + k] = s;
        }
      }
    }
    return { loss: loss / B, correct };
  }
}
