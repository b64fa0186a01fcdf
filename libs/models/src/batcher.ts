/**
 * Dynamic batching: concurrent requests for the same model are gathered for up to
 * `maxBatch` rows or `maxDelayMs`, concatenated along dim 0, run as ONE onnxruntime call
 * and split back per request. Since onnxruntime-node runs on the JS thread, one run of 32
 * rows costs far less than 32 runs of one.
 *
 * Failure isolation:
 *  - each request is validated when it arrives, so a malformed one is rejected alone and
 *    never joins a batch;
 *  - requests join a batch only with others of identical non-batch dims (same T for a
 *    [N, T] input), so concatenation is always well formed;
 *  - if a batched run fails (a value only the runtime rejects, such as a token id beyond
 *    the vocabulary) or its outputs do not have one row per input row, every request of
 *    the batch is re-run alone: the culprit fails, the others succeed (reported as
 *    mode 'fallback').
 * Requests for models that cannot be batched, or with more rows than `maxBatch`, run alone.
 */
import type { ModelSession } from './inference-session.js';
import type { NumericArray } from './tensor-dtype.js';
import { jsonDtypeInfo } from './tensor-dtype.js';
import { tensorToJson, type ModelInputs, type ModelOutputs, type PreparedTensor, type RawTensor } from './tensor-json.js';

export interface BatchReport {
  modelId: string;
  /** 'batched': one run for all; 'single': a request run alone; 'fallback': a failed batch re-run request by request. */
  mode: 'batched' | 'single' | 'fallback';
  requests: number;
  /** Rows along dim 0 over all requests. */
  rows: number;
  /** How long the oldest request waited before its run started. */
  queueMs: number;
  /** Time inside onnxruntime (the sum of runs for 'fallback'). */
  runMs: number;
  /** From the oldest request's arrival to the last result handed back. */
  totalMs: number;
  failed: number;
}

export interface BatcherOptions {
  /** Most rows in one run (default 32). */
  maxBatch?: number;
  /** Longest a request waits for company (default 2 ms); 0 gathers only what arrives in the same tick. */
  maxDelayMs?: number;
  /** Called after every run, for histograms; exceptions it throws are ignored. */
  onBatch?: (report: BatchReport) => void;
}

/** A request's outputs and the run that produced them. */
export interface BatchedResult {
  outputs: ModelOutputs;
  batch: BatchReport;
}

interface Pending {
  tensors: PreparedTensor[];
  rows: number;
  arrived: number;
  release: () => void;
  resolve: (out: BatchedResult) => void;
  reject: (e: unknown) => void;
  /** Set by the run; handed over once the whole batch is done and its report exists. */
  outcome: { ok: true; outputs: ModelOutputs } | { ok: false; error: unknown } | null;
}

interface Group {
  session: ModelSession;
  key: string;
  items: Pending[];
  rows: number;
  cancelTimer: () => void;
}

export class DynamicBatcher {
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly #onBatch: ((r: BatchReport) => void) | undefined;
  readonly #groups = new Map<ModelSession, Map<string, Group>>();

  constructor(options: BatcherOptions = {}) {
    this.maxBatch = options.maxBatch ?? 32;
    this.maxDelayMs = options.maxDelayMs ?? 2;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    if (!(this.maxDelayMs >= 0)) throw new RangeError('maxDelayMs must be ≥ 0');
    this.#onBatch = options.onBatch;
  }

  /** Runs one request through the batch for its model; resolves with this request's outputs only. */
  async run(session: ModelSession, inputs: ModelInputs): Promise<ModelOutputs> {
    return (await this.runWithReport(session, inputs)).outputs;
  }

  /** Like run(), also telling which run served the request (its size and timings). */
  runWithReport(session: ModelSession, inputs: ModelInputs): Promise<BatchedResult> {
    return new Promise<BatchedResult>((resolve, reject) => {
      const arrived = performance.now();
      let tensors: PreparedTensor[];
      let release: () => void;
      try {
        tensors = session.prepare(inputs);
        release = session.acquire();
      } catch (e) {
        reject(e);
        return;
      }
      const rows = session.batching.batchable ? tensors[0].dims[0] : 1;
      const item: Pending = { tensors, rows, arrived, release, resolve, reject, outcome: null };
      if (!session.batching.batchable || rows >= this.maxBatch || rows === 0) {
        void this.#execute(session, [item]);
        return;
      }
      this.#enqueue(session, item);
    });
  }

