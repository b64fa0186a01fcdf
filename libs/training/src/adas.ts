/**
 * ADAS (architecture search) at the scale of our models: evaluate every candidate
 * architecture, then rank them by an objective that trades accuracy for size.
 *
 * The default objective is accuracy − sizePenalty · log₂(bytes / smallest bytes): with the
 * default penalty 0.005, each doubling of the model must buy half a point of accuracy.
 * `trainingEvaluator` is the usual `evaluate`: train briefly, export to ONNX, and measure
 * validation accuracy through onnxruntime.
 */
import type { DenseLayer } from '@aivillage/models';
import type { Dataset } from './dataset.js';
import { evaluateOnnx } from './evaluate.js';
import { parameterCount, type MlpArchitecture } from './mlp.js';
import { exportOnnx } from './onnx-export.js';
import type { WeightFormat } from './quantize.js';
import { Trainer, type TrainConfig } from './trainer.js';

/** What ranking needs of an evaluated architecture; evaluators may add more. */
export interface ArchitectureFigures {
  accuracy: number;
  parameters: number;
  bytes: number;
}

export interface SearchArchitecturesOptions<V, F extends ArchitectureFigures> {
  variants: readonly V[];
  evaluate(variant: V, index: number): F | Promise<F>;
  /** Higher is better; default accuracy − sizePenalty · log₂(bytes / smallest bytes). */
  objective?(figures: F, all: readonly F[]): number;
  sizePenalty?: number;
  /** After each evaluation (progress). */
  onEvaluated?(variant: V, figures: F, index: number): void | Promise<void>;
  /** Asked before each evaluation; true ranks what has been evaluated so far. */
  shouldStop?(): boolean | Promise<boolean>;
}

export interface RankedArchitecture<V, F> {
  variant: V;
  figures: F;
  score: number;
  /** 1 is best. */
  rank: number;
}

export interface ArchitectureSearchResult<V, F> {
  status: 'completed' | 'stopped';
  /** Every evaluated variant, best first. */
  ranked: RankedArchitecture<V, F>[];
}

export async function searchArchitectures<V, F extends ArchitectureFigures>(options: SearchArchitecturesOptions<V, F>): Promise<ArchitectureSearchResult<V, F>> {
  const sizePenalty = options.sizePenalty ?? 0.005;
  if (!(sizePenalty >= 0)) throw new RangeError(`SearchArchitecturesOptions.sizePenalty must be non-negative, got ${sizePenalty}`);
  if (options.variants.length === 0) throw new RangeError('SearchArchitecturesOptions.variants is empty');
  const evaluated: { variant: V; figures: F }[] = [];
  let status: ArchitectureSearchResult<V, F>['status'] = 'completed';
  for (const [i, variant] of options.variants.entries()) {
    if (await options.shouldStop?.()) {
      status = 'stopped';
      break;
    }
    const figures = await options.evaluate(variant, i);
    evaluated.push({ variant, figures });
    await options.onEvaluated?.(variant, figures, i);
  }
  const all = evaluated.map((e) => e.figures);
  const smallest = Math.min(...all.map((f) => f.bytes));
  const objective = options.objective ?? ((f: F) => f.accuracy - sizePenalty * Math.log2(f.bytes / smallest));
  const ranked = evaluated
    .map((e) => ({ ...e, score: objective(e.figures, all), rank: 0 }))
    .sort((a, b) => b.score - a.score)
    .map((r, i) => ({ ...r, rank: i + 1 }));
  return { status, ranked };
}

export interface ArchitectureVariant {
  name: string;
  arch: MlpArchitecture;
  /** Overrides of the evaluator's training settings for this variant. */
  train?: Partial<Omit<TrainConfig, 'arch'>>;
}

/** `accuracy` is on the validation set through onnxruntime; `bytes` is the ONNX file's size. */
export interface TrainedArchitectureFigures extends ArchitectureFigures {
  trainMs: number;
  /** The trained (latent) weights, to carry the winner on. */
  params: DenseLayer[];
}

export interface TrainingEvaluatorOptions {
  train: Dataset;
  validation: Dataset;
  /** Training settings shared by all variants (arch comes from each variant). */
  config: Omit<TrainConfig, 'arch'>;
  /** Export (and quantisation-aware training) format; default float32. */
  format?: WeightFormat;
}

/** `evaluate` for `searchArchitectures`: brief training, ONNX export, validation accuracy via onnxruntime. */
export function trainingEvaluator(options: TrainingEvaluatorOptions): (variant: ArchitectureVariant) => Promise<TrainedArchitectureFigures> {
  const format = options.format ?? 'float32';
  return async (variant) => {
    const started = performance.now();
    const trainer = Trainer.create({ ...options.config, quantization: format, ...variant.train, arch: variant.arch });
    const { params } = await trainer.train({ train: options.train });
    const trainMs = performance.now() - started;
    const bytes = exportOnnx(variant.arch, params, format);
    const { accuracy } = await evaluateOnnx(bytes, options.validation);
    return { accuracy, parameters: parameterCount(variant.arch), bytes: bytes.byteLength, trainMs, params };
  };
}
