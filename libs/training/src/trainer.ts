/**
 * A resumable mini-batch trainer for MLP classifiers.
 *
 * Every epoch visits the training set in an order shuffled from (seed, epoch) alone, so the
 * whole run is a function of the config, the initial weights and the data: a trainer
 * restored from a checkpoint taken between any two steps finishes with bit-identical
 * weights and history to one that never stopped. The state a checkpoint holds is the
 * parameters, the optimiser moments, the position (epoch, step) and the running sums of the
 * current epoch; it is plain JSON (see checkpoint.ts).
 *
 * Quantisation-aware training (`quantization: 'ternary'`, BitNet b1.58): the forward and
 * backward passes use the quantised weights q(W) while the optimiser updates the latent
 * float weights W, with the straight-through estimator ∂L/∂W ≈ ∂L/∂q(W). The model to
 * export is then q(W), i.e. `exportOnnx(arch, params, 'ternary')` of the latent weights.
 *
 * Training is synchronous arithmetic; `train` gives the event loop a turn at least every
 * `yieldEveryMs` (queue locks, heartbeats and cancellation keep working) and awaits the
 * hooks, so they may write checkpoints or progress to a database.
 */
import { createPrng, type DenseLayer } from '@aivillage/models';
import { decodeLayers, encodeLayers, type EncodedLayer } from './checkpoint.js';
import { shuffleInPlace, type Dataset } from './dataset.js';
import { Backprop, checkParams, cloneParams, initMlp, layerSizes, lossAndAccuracy, zeroBuffers, type LayerBuffers, type MlpArchitecture } from './mlp.js';
import { checkOptimizer, createOptimizerState, optimizerStep, type OptimizerConfig, type OptimizerState } from './optimizer.js';
import { dequantizeWeight, WEIGHT_FORMATS, type WeightFormat } from './quantize.js';

export interface TrainConfig {
  arch: MlpArchitecture;
  epochs: number;
  /** Shuffling, and the initial weights when none are given. */
  seed: number;
  /** Default 32; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Default Adam with learning rate 1e-3. */
  optimizer?: OptimizerConfig;
  /** L2 coefficient λ on weights (loss + λ/2·Σw²); default 0. */
  l2?: number;
  /** Learning rate over the run: constant (default) or cosine decay to 0 at the last step. */
  schedule?: 'constant' | 'cosine';
  /** Train through this weight format (quantisation-aware); default 'float32' (none). */
  quantization?: WeightFormat;
}

export type ResolvedTrainConfig = Required<Omit<TrainConfig, 'optimizer'>> & { optimizer: Required<OptimizerConfig> };

export interface StepStats {
  /** Completed optimiser steps over the whole run. */
  step: number;
  /** The epoch this step belongs to, from 1. */
  epoch: number;
  /** Mean cross-entropy of the batch, before the update. */
  loss: number;
  batchAccuracy: number;
  learningRate: number;
}

export interface EpochStats {
  /** From 1. */
  epoch: number;
  /** Means over the epoch's batches as they were trained (weights moving). */
  trainLoss: number;
  trainAccuracy: number;
  /** On the validation set after the epoch, with the weights a deployment would use; null without one. */
  validationLoss: number | null;
  validationAccuracy: number | null;
  steps: number;
}

export interface TrainHooks {
  /** After every step. */
  onStep?(stats: StepStats): void | Promise<void>;
  /** After every epoch (checkpoint here: the trainer is at an epoch boundary). */
  onEpoch?(stats: EpochStats): void | Promise<void>;
  /** Asked before every step; true stops training with status 'stopped'. */
  shouldStop?(): boolean | Promise<boolean>;
  /** Longest stretch of computation without yielding to the event loop, in ms (default 50). */
  yieldEveryMs?: number;
}

export interface TrainData {
  train: Dataset;
  validation?: Dataset;
}

export interface TrainResult {
  status: 'completed' | 'stopped';
  epochsCompleted: number;
  steps: number;
  history: EpochStats[];
  /** A copy of the (latent) weights. */
  params: DenseLayer[];
}

export const CHECKPOINT_FORMAT = 'aivillage.trainer/1';

/** All a trainer needs to carry on; JSON-safe. */
export interface TrainerCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  config: ResolvedTrainConfig;
  /** Size of the training set it was trained on (null before the first step). */
  trainSize: number | null;
  epochsCompleted: number;
  stepInEpoch: number;
  step: number;
  /** Running sums of the current epoch. */
  epochTotals: EpochTotals;
  history: EpochStats[];
  params: EncodedLayer[];
  /** Optimiser moments (Adam's m / SGD's velocity, and Adam's v). */
  moments: { first: EncodedLayer[]; second: EncodedLayer[] | null };
}

interface EpochTotals {
  loss: number;
  correct: number;
  seen: number;
  batches: number;
}