  /** Runs everything waiting now instead of at its deadline (e.g. on shutdown). */
  flushAll(): void {
    for (const groups of this.#groups.values()) for (const g of [...groups.values()]) this.#flush(g);
  }

  #enqueue(session: ModelSession, item: Pending): void {
    const key = item.tensors.map((t) => t.dims.slice(1).join('x')).join('|');
    let group = this.#groups.get(session)?.get(key);
    if (group && group.rows + item.rows > this.maxBatch) {
      this.#flush(group);
      group = undefined;
    }
    if (!group) {
      // Looked up after any flush above, which drops the session's map when it empties.
      let groups = this.#groups.get(session);
      if (!groups) this.#groups.set(session, (groups = new Map()));
      const g: Group = { session, key, items: [], rows: 0, cancelTimer: () => undefined };
      if (this.maxDelayMs === 0) {
        const immediate = setImmediate(() => this.#flush(g));
        g.cancelTimer = () => clearImmediate(immediate);
      } else {
        const timeout = setTimeout(() => this.#flush(g), this.maxDelayMs);
        g.cancelTimer = () => clearTimeout(timeout);
      }
      groups.set(key, g);
      group = g;
    }
    group.items.push(item);
    group.rows += item.rows;
    if (group.rows >= this.maxBatch) this.#flush(group);
  }

  #flush(group: Group): void {
    const groups = this.#groups.get(group.session);
    if (groups?.get(group.key) !== group) return;
    groups.delete(group.key);
    if (groups.size === 0) this.#groups.delete(group.session);
    group.cancelTimer();
    void this.#execute(group.session, group.items);
  }

  async #execute(session: ModelSession, items: Pending[]): Promise<void> {
    const oldest = Math.min(...items.map((i) => i.arrived));
    const started = performance.now();
    const rows = items.reduce((s, i) => s + i.rows, 0);
    let mode: BatchReport['mode'] = items.length === 1 ? 'single' : 'batched';
    let runMs = 0;
    try {
      if (items.length === 1) {
        const t0 = performance.now();
        try {
          items[0].outcome = { ok: true, outputs: allOutputs(session, await session.runPrepared(items[0].tensors), 0, null) };
        } catch (error) {
          items[0].outcome = { ok: false, error };
        }
        runMs = performance.now() - t0;
        return;
      }
      const t0 = performance.now();
      let raw: Record<string, RawTensor> | null = null;
      try {
        raw = await session.runPrepared(concatenate(items));
        if (!session.outputs.every((o) => raw![o.name].dims[0] === rows)) raw = null;
      } catch {
        raw = null;
      }
      runMs = performance.now() - t0;
      if (raw) {
        let start = 0;
        for (const item of items) {
          item.outcome = { ok: true, outputs: allOutputs(session, raw, start, item.rows) };
          start += item.rows;
        }
        return;
      }
      mode = 'fallback';
      for (const item of items) {
        const t1 = performance.now();
        try {
          item.outcome = { ok: true, outputs: allOutputs(session, await session.runPrepared(item.tensors), 0, null) };
        } catch (error) {
          item.outcome = { ok: false, error };
        }
        runMs += performance.now() - t1;
      }
    } finally {
      for (const item of items) item.release();
      const failed = items.filter((i) => !i.outcome?.ok).length;
      const report: BatchReport = { modelId: session.id, mode, requests: items.length, rows, queueMs: started - oldest, runMs, totalMs: performance.now() - oldest, failed };
      this.#report(report);
      for (const item of items) {
        const outcome = item.outcome ?? { ok: false, error: new Error('batch ended without a result') };
        if (outcome.ok) item.resolve({ outputs: outcome.outputs, batch: report });
        else item.reject(outcome.error);
      }
    }
  }

  #report(report: BatchReport): void {
    try {
      this.#onBatch?.(report);
    } catch {
      // Metrics must never fail inference.
    }
  }
}

function allOutputs(session: ModelSession, raw: Record<string, RawTensor>, start: number, rows: number | null): ModelOutputs {
  const out: ModelOutputs = {};
  for (const o of session.outputs) out[o.name] = tensorToJson(raw[o.name], start, rows);
  return out;
}

/** One tensor per input with every request's rows in order (all share dims beyond 0). */
function concatenate(items: readonly Pending[]): PreparedTensor[] {
  return items[0].tensors.map((first, k) => {
    const total = items.reduce((s, i) => s + i.tensors[k].data.length, 0);
    const data = jsonDtypeInfo(first.dtype).create(total);
    let offset = 0;
    for (const item of items) {
      const part = item.tensors[k].data;
      // Same typed-array class on both sides (one dtype per input); the casts only satisfy set()'s overloads.
      (data as Float32Array).set(part as Float32Array, offset);
      offset += part.length;
    }
    const dims = [items.reduce((s, i) => s + i.tensors[k].dims[0], 0), ...first.dims.slice(1)];
    return { name: first.name, dtype: first.dtype, dims, data: data as NumericArray };
  });
}
