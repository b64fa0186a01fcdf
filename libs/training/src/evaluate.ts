/**
 * Measuring classifiers on labelled data: in JS from weights, and through onnxruntime from
 * an exported model. The figures the platform reports come from `evaluateOnnx`, i.e. from
 * the artifact that will be served, not from the weights it was made of.
 */
import { MLP_INPUT, MLP_OUTPUT, type DenseLayer } from '@aivillage/models';
import { ModelSession, type SessionOptions } from '@aivillage/models/runtime';
import type { Dataset } from './dataset.js';
import { checkParams, lossAndAccuracy, type MlpArchitecture } from './mlp.js';

/** Fraction of `ds` the model classifies correctly (argmax of the logits), in JS. */
export function accuracy(arch: MlpArchitecture, params: readonly DenseLayer[], ds: Dataset): number {
  checkParams(arch, params);
  if (ds.features !== arch.inputSize) throw new RangeError(`${ds.name} has ${ds.features} features; the model takes ${arch.inputSize}`);
  return lossAndAccuracy(params, ds.x, ds.y).accuracy;
}

export interface OnnxEvaluation {
  accuracy: number;
  /** Mean cross-entropy of the model's probabilities. */
  loss: number;
  /** Predicted class per sample. */
  predictions: Uint8Array;
  /** The model's output [size, classes], row-major. */
  probabilities: Float32Array;
  /** Loading the model into onnxruntime, and running the whole set. */
  loadMs: number;
  runMs: number;
}

export interface EvaluateOnnxOptions {
  /** Rows per run (default 512). */
  batchSize?: number;
  /** Over ModelSession's defaults (those inference workers serve with: all graph optimisations) and one intra-op thread. */
  sessionOptions?: SessionOptions;
}

/**
 * Runs an exported classifier (input `features` float32 [N, features] → `probabilities`
 * [N, classes], as `buildMlpClassifier` and `exportOnnx` write) over `ds` in onnxruntime,
 * configured as the platform serves it unless `sessionOptions` say otherwise.
 * Throws the ModelLoadError / ModelInputError of @aivillage/models for a model that does
 * not load or does not take the dataset's shape.
 */
export async function evaluateOnnx(bytes: Uint8Array, ds: Dataset, options: EvaluateOnnxOptions = {}): Promise<OnnxEvaluation> {
  const batchSize = options.batchSize ?? 512;
  const t0 = performance.now();
  const session = await ModelSession.create(bytes, { sessionOptions: { intraOpNumThreads: 1, ...options.sessionOptions } });
  const loadMs = performance.now() - t0;
  const release = session.acquire();
  try {
    const t1 = performance.now();
    let probabilities = new Float32Array(0);
    for (let start = 0; start < ds.size; start += batchSize) {
      const rows = Math.min(batchSize, ds.size - start);
      const data = ds.x.subarray(start * ds.features, (start + rows) * ds.features);
      const out = await session.runPrepared(session.prepare({ [MLP_INPUT]: { data, dims: [rows, ds.features] } }), [MLP_OUTPUT]);
      const chunk = out[MLP_OUTPUT].data as Float32Array;
      if (start === 0) probabilities = new Float32Array(ds.size * (chunk.length / rows));
      probabilities.set(chunk, start * (chunk.length / rows));
    }
    const runMs = performance.now() - t1;
    const classes = ds.size > 0 ? probabilities.length / ds.size : 0;
    const predictions = new Uint8Array(ds.size);
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < ds.size; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      let arg = 0;
      for (let j = 1; j < classes; j++) if (row[j] > row[arg]) arg = j;
      predictions[i] = arg;
      if (arg === ds.y[i]) correct++;
      loss -= Math.log(Math.max(row[ds.y[i]], 1e-30));
    }
    return { accuracy: correct / ds.size, loss: loss / ds.size, predictions, probabilities, loadMs, runMs };
  } finally {
    release();
    await session.close();
  }
}
