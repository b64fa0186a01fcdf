/**
 * One loaded model: an onnxruntime session plus the signature read from the model bytes.
 * It validates requests before they reach the runtime (so a bad request is a
 * BAD_USER_INPUT naming the expected signature, never a native error), converts JSON to
 * tensors and back, knows whether the model can be batched along dim 0, and counts the work
 * in flight so that closing it (cache eviction) releases native memory only once that work
 * is done.
 *
 * Note: onnxruntime-node runs a session synchronously on the JS thread (its `run` only
 * defers by one setImmediate), so a run blocks the event loop for its duration; batching
 * many requests into one run is how to keep that cost down.
 */
import ort from 'onnxruntime-node';
import { ModelInputError, ModelLoadError, ModelRuntimeError, ModelSessionClosedError } from './model-errors.js';
import { modelContentHash, readOnnxModel, type OnnxModelInfo, type TensorSpec } from './onnx-file.js';
import { isJsonDtype, jsonDtypeInfo } from './tensor-dtype.js';
import { prepareInputs, tensorToJson, type ModelInputs, type ModelOutputs, type PreparedTensor, type RawTensor } from './tensor-json.js';

export type SessionOptions = ort.InferenceSession.SessionOptions;

export interface ModelSessionOptions {
  /** Passed to onnxruntime over our defaults (all graph optimisations, errors-only logging). */
  sessionOptions?: SessionOptions;
  /** Largest request, in elements over all inputs (default 16M, 64 MB of float32). */
  maxElements?: number;
}

/** Whether requests can be concatenated along dim 0, and if not, why. */
export type Batching = { batchable: true; dim: string } | { batchable: false; reason: string };

export interface WarmUpResult {
  ok: boolean;
  ms: number;
  error?: string;
}

const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  graphOptimizationLevel: 'all',
  // onnxruntime logs to stderr (warnings, and every failed run even though run() also
  // throws it); the errors reach callers as exceptions, so only fatal messages are logged.
  logSeverityLevel: 4,
};

export class ModelSession {
  #active = 0;
  #closed = false;
  #released: Promise<void> | null = null;
  #onIdle: (() => void) | null = null;
  #warmUp: WarmUpResult | null = null;

  private constructor(
    /** sha256 of the model bytes. */
    readonly id: string,
    readonly info: OnnxModelInfo,
    readonly sizeBytes: number,
    readonly batching: Batching,
    private readonly session: ort.InferenceSession,
    private readonly maxElements: number,
  ) {}

  /** Reads, checks and loads a model. Throws OnnxFormatError or ModelLoadError (both user faults). */
  static async create(bytes: Uint8Array, options: ModelSessionOptions = {}): Promise<ModelSession> {
    const info = readOnnxModel(bytes);
    let session: ort.InferenceSession;
    try {
      // onnxruntime rejects keys present with undefined values (e.g. intraOpNumThreads: undefined).
      const given = Object.entries(options.sessionOptions ?? {}).filter(([, v]) => v !== undefined);
      session = await ort.InferenceSession.create(bytes, { ...DEFAULT_SESSION_OPTIONS, ...Object.fromEntries(given) });
    } catch (cause) {
      throw new ModelLoadError((cause as Error).message, cause);
    }
    return new ModelSession(modelContentHash(bytes), info, bytes.byteLength, analyseBatching(info), session, options.maxElements ?? 16_777_216);
  }

  get inputs(): readonly TensorSpec[] {
    return this.info.inputs;
  }

  get outputs(): readonly TensorSpec[] {
    return this.info.outputs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get lastWarmUp(): WarmUpResult | null {
    return this.#warmUp;
  }

  /** Validates and converts a request; throws ModelInputError. */
  prepare(inputs: ModelInputs): PreparedTensor[] {
    return prepareInputs(this.info.inputs, inputs, this.maxElements);
  }

  /** Validates, runs, and returns the requested outputs (all by default) as JSON. */
  async run(inputs: ModelInputs, options: { outputs?: readonly string[] } = {}): Promise<ModelOutputs> {
    const names = this.#checkOutputs(options.outputs);
    const release = this.acquire();
    try {
      const raw = await this.runPrepared(this.prepare(inputs), names);
      const out: ModelOutputs = {};
      for (const name of names) out[name] = tensorToJson(raw[name]);
      return out;
    } finally {
      release();
    }
  }

  /**
   * Marks work in flight. Throws ModelSessionClosedError once the session is closing;
   * call the returned function (idempotent) when done. Held work keeps the native session
   * alive past close().
   */
  acquire(): () => void {
    if (this.#closed) throw new ModelSessionClosedError(this.id);
    this.#active += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#active -= 1;
      if (this.#active === 0) this.#onIdle?.();
    };
  }

  /** Runs already prepared inputs; the caller must hold acquire(). Runtime failures become ModelRuntimeError. */
  async runPrepared(tensors: readonly PreparedTensor[], outputs?: readonly string[]): Promise<Record<string, RawTensor>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of tensors) feeds[t.name] = new ort.Tensor(t.dtype, t.data, t.dims);
    try {
      return outputs ? await this.session.run(feeds, [...outputs]) : await this.session.run(feeds);
    } catch (cause) {
      throw new ModelRuntimeError((cause as Error).message, cause);
    }
  }

