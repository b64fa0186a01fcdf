/**
 * The per-process cache of loaded models, keyed by content hash (sha256 of the bytes), so
 * every registry entry, version or upload with the same bytes shares one session. It is
 * bounded by an estimate of native memory (file size × `memoryFactor`: onnxruntime keeps
 * the weights, an optimised copy of the graph and its arenas) and evicts the least
 * recently used model when a load would exceed it. Loads are single-flight: concurrent
 * requests for a model that is loading wait for the same load. A new session is warmed up
 * with one dummy run before anyone sees it. Evicted sessions close, and free their native
 * memory as soon as their in-flight runs finish.
 */
import { OnnxFormatError } from './model-errors.js';
import { ModelSession, type ModelSessionOptions, type WarmUpResult } from './inference-session.js';
import { modelContentHash } from './onnx-file.js';

export interface SessionCacheOptions extends ModelSessionOptions {
  /** Estimated native memory all cached sessions may use. */
  budgetBytes: number;
  /** Estimated memory per byte of model file (default 3). */
  memoryFactor?: number;
  /** Warm each new session up with one dummy run (default true). */
  warmUp?: boolean;
  /** Called when a session leaves the cache (evicted or deleted). */
  onEvict?: (modelId: string, reason: 'budget' | 'delete') => void;
  /** Called after each load, with its warm-up result when warm-up is on. */
  onLoad?: (modelId: string, loadMs: number, warmUp: WarmUpResult | null) => void;
}

export interface SessionCacheStats {
  entries: number;
  estimatedBytes: number;
  budgetBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface Entry {
  session: ModelSession;
  estimatedBytes: number;
}

export class SessionCache {
  readonly #options: SessionCacheOptions;
  readonly #factor: number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<ModelSession>>();
  #estimatedBytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: SessionCacheOptions) {
    if (!(options.budgetBytes > 0)) throw new RangeError('budgetBytes must be positive');
    this.#options = options;
    this.#factor = options.memoryFactor ?? 3;
  }

  /** The session for these bytes, loading it on a miss. */
  get(bytes: Uint8Array): Promise<ModelSession> {
    return this.getOrLoad(modelContentHash(bytes), async () => bytes);
  }

  /**
   * The session for a content hash, calling `load` for the bytes only on a miss (e.g. from
   * object storage). The loaded bytes must hash to `modelId`, so a stale or corrupted blob
   * can never be served under another model's identity.
   */
  getOrLoad(modelId: string, load: () => Promise<Uint8Array>): Promise<ModelSession> {
    const entry = this.#entries.get(modelId);
    if (entry) {
      this.#hits += 1;
      this.#entries.delete(modelId);
      this.#entries.set(modelId, entry);
      return Promise.resolve(entry.session);
    }
    const pending = this.#loading.get(modelId);
    if (pending) {
      this.#hits += 1;
      return pending;
    }
    this.#misses += 1;
    const loading = this.#load(modelId, load).finally(() => this.#loading.delete(modelId));
    this.#loading.set(modelId, loading);
    return loading;
  }

  /** The cached session, if any, without loading or touching recency. */
  peek(modelId: string): ModelSession | undefined {
    return this.#entries.get(modelId)?.session;
  }

  /** Removes one model (e.g. deleted from the registry); resolves once its session is released. */
  async delete(modelId: string): Promise<void> {
    const entry = this.#entries.get(modelId);
    if (!entry) return;
    this.#remove(modelId, entry, 'delete');
    await entry.session.close();
  }

  /** Closes every session; resolves when all are released. */
  async clear(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((id) => this.delete(id)));
  }

  stats(): SessionCacheStats {
    return {
      entries: this.#entries.size,
      estimatedBytes: this.#estimatedBytes,
      budgetBytes: this.#options.budgetBytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }

  async #load(modelId: string, load: () => Promise<Uint8Array>): Promise<ModelSession> {
    const started = performance.now();
    const bytes = await load();
    const actual = modelContentHash(bytes);
    if (actual !== modelId) throw new OnnxFormatError(`content hash ${actual.slice(0, 12)} does not match model ${modelId.slice(0, 12)}`);
    const session = await ModelSession.create(bytes, this.#options);
    const warmUp = this.#options.warmUp === false ? null : await session.warmUp();
    const estimatedBytes = bytes.byteLength * this.#factor;
    // Make room first; a model larger than the whole budget still loads, alone.
    for (const [id, entry] of this.#entries) {
      if (this.#estimatedBytes + estimatedBytes <= this.#options.budgetBytes) break;
      this.#remove(id, entry, 'budget');
      void entry.session.close();
    }
    this.#entries.set(modelId, { session, estimatedBytes });
    this.#estimatedBytes += estimatedBytes;
    this.#options.onLoad?.(modelId, performance.now() - started, warmUp);
    return session;
  }

  #remove(modelId: string, entry: Entry, reason: 'budget' | 'delete'): void {
    this.#entries.delete(modelId);
    this.#estimatedBytes -= entry.estimatedBytes;
    if (reason === 'budget') this.#evictions += 1;
    this.#options.onEvict?.(modelId, reason);
  }
}
