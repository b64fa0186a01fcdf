/**
 * What compression buys and costs: parameter storage per weight format (the tensors only;
 * an ONNX file adds its graph, a few hundred bytes for an MLP) and accuracy retention.
 */
import { layerSizes, type MlpArchitecture } from './mlp.js';
import type { WeightFormat } from './quantize.js';

/**
 * Bytes of parameter data in `format`, as `exportOnnx` stores it: float32 biases always;
 * weights as float32, int8 plus a float32 scale per output channel, or 2 bits plus one
 * float32 scale per layer.
 */
export function parameterBytes(arch: MlpArchitecture, format: WeightFormat): number {
  const sizes = layerSizes(arch);
  let bytes = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const weights = sizes[l] * sizes[l + 1];
    const outputs = sizes[l + 1];
    bytes += 4 * outputs;
    if (format === 'float32') bytes += 4 * weights;
    else if (format === 'int8') bytes += weights + 4 * outputs;
    else bytes += Math.ceil(weights / 4) + 4;
  }
  return bytes;
}

/** 1 − after/before: 0.8 means 80% smaller. */
export function sizeReduction(beforeBytes: number, afterBytes: number): number {
  if (!(beforeBytes > 0)) throw new RangeError(`beforeBytes must be positive, got ${beforeBytes}`);
  return 1 - afterBytes / beforeBytes;
}

/** finalAccuracy / bestFullPrecisionAccuracy: the share of the float model's accuracy a compressed model keeps. */
export function retention(finalAccuracy: number, bestFullPrecisionAccuracy: number): number {
  if (!(bestFullPrecisionAccuracy > 0)) throw new RangeError(`bestFullPrecisionAccuracy must be positive, got ${bestFullPrecisionAccuracy}`);
  return finalAccuracy / bestFullPrecisionAccuracy;
}