export function resolveTrainConfig(config: TrainConfig): ResolvedTrainConfig {
  layerSizes(config.arch);
  const positiveInt = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`TrainConfig.${field} must be a positive integer, got ${v}`);
  };
  positiveInt('epochs', config.epochs);
  if (!Number.isInteger(config.seed)) throw new RangeError(`TrainConfig.seed must be an integer, got ${config.seed}`);
  const batchSize = config.batchSize ?? 32;
  positiveInt('batchSize', batchSize);
  const l2 = config.l2 ?? 0;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`TrainConfig.l2 must be a non-negative number, got ${l2}`);
  const schedule = config.schedule ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'cosine') throw new RangeError(`TrainConfig.schedule must be 'constant' or 'cosine', got ${schedule}`);
  const quantization = config.quantization ?? 'float32';
  if (!WEIGHT_FORMATS.includes(quantization)) throw new RangeError(`TrainConfig.quantization must be one of ${WEIGHT_FORMATS.join(', ')}, got ${quantization}`);
  return {
    arch: { inputSize: config.arch.inputSize, hidden: [...config.arch.hidden], classes: config.arch.classes },
    epochs: config.epochs,
    seed: config.seed,
    batchSize,
    optimizer: checkOptimizer(config.optimizer ?? { kind: 'adam', learningRate: 1e-3 }),
    l2,
    schedule,
    quantization,
  };
}

