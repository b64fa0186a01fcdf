/**
 * What the built-in executors share: the run's dataset split (loaded once per process),
 * hand-offs to and from the weights, and "export, measure through onnxruntime, register".
 */
import {
  decodeLayers, encodeLayers, evaluateOnnx, exportOnnx, initMlp, loadDigits, splitDataset,
  type DatasetSplit, type DenseLayer, type MlpArchitecture, type WeightFormat,
} from '@aivillage/training';
import type { Handoff, PhaseContext, RegisteredArtifact } from '../executor.js';
import { PhaseFailedError } from '../executor.js';

const splits = new Map<number, DatasetSplit>();

/** The run's stratified split of the digits: 65% train, 15% validation, 20% test. */
export function datasetSplit(splitSeed: number): DatasetSplit {
  let split = splits.get(splitSeed);
  if (!split) {
    split = splitDataset(loadDigits(), { seed: splitSeed, validation: 0.15, test: 0.2 });
    splits.set(splitSeed, split);
  }
  return split;
}

export interface WorkingModel {
  arch: MlpArchitecture;
  params: DenseLayer[];
  quantization: 'none' | 'ternary';
}

export function fromHandoff(ctx: PhaseContext): WorkingModel {
  const h = ctx.input;
  if (!h) throw new PhaseFailedError(`${ctx.phase} needs a model from an earlier phase; run COGNATE (or a phase that produces one) first`);
  const arch = { inputSize: h.architecture.inputSize, hidden: [...h.architecture.hidden], classes: h.architecture.classes };
  return { arch, params: decodeLayers(h.params, initMlp(arch, 0), 'handoff.params'), quantization: h.quantization };
}

export function toHandoff(model: WorkingModel, artifact: RegisteredArtifact | null): Handoff {
  const architecture = { inputSize: model.arch.inputSize, hidden: [...model.arch.hidden], classes: model.arch.classes };
  return { architecture, params: encodeLayers(model.params), quantization: model.quantization, modelVersionId: artifact?.modelVersionId ?? null };
}

/** The weight format a model is exported in: ternary once BitNet ran, float32 otherwise. */
export const formatOf = (model: WorkingModel): WeightFormat => (model.quantization === 'ternary' ? 'ternary' : 'float32');

export const describeArch = (arch: MlpArchitecture) => [arch.inputSize, ...arch.hidden, arch.classes].join('→');

export interface Measured {
  artifact: RegisteredArtifact;
  bytes: number;
  testAccuracy: number;
  validationAccuracy: number;
}

/** Exports the model, measures it on validation and test through onnxruntime, registers it. */
export async function measureAndRegister(ctx: PhaseContext, model: WorkingModel, format: WeightFormat = formatOf(model)): Promise<Measured> {
  const split = datasetSplit(ctx.config.splitSeed);
  const bytes = exportOnnx(model.arch, model.params, format);
  const [test, validation] = [await evaluateOnnx(bytes, split.test), await evaluateOnnx(bytes, split.validation)];
  const artifact = await ctx.registerArtifact(bytes, { test_accuracy: test.accuracy, validation_accuracy: validation.accuracy, test_loss: test.loss });
  return { artifact, bytes: bytes.byteLength, testAccuracy: test.accuracy, validationAccuracy: validation.accuracy };
}

/** Validation accuracy of params through onnxruntime (EvoMerge's fitness). */
export async function validationAccuracy(ctx: PhaseContext, arch: MlpArchitecture, params: readonly DenseLayer[], format: WeightFormat): Promise<number> {
  return (await evaluateOnnx(exportOnnx(arch, params, format), datasetSplit(ctx.config.splitSeed).validation)).accuracy;
}

export const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
