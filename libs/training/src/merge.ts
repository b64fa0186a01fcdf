/**
 * Model merging (EvoMerge's operators), tensor by tensor over models of one architecture.
 * Merging averages weights position by position, so it only helps between models whose
 * hidden units line up: models fine-tuned from one shared initialisation (or one base
 * model). Independently initialised networks compute the same function with permuted
 * units, and averaging those destroys both.
 *
 * - linear: (1−t)·a + t·b.
 * - SLERP: along the great circle between the flattened tensors, with Ω the angle between
 *   them: sin((1−t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b; linear when they are nearly parallel.
 * - TIES (Yadav et al. 2023): task vectors τᵢ = modelᵢ − base; keep each τᵢ's top `density`
 *   fraction by magnitude; elect each parameter's sign as sign(Σ wᵢτᵢ); average, weighted,
 *   only the entries that agree with it; add the result (times `scale`) to the base.
 */
import type { DenseLayer } from '@aivillage/models';

export interface SlerpOptions {
  /** |cos Ω| above which SLERP falls back to linear (default 0.9995). */
  parallelThreshold?: number;
}

export interface TiesOptions {
  /** Fraction of each task vector kept (largest magnitudes), in (0, 1]. */
  density: number;
  /** One weight per model (default all 1). */
  weights?: readonly number[];
  /** λ, the merged task vector's multiplier (default 1). */
  scale?: number;
}

/** Throws a RangeError unless every model has the first one's tensor shapes. */
export function checkSameShapes(models: readonly (readonly DenseLayer[])[], what = 'models'): void {
  const [first, ...rest] = models;
  rest.forEach((m, i) => {
    const same = m.length === first.length && m.every((l, j) => l.weight.length === first[j].weight.length && l.bias.length === first[j].bias.length);
    if (!same) throw new RangeError(`${what}[${i + 1}] does not have the layer shapes of ${what}[0]: merging needs one architecture`);
  });
}

function checkT(t: number): void {
  if (!Number.isFinite(t)) throw new RangeError(`t must be a finite number, got ${t}`);
}

/** Applies `fn` to each pair of tensors (weights, then biases) of each layer. */
function mapTensors(models: readonly (readonly DenseLayer[])[], fn: (tensors: Float32Array[]) => Float32Array): DenseLayer[] {
  return models[0].map((_, l) => ({ weight: fn(models.map((m) => m[l].weight)), bias: fn(models.map((m) => m[l].bias)) }));
}

function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
  return out;
}

export function mergeLinear(a: readonly DenseLayer[], b: readonly DenseLayer[], t: number): DenseLayer[] {
  checkT(t);
  checkSameShapes([a, b]);
  return mapTensors([a, b], ([x, y]) => lerp(x, y, t));
}

export function mergeSlerp(a: readonly DenseLayer[], b: readonly DenseLayer[], t: number, options: SlerpOptions = {}): DenseLayer[] {
  checkT(t);
  checkSameShapes([a, b]);
  const threshold = options.parallelThreshold ?? 0.9995;
  return mapTensors([a, b], ([x, y]) => {
    let dot = 0;
    let nx = 0;
    let ny = 0;
    for (let i = 0; i < x.length; i++) {
      dot += x[i] * y[i];
      nx += x[i] * x[i];
      ny += y[i] * y[i];
    }
    if (nx === 0 || ny === 0) return lerp(x, y, t);
    const cos = Math.max(-1, Math.min(1, dot / Math.sqrt(nx * ny)));
    if (Math.abs(cos) > threshold) return lerp(x, y, t);
    const omega = Math.acos(cos);
    const sin = Math.sin(omega);
    const ca = Math.sin((1 - t) * omega) / sin;
    const cb = Math.sin(t * omega) / sin;
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = ca * x[i] + cb * y[i];
    return out;
  });
}

export function mergeTies(base: readonly DenseLayer[], models: readonly (readonly DenseLayer[])[], options: TiesOptions): DenseLayer[] {
  const { density, scale = 1 } = options;
  if (models.length === 0) throw new RangeError('mergeTies needs at least one model');
  if (!(density > 0 && density <= 1)) throw new RangeError(`TiesOptions.density must be in (0, 1], got ${density}`);
  if (!Number.isFinite(scale)) throw new RangeError(`TiesOptions.scale must be a finite number, got ${scale}`);
  const weights = options.weights ?? models.map(() => 1);
  if (weights.length !== models.length || !weights.every((w) => Number.isFinite(w) && w >= 0)) {
    throw new RangeError(`TiesOptions.weights must be ${models.length} non-negative numbers, one per model`);
  }
  checkSameShapes([base, ...models]);
  return mapTensors([base, ...models], ([b, ...ms]) => {
    const n = b.length;
    const tasks = ms.map((m) => trimToTop(taskVector(m, b), density));
    const out = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      let elected = 0;
      for (let i = 0; i < tasks.length; i++) elected += weights[i] * tasks[i][p];
      const sign = Math.sign(elected);
      let sum = 0;
      let weight = 0;
      for (let i = 0; i < tasks.length; i++) {
        if (sign !== 0 && Math.sign(tasks[i][p]) === sign) {
          sum += weights[i] * tasks[i][p];
          weight += weights[i];
        }
      }
      out[p] = b[p] + (weight > 0 ? (scale * sum) / weight : 0);
    }
    return out;
  });
}

function taskVector(model: Float32Array, base: Float32Array): Float64Array {
  const tau = new Float64Array(model.length);
  for (let i = 0; i < model.length; i++) tau[i] = model[i] - base[i];
  return tau;
}

/** Zeroes all but the ⌈density·n⌉ largest magnitudes (ties broken by position). */
function trimToTop(tau: Float64Array, density: number): Float64Array {
  const keep = Math.ceil(density * tau.length);
  if (keep >= tau.length) return tau;
  const order = Array.from({ length: tau.length }, (_, i) => i).sort((i, j) => Math.abs(tau[j]) - Math.abs(tau[i]) || i - j);
  for (let r = keep; r < order.length; r++) tau[order[r]] = 0;
  return tau;
}