/** The order of the training set in an epoch: a function of (seed, epoch) only. */
function epochOrder(seed: number, epoch: number, size: number): Uint32Array {
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  shuffleInPlace(order, createPrng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).int);
  return order;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Trainer {
  readonly config: ResolvedTrainConfig;
  #params: DenseLayer[];
  #moments: OptimizerState;
  #trainSize: number | null;
  #epochsCompleted: number;
  #stepInEpoch: number;
  #step: number;
  #totals: EpochTotals;
  #history: EpochStats[];

  private constructor(config: ResolvedTrainConfig, params: DenseLayer[], moments: OptimizerState, position?: Omit<TrainerCheckpoint, 'format' | 'config' | 'params' | 'moments'>) {
    this.config = config;
    this.#params = params;
    this.#moments = moments;
    this.#trainSize = position?.trainSize ?? null;
    this.#epochsCompleted = position?.epochsCompleted ?? 0;
    this.#stepInEpoch = position?.stepInEpoch ?? 0;
    this.#step = position?.step ?? 0;
    this.#totals = position ? { ...position.epochTotals } : { loss: 0, correct: 0, seen: 0, batches: 0 };
    this.#history = position ? position.history.map((h) => ({ ...h })) : [];
  }

  /** A fresh trainer; starts from a copy of `initial` (fine-tuning) or from seeded weights. */
  static create(config: TrainConfig, initial?: readonly DenseLayer[]): Trainer {
    const resolved = resolveTrainConfig(config);
    const params = initial ? cloneParams(initial) : initMlp(resolved.arch, resolved.seed);
    checkParams(resolved.arch, params);
    return new Trainer(resolved, params, createOptimizerState(resolved.optimizer, params));
  }

  /** A trainer from `checkpoint()`'s output (possibly after a JSON round trip). */
  static restore(checkpoint: TrainerCheckpoint): Trainer {
    if (checkpoint?.format !== CHECKPOINT_FORMAT) throw new RangeError(`not a trainer checkpoint (format ${String(checkpoint?.format)}, expected ${CHECKPOINT_FORMAT})`);
    if (!checkpoint.moments || !checkpoint.epochTotals || !Array.isArray(checkpoint.history)) throw new RangeError('trainer checkpoint is incomplete (moments, epochTotals or history missing)');
    const config = resolveTrainConfig(checkpoint.config);
    const like = initMlp(config.arch, 0);
    const params = decodeLayers(checkpoint.params, like, 'checkpoint.params');
    const fresh = createOptimizerState(config.optimizer, like);
    if ((checkpoint.moments.second === null) !== (fresh.second === null)) throw new RangeError(`checkpoint.moments do not fit the ${config.optimizer.kind} optimiser`);
    const moments: OptimizerState = {
      first: decodeLayers(checkpoint.moments.first, like, 'checkpoint.moments.first'),
      second: checkpoint.moments.second && decodeLayers(checkpoint.moments.second, like, 'checkpoint.moments.second'),
    };
    return new Trainer(config, params, moments, checkpoint);
  }

  /** A copy of the current (latent) weights. */
  get params(): DenseLayer[] {
    return cloneParams(this.#params);
  }

  get epochsCompleted(): number {
    return this.#epochsCompleted;
  }

  get step(): number {
    return this.#step;
  }

  get history(): readonly EpochStats[] {
    return this.#history;
  }

  get done(): boolean {
    return this.#epochsCompleted >= this.config.epochs;
  }

  checkpoint(): TrainerCheckpoint {
    return {
      format: CHECKPOINT_FORMAT,
      config: structuredClone(this.config),
      trainSize: this.#trainSize,
      epochsCompleted: this.#epochsCompleted,
      stepInEpoch: this.#stepInEpoch,
      step: this.#step,
      epochTotals: { ...this.#totals },
      history: this.#history.map((h) => ({ ...h })),
      params: encodeLayers(this.#params),
      moments: { first: encodeLayers(this.#moments.first), second: this.#moments.second && encodeLayers(this.#moments.second) },
    };
  }

  /** The weights the model computes with: the latent ones, or their quantised values under QAT. */
  effectiveParams(): DenseLayer[] {
    const format = this.config.quantization;
    return this.#params.map((l) => ({ weight: dequantizeWeight(l.weight, l.bias.length, format), bias: l.bias.slice() }));
  }

  /** Trains until `config.epochs` epochs are complete or `shouldStop` says so. */
  async train(data: TrainData, hooks: TrainHooks = {}): Promise<TrainResult> {
    const { arch, batchSize, epochs, seed, quantization } = this.config;
    const { train, validation } = data;
    checkDataset(arch, train, 'train');
    if (validation) checkDataset(arch, validation, 'validation');
    if (train.size === 0) throw new RangeError('TrainData.train is empty');
    if (this.#trainSize !== null && this.#trainSize !== train.size) {
      throw new RangeError(`this run trained on ${this.#trainSize} samples; TrainData.train has ${train.size} (resume with the same split)`);
    }
    this.#trainSize = train.size;
    const stepsPerEpoch = Math.ceil(train.size / batchSize);
    const totalSteps = stepsPerEpoch * epochs;
    const backprop = new Backprop(arch, batchSize);
    const grads: LayerBuffers = zeroBuffers(this.#params);
    // Under QAT the passes run on quantised copies that share the latent biases.
    const working: DenseLayer[] = quantization === 'float32' ? this.#params : this.#params.map((l) => ({ weight: new Float32Array(l.weight.length), bias: l.bias }));
    const yieldEvery = hooks.yieldEveryMs ?? 50;
    let lastYield = performance.now();

    while (this.#epochsCompleted < epochs) {
      const epoch = this.#epochsCompleted + 1;
      const order = epochOrder(seed, this.#epochsCompleted, train.size);
      while (this.#stepInEpoch < stepsPerEpoch) {
        if (await hooks.shouldStop?.()) return this.#result('stopped');
        const rows = order.subarray(this.#stepInEpoch * batchSize, Math.min((this.#stepInEpoch + 1) * batchSize, train.size));
        if (quantization !== 'float32') {
          this.#params.forEach((l, i) => dequantizeWeight(l.weight, l.bias.length, quantization, working[i].weight));
        }
        const { loss, correct } = backprop.run(working, train.x, train.y, rows, grads);
        const learningRate = this.#learningRate(this.#step, totalSteps);
        this.#step += 1;
        optimizerStep(this.config.optimizer, this.#moments, this.#params, grads, { step: this.#step, learningRate, l2: this.config.l2 });
        this.#stepInEpoch += 1;
        this.#totals.loss += loss;
        this.#totals.correct += correct;
        this.#totals.seen += rows.length;
        this.#totals.batches += 1;
        await hooks.onStep?.({ step: this.#step, epoch, loss, batchAccuracy: correct / rows.length, learningRate });
        if (performance.now() - lastYield >= yieldEvery) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const val = validation ? lossAndAccuracy(this.effectiveParams(), validation.x, validation.y) : null;
      const stats: EpochStats = {
        epoch,
        trainLoss: this.#totals.loss / this.#totals.batches,
        trainAccuracy: this.#totals.correct / this.#totals.seen,
        validationLoss: val?.loss ?? null,
        validationAccuracy: val?.accuracy ?? null,
        steps: this.#totals.batches,
      };
      this.#history.push(stats);
      this.#epochsCompleted += 1;
      this.#stepInEpoch = 0;
      this.#totals = { loss: 0, correct: 0, seen: 0, batches: 0 };
      await hooks.onEpoch?.(stats);
    }
    return this.#result('completed');
  }

  #learningRate(step: number, totalSteps: number): number {
    const lr = this.config.optimizer.learningRate;
    return this.config.schedule === 'cosine' ? lr * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)) : lr;
  }

  #result(status: TrainResult['status']): TrainResult {
    return { status, epochsCompleted: this.#epochsCompleted, steps: this.#step, history: this.#history.map((h) => ({ ...h })), params: this.params };
  }
}

function checkDataset(arch: MlpArchitecture, ds: Dataset, field: string): void {
  if (ds.features !== arch.inputSize) throw new RangeError(`TrainData.${field} has ${ds.features} features; the model takes ${arch.inputSize}`);
  if (ds.classes !== arch.classes) throw new RangeError(`TrainData.${field} has ${ds.classes} classes; the model has ${arch.classes}`);
  if (ds.x.length !== ds.size * ds.features || ds.y.length !== ds.size) throw new RangeError(`TrainData.${field} is not ${ds.size} samples of ${ds.features} features`);
}
