/**
 * Resolving `runInference(model, version | alias)` to a model version and checking the
 * request against its signature, both without a database round trip on the hot path:
 * resolutions are cached per (namespace, model, selector) for `ttlMs`, concurrent misses
 * share one lookup, and `invalidate()` (called on every registry write, here and, through
 * pub/sub, on every other API instance) drops them all. A lookup that raced an invalidation
 * answers its caller but is not kept.
 */
import { Lru } from '@aivillage/cache';
import type { ModelVersion } from '@aivillage/db';
import { badInput } from '@aivillage/errors';
import type { InferenceModelRef } from './inference-client.js';
import type { TensorSpec } from './onnx-file.js';
import { prepareInputs, type ModelInputs } from './tensor-json.js';

export interface InferenceTarget extends InferenceModelRef {
  versionId: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface VersionResolver {
  resolveVersion(namespace: string, model: string, selector: { version?: number | null; alias?: string | null }): Promise<ModelVersion>;
}

export interface InferenceTargetsOptions {
  /** How long a resolution is trusted without an invalidation (default 30 s). */
  ttlMs?: number;
  /** Largest request accepted, in elements over all inputs (default 16M). */
  maxElements?: number;
}

export class InferenceTargets {
  readonly #registry: VersionResolver;
  readonly #ttlMs: number;
  readonly #maxElements: number;
  readonly #cache = new Lru<InferenceTarget>(10_000);
  readonly #loading = new Map<string, Promise<InferenceTarget>>();
  #generation = 0;

  constructor(registry: VersionResolver, options: InferenceTargetsOptions = {}) {
    this.#registry = registry;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxElements = options.maxElements ?? 16_777_216;
  }

  resolve(namespace: string, model: string, selector: { version?: number | null; alias?: string | null }): Promise<InferenceTarget> {
    const key = `${namespace}\u0000${model}\u0000${selector.version ?? ''}\u0000${selector.alias ?? ''}`;
    const hit = this.#cache.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const generation = this.#generation;
    const loading = this.#registry
      .resolveVersion(namespace, model, selector)
      .then((v): InferenceTarget => {
        const target: InferenceTarget = {
          namespace,
          name: model,
          version: v.version,
          versionId: v.id,
          sha256: v.sha256,
          inputs: v.inputs as unknown as TensorSpec[],
          outputs: v.outputs as unknown as TensorSpec[],
        };
        if (generation === this.#generation) this.#cache.set(key, target, this.#ttlMs);
        return target;
      })
      .finally(() => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
      });
    this.#loading.set(key, loading);
    return loading;
  }

  /**
   * Checks a request against the target's signature (names, dtypes, ranks, fixed and
   * symbolic dims, size), throwing ModelInputError naming the expected signature, and
   * checks that requested outputs exist.
   */
  validate(target: InferenceTarget, inputs: ModelInputs, outputs?: readonly string[] | null): void {
    prepareInputs(target.inputs, inputs, this.#maxElements);
    if (outputs) {
      const names = target.outputs.map((o) => o.name);
      const unknown = outputs.filter((o) => !names.includes(o));
      if (unknown.length) {
        const list = unknown.map((u) => JSON.stringify(u)).join(', ');
        throw badInput(`unknown output${unknown.length > 1 ? 's' : ''} ${list}; the model's outputs are ${names.join(', ')}`, { field: 'outputs', outputs: names });
      }
    }
  }

  /** Forgets every resolution (a registry write happened somewhere). */
  invalidate(): void {
    this.#generation += 1;
    this.#cache.clear();
    this.#loading.clear();
  }
}

