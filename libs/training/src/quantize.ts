/**
 * Weight quantisation of dense layers (biases stay float32 in every format):
 *
 * - int8, symmetric per output channel: s_j = max_k |W[k, j]| / 127, q = round(W / s_j)
 *   clamped to ±127, read back as q·s_j (ONNX DequantizeLinear with axis 1, zero point 0).
 * - ternary, BitNet b1.58's absmean per tensor: γ = mean |W|, q = RoundClip(W / γ, −1, 1),
 *   read back as q·γ. Each weight is one of three values, so 2 bits store it.
 *
 * `dequantize` gives the float weights a quantised model computes with: quantisation-aware
 * training runs its forward pass on them, the exporters write exactly these values, and
 * tests compare onnxruntime against a JS forward pass over them.
 */
import type { DenseLayer } from '@aivillage/models';

export type WeightFormat = 'float32' | 'int8' | 'ternary';

export const WEIGHT_FORMATS: readonly WeightFormat[] = ['float32', 'int8', 'ternary'];

/** Smallest scale, so an all-zero tensor does not divide by zero (as BitNet's reference code). */
const MIN_SCALE = 1e-5;

/** Round half away from zero, so quantisation is symmetric around 0. */
function roundSym(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

export interface TernaryTensor {
  /** Each weight as −1, 0 or +1. */
  codes: Int8Array;
  /** γ (a float32 value): weight = code·γ. */
  scale: number;
}

export function ternarize(weight: Float32Array): TernaryTensor {
  let sum = 0;
  for (let i = 0; i < weight.length; i++) sum += Math.abs(weight[i]);
  const scale = Math.fround(Math.max(sum / Math.max(weight.length, 1), MIN_SCALE));
  const codes = new Int8Array(weight.length);
  for (let i = 0; i < weight.length; i++) codes[i] = Math.max(-1, Math.min(1, roundSym(weight[i] / scale)));
  return { codes, scale };
}

export interface Int8Tensor {
  /** Row-major [in, out] like the weight. */
  values: Int8Array;
  /** One float32 scale per output channel (column). */
  scales: Float32Array;
}

export function quantizeInt8(weight: Float32Array, outputs: number): Int8Tensor {
  if (outputs < 1 || weight.length % outputs !== 0) throw new RangeError(`a weight of ${weight.length} values is not [in, ${outputs}]`);
  const scales = new Float32Array(outputs);
  for (let i = 0; i < weight.length; i++) {
    const j = i % outputs;
    scales[j] = Math.max(scales[j], Math.abs(weight[i]));
  }
  for (let j = 0; j < outputs; j++) scales[j] = Math.max(scales[j] / 127, MIN_SCALE);
  const values = new Int8Array(weight.length);
  for (let i = 0; i < weight.length; i++) values[i] = Math.max(-127, Math.min(127, roundSym(weight[i] / scales[i % outputs])));
  return { values, scales };
}

/** The float weights a model stored in `format` computes with (float32: a copy). */
export function dequantize(params: readonly DenseLayer[], format: WeightFormat): DenseLayer[] {
  return params.map((l) => ({ weight: dequantizeWeight(l.weight, l.bias.length, format), bias: l.bias.slice() }));
}

/** One weight tensor through `format` and back; writes into `out` when given (QAT reuses it). */
export function dequantizeWeight(weight: Float32Array, outputs: number, format: WeightFormat, out: Float32Array = new Float32Array(weight.length)): Float32Array {
  if (format === 'float32') {
    out.set(weight);
  } else if (format === 'int8') {
    const { values, scales } = quantizeInt8(weight, outputs);
    for (let i = 0; i < values.length; i++) out[i] = values[i] * scales[i % outputs];
  } else {
    const { codes, scale } = ternarize(weight);
    for (let i = 0; i < codes.length; i++) out[i] = codes[i] * scale;
  }
  return out;
}

/**
 * Ternary codes packed four to a byte: weight i is `code + 1` (0, 1 or 2) in bits
 * 2·(i mod 4) … 2·(i mod 4)+1 of byte ⌊i/4⌋. The last byte is zero-padded.
 */
export function packTernary(codes: Int8Array): Uint8Array {
  const packed = new Uint8Array(Math.ceil(codes.length / 4));
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] < -1 || codes[i] > 1) throw new RangeError(`ternary code ${codes[i]} at ${i} is not −1, 0 or 1`);
    packed[i >> 2] |= (codes[i] + 1) << ((i & 3) * 2);
  }
  return packed;
}

export function unpackTernary(packed: Uint8Array, count: number): Int8Array {
  if (packed.length !== Math.ceil(count / 4)) throw new RangeError(`${packed.length} packed bytes do not hold ${count} ternary codes`);
  const codes = new Int8Array(count);
  for (let i = 0; i < count; i++) codes[i] = ((packed[i >> 2] >> ((i & 3) * 2)) & 3) - 1;
  return codes;
}
