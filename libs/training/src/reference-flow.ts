/**
 * The reference compression flow on the digits, end to end, with every accuracy measured
 * through onnxruntime on the held-out test split: train a float32 MLP; quantise it to int8
 * after training; fine-tune it quantisation-aware to ternary (BitNet b1.58) weights and
 * export those at 2 bits per weight. (The validation split is held out but unused here; the
 * pipeline's model selection, EvoMerge and ADAS, use it.) Its figures are the ones the README reports and a test
 * holds to (ternary ≥ 75% smaller than float32 while keeping ≥ 98.5% of its accuracy).
 */
import { loadDigits, splitDataset } from './dataset.js';
import { evaluateOnnx } from './evaluate.js';
import type { MlpArchitecture } from './mlp.js';
import { parameterBytes, retention, sizeReduction } from './model-size.js';
import { exportOnnx } from './onnx-export.js';
import type { WeightFormat } from './quantize.js';
import { Trainer } from './trainer.js';

export interface ReferenceFlowOptions {
  /** Hidden layer width (default 256). */
  hidden?: number;
  /** Split, initialisation and shuffling (default 7). */
  seed?: number;
  floatEpochs?: number;
  qatEpochs?: number;
  /** digits.csv.gz (default data/datasets/digits.csv.gz). */
  datasetPath?: string;
}

export interface FormatFigures {
  format: WeightFormat;
  testAccuracy: number;
  onnxBytes: number;
  parameterBytes: number;
  /** Against the float32 ONNX file. */
  sizeReduction: number;
  /** testAccuracy / float32 testAccuracy. */
  retention: number;
  /** Training time of this format's weights; null when quantised after training (int8). */
  trainMs: number | null;
}

export interface ReferenceFlowFigures {
  arch: MlpArchitecture;
  samples: { train: number; validation: number; test: number };
  float32: FormatFigures;
  /** Post-training quantisation of the float model. */
  int8: FormatFigures;
  /** Quantisation-aware fine-tuning from the float model. */
  ternary: FormatFigures;
}

export async function runReferenceFlow(options: ReferenceFlowOptions = {}): Promise<ReferenceFlowFigures> {
  const seed = options.seed ?? 7;
  const arch: MlpArchitecture = { inputSize: 64, hidden: [options.hidden ?? 256], classes: 10 };
  const split = splitDataset(loadDigits(options.datasetPath), { seed, validation: 0.15, test: 0.2 });

  let started = performance.now();
  const float = await Trainer.create({ arch, seed, epochs: options.floatEpochs ?? 30, schedule: 'cosine', optimizer: { kind: 'adam', learningRate: 3e-3 } }).train({ train: split.train });
  const floatMs = performance.now() - started;

  started = performance.now();
  const ternary = await Trainer.create(
    { arch, seed: seed + 1, epochs: options.qatEpochs ?? 20, schedule: 'cosine', quantization: 'ternary', optimizer: { kind: 'adam', learningRate: 1e-3 } },
    float.params,
  ).train({ train: split.train });
  const ternaryMs = performance.now() - started;

  const floatBytes = exportOnnx(arch, float.params, 'float32');
  const floatAccuracy = (await evaluateOnnx(floatBytes, split.test)).accuracy;
  const figures = async (format: WeightFormat, params: typeof float.params, trainMs: number | null): Promise<FormatFigures> => {
    const bytes = exportOnnx(arch, params, format);
    const { accuracy } = await evaluateOnnx(bytes, split.test);
    return {
      format,
      testAccuracy: accuracy,
      onnxBytes: bytes.byteLength,
      parameterBytes: parameterBytes(arch, format),
      sizeReduction: sizeReduction(floatBytes.byteLength, bytes.byteLength),
      retention: retention(accuracy, floatAccuracy),
      trainMs,
    };
  };
  return {
    arch,
    samples: { train: split.train.size, validation: split.validation.size, test: split.test.size },
    float32: await figures('float32', float.params, floatMs),
    int8: await figures('int8', float.params, null),
    ternary: await figures('ternary', ternary.params, ternaryMs),
  };
}