  /**
   * One run on zeros of the declared shapes (symbolic and unknown dims as 1), so the first
   * real request does not pay for onnxruntime's lazy allocations. Best effort: a model whose
   * dims of 1 or zeros are not valid inputs is still a valid model, so failure is reported,
   * not thrown.
   */
  async warmUp(): Promise<WarmUpResult> {
    const started = performance.now();
    const release = this.acquire();
    try {
      const tensors = this.info.inputs.map((spec): PreparedTensor => {
        if (!isJsonDtype(spec.dtype) || spec.shape === null) throw new ModelInputError(`cannot make a dummy ${spec.dtype} input`, spec.name, this.info.inputs);
        const dims = spec.shape.map((d) => (typeof d === 'number' ? d : 1));
        return { name: spec.name, dtype: spec.dtype, dims, data: jsonDtypeInfo(spec.dtype).create(dims.reduce((a, b) => a * b, 1)) };
      });
      await this.runPrepared(tensors);
      this.#warmUp = { ok: true, ms: performance.now() - started };
    } catch (e) {
      this.#warmUp = { ok: false, ms: performance.now() - started, error: (e as Error).message };
    } finally {
      release();
    }
    return this.#warmUp;
  }

  /**
   * Refuses new work and releases the native session once work in flight is done. Safe to
   * call more than once; resolves when released.
   */
  close(): Promise<void> {
    if (this.#released) return this.#released;
    this.#closed = true;
    this.#released = new Promise<void>((resolve) => {
      const release = () => {
        this.#onIdle = null;
        // release() frees native memory at once; older onnxruntime builds lack it.
        const maybe = (this.session as { release?: () => Promise<void> }).release;
        Promise.resolve(maybe?.call(this.session)).catch(() => undefined).then(() => resolve());
      };
      if (this.#active === 0) release();
      else this.#onIdle = release;
    });
    return this.#released;
  }

  #checkOutputs(requested: readonly string[] | undefined): string[] {
    const all = this.info.outputs.map((o) => o.name);
    if (!requested) return all;
    for (const name of requested) {
      if (!all.includes(name)) throw new ModelInputError(`unknown output "${name}" (outputs: ${all.join(', ')})`, null, this.info.inputs);
    }
    return [...requested];
  }
}

/**
 * A model is batchable when every input starts with the same symbolic dim, that dim occurs
 * nowhere else, and every output starts with a symbolic dim. Outputs' batch dims often get
 * exporter-generated names, so their name is not required to match; the batcher checks at
 * run time that each output has as many rows as the batch and falls back otherwise.
 */
export function analyseBatching(info: OnnxModelInfo): Batching {
  const no = (reason: string): Batching => ({ batchable: false, reason });
  if (info.inputs.length === 0) return no('the model has no inputs');
  const first = info.inputs[0];
  const dim = first.shape?.[0];
  if (typeof dim !== 'string') return no(`input "${first.name}" does not start with a symbolic batch dim`);
  for (const spec of info.inputs) {
    if (!isJsonDtype(spec.dtype)) return no(`input "${spec.name}" is ${spec.dtype}`);
    if (spec.shape === null || spec.shape[0] !== dim) return no(`input "${spec.name}" does not start with ${dim}`);
    if (spec.shape.indexOf(dim, 1) !== -1) return no(`input "${spec.name}" uses ${dim} beyond dim 0`);
  }
  for (const spec of info.outputs) {
    const d0 = spec.shape?.[0];
    if (typeof d0 !== 'string') return no(`output "${spec.name}" does not start with a symbolic dim`);
    if (spec.shape!.indexOf(dim, 1) !== -1) return no(`output "${spec.name}" uses ${dim} beyond dim 0`);
  }
  return { batchable: true, dim };
}
