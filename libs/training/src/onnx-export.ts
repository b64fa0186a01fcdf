/**
 * ONNX export of trained MLPs, in three weight formats, all with the signature of
 * @aivillage/models' reference classifier: `features` float32 [N, inputSize] →
 * `probabilities` float32 [N, classes]. Biases stay float32.
 *
 * - float32: `buildMlpClassifier` with the weights (Gemm per layer).
 * - int8: each weight is int8 [in, out] with one float32 scale per output channel, read
 *   through DequantizeLinear (axis 1) into the Gemm.
 * - ternary: each weight is 2 bits, four to a uint8 (see `packTernary`), and one float32
 *   scale per layer. Standard operators unpack it in the graph:
 *     packed [⌈n/4⌉] → Unsqueeze [⌈n/4⌉, 1] → BitShift right by [0, 2, 4, 6] → BitwiseAnd 3
 *     → Reshape (and Slice off the padding) → [in, out] codes in {0, 1, 2}
 *     → DequantizeLinear(scale γ, zero point 1) = (code − 1)·γ → Gemm.
 *   Everything before the DequantizeLinear depends on initializers only, so onnxruntime
 *   unpacks it once, at load. BitwiseAnd needs opset 18 (onnxruntime ≥ 1.14). ONNX's own
 *   2-bit types (opset 25) are newer than the onnx-proto schema and the model reader here.
 *
 * Each format stores exactly the weights `dequantize(params, format)` gives. With graph
 * optimisations up to 'basic', onnxruntime computes in float with them and matches the JS
 * forward pass to ~1e-7. At 'all' (what ModelSession and so the platform use),
 * onnxruntime 1.30 rewrites DequantizeLinear → Gemm of int8 and ternary models into its
 * MatMulNBits kernel, which keeps the weights in 8 bits and also quantises activations
 * to 8 bits per block: probabilities move by ~5e-3, independent of batch size, and on
 * the digits' test split at most a prediction or two changes (tests check both).
 */
import { buildMlpClassifier, MLP_INPUT, MLP_OUTPUT, OnnxGraphBuilder, type DenseLayer } from '@aivillage/models';
import { checkParams, layerSizes, type MlpArchitecture } from './mlp.js';
import { packTernary, quantizeInt8, ternarize, type WeightFormat } from './quantize.js';

const TERNARY_OPSET = 18;

/** ONNX bytes of the model with `params` stored in `format` (quantised here from float weights). */
export function exportOnnx(arch: MlpArchitecture, params: readonly DenseLayer[], format: WeightFormat): Uint8Array {
  checkParams(arch, params);
  if (format === 'float32') return buildMlpClassifier({ ...arch, hidden: [...arch.hidden], weights: params, op: 'gemm' });
  if (format !== 'int8' && format !== 'ternary') throw new RangeError(`format must be float32, int8 or ternary, got ${format}`);

  const sizes = layerSizes(arch);
  const g = new OnnxGraphBuilder({
    name: `mlp_classifier_${format}`,
    opset: format === 'ternary' ? TERNARY_OPSET : undefined,
    docString: `MLP ${sizes.join('→')}, ${format} weights`,
  });
  g.input(MLP_INPUT, 'float32', ['N', arch.inputSize]);
  if (format === 'ternary') {
    g.raw('shifts', 'uint8', Uint8Array.from([0, 2, 4, 6]), [1, 4]);
    g.raw('code_mask', 'uint8', Uint8Array.from([3]), []);
    g.raw('code_zero', 'uint8', Uint8Array.from([1]), []);
    g.int64('axis_1', [1], [1]);
    g.int64('flat', [-1], [1]);
    g.int64('zero', [0], [1]);
  }
  let x = MLP_INPUT;
  params.forEach((layer, i) => {
    const [nIn, nOut] = [sizes[i], sizes[i + 1]];
    const weight = format === 'int8' ? int8Weight(g, i, layer.weight, nOut) : ternaryWeight(g, i, layer.weight, nIn, nOut);
    g.float32(`b${i}`, layer.bias, [nOut]);
    x = g.node('Gemm', [x, weight, `b${i}`]);
    if (i < params.length - 1) x = g.node('Relu', [x]);
  });
  g.node('Softmax', [x], { outputs: [MLP_OUTPUT], attributes: { axis: -1 } });
  g.output(MLP_OUTPUT, 'float32', ['N', arch.classes]);
  return g.toBytes();
}

function int8Weight(g: OnnxGraphBuilder, i: number, weight: Float32Array, nOut: number): string {
  const { values, scales } = quantizeInt8(weight, nOut);
  g.raw(`W${i}_q`, 'int8', new Uint8Array(values.buffer, values.byteOffset, values.byteLength), [weight.length / nOut, nOut]);
  g.float32(`W${i}_scale`, scales, [nOut]);
  return g.node('DequantizeLinear', [`W${i}_q`, `W${i}_scale`], { attributes: { axis: 1 } });
}

function ternaryWeight(g: OnnxGraphBuilder, i: number, weight: Float32Array, nIn: number, nOut: number): string {
  const { codes, scale } = ternarize(weight);
  const packed = packTernary(codes);
  g.raw(`W${i}_packed`, 'uint8', packed, [packed.length]);
  g.float32(`W${i}_scale`, [scale], []);
  const pairs = g.node('BitShift', [g.node('Unsqueeze', [`W${i}_packed`, 'axis_1']), 'shifts'], { attributes: { direction: 'RIGHT' } });
  let flat = g.node('Reshape', [g.node('BitwiseAnd', [pairs, 'code_mask']), 'flat']);
  if (packed.length * 4 !== codes.length) {
    g.int64(`W${i}_count`, [codes.length], [1]);
    flat = g.node('Slice', [flat, 'zero', `W${i}_count`]);
  }
  g.int64(`W${i}_shape`, [nIn, nOut], [2]);
  const codes2d = g.node('Reshape', [flat, `W${i}_shape`]);
  return g.node('DequantizeLinear', [codes2d, `W${i}_scale`, 'code_zero']);
}
