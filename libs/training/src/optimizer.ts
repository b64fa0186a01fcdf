/**
 * First-order optimisers over a model's layers, with their state in Float32Arrays so a
 * checkpoint can carry it. With L2 coefficient λ the gradient of the weights (not the
 * biases) gets λ·w added, i.e. the loss minimised is CE + (λ/2)·Σ w².
 *
 * Adam (Kingma & Ba 2015), t = 1, 2, …:
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * SGD with momentum μ:  u ← μu + g,  w ← w − lr·u   (μ = 0 is plain SGD).
 */
import type { DenseLayer } from '@aivillage/models';
import type { LayerBuffers } from './mlp.js';

export type OptimizerConfig =
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number }
  | { kind: 'sgd'; learningRate: number; momentum?: number };

/** Per-parameter moments: Adam's m and v, SGD's velocity in `first` (and no `second`). */
export interface OptimizerState {
  first: DenseLayer[];
  second: DenseLayer[] | null;
}

export function checkOptimizer(config: OptimizerConfig): Required<OptimizerConfig> {
  const within = (field: string, v: number, lo: number, hi: number) => {
    if (!(v >= lo && v < hi)) throw new RangeError(`OptimizerConfig.${field} must be in [${lo}, ${hi}), got ${v}`);
  };
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) {
    throw new RangeError(`OptimizerConfig.learningRate must be a positive number, got ${config.learningRate}`);
  }
  if (config.kind === 'adam') {
    const c = { kind: 'adam' as const, learningRate: config.learningRate, beta1: config.beta1 ?? 0.9, beta2: config.beta2 ?? 0.999, epsilon: config.epsilon ?? 1e-8 };
    within('beta1', c.beta1, 0, 1);
    within('beta2', c.beta2, 0, 1);
    if (!(c.epsilon > 0)) throw new RangeError(`OptimizerConfig.epsilon must be positive, got ${c.epsilon}`);
    return c;
  }
  if (config.kind === 'sgd') {
    const c = { kind: 'sgd' as const, learningRate: config.learningRate, momentum: config.momentum ?? 0 };
    within('momentum', c.momentum, 0, 1);
    return c;
  }
  throw new RangeError(`OptimizerConfig.kind must be 'adam' or 'sgd', got ${(config as { kind: unknown }).kind}`);
}

export function createOptimizerState(config: OptimizerConfig, params: readonly DenseLayer[]): OptimizerState {
  const zeros = () => params.map((l) => ({ weight: new Float32Array(l.weight.length), bias: new Float32Array(l.bias.length) }));
  return { first: zeros(), second: config.kind === 'adam' ? zeros() : null };
}

/**
 * One update of `params` in place from `grads`; `step` counts from 1 (Adam's bias
 * correction) and `learningRate` is this step's rate (after any schedule).
 */
export function optimizerStep(
  config: Required<OptimizerConfig>,
  state: OptimizerState,
  params: DenseLayer[],
  grads: LayerBuffers,
  options: { step: number; learningRate: number; l2: number },
): void {
  const { step, learningRate: lr, l2 } = options;
  params.forEach((layer, l) => {
    for (const key of ['weight', 'bias'] as const) {
      const w = layer[key];
      const g = grads[l][key];
      const decay = key === 'weight' ? l2 : 0;
      const m = state.first[l][key];
      if (config.kind === 'adam') {
        const v = state.second![l][key];
        const { beta1: b1, beta2: b2, epsilon } = config;
        const c1 = 1 - b1 ** step;
        const c2 = 1 - b2 ** step;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i] + decay * w[i];
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = b2 * v[i] + (1 - b2) * gi * gi;
          w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + epsilon);
        }
      } else {
        const mu = config.momentum;
        for (let i = 0; i < w.length; i++) {
          m[i] = mu * m[i] + g[i] + decay * w[i];
          w[i] -= lr * m[i];
        }
      }
    }
  });
}
