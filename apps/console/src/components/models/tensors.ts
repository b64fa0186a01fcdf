/**
 * Tensors on the Models page, pure: a signature as people read it (`features: float32[N, 64]`),
 * an example `runInference` request built from a version's input signature, and a reading of
 * the outputs (class probabilities with their argmax when an output looks like scores).
 */

export interface TensorSpec {
  name: string;
  dtype: string;
  /** Dims as the API gives them: "64", a symbolic name ("N"), "?"; null = rank unknown. */
  shape: readonly string[] | null;
}

/** "[N, 64]"; "[?]" when the model declares no rank. */
export function formatShape(shape: readonly string[] | null): string {
  return shape === null ? '[?]' : `[${shape.join(', ')}]`;
}

/** "features: float32[N, 64]" */
export function formatSpec(spec: TensorSpec): string {
  return `${spec.name}: ${spec.dtype}${formatShape(spec.shape)}`;
}

/** Sizes chosen for symbolic dims by name (e.g. { N: 1, sequence: 512 }); unnamed ones are 1. */
export type DimSizes = Readonly<Record<string, number>>;

const isFixed = (d: string | number) => /^\d+$/.test(String(d));

/** The symbolic dims of a signature, by name, in order of first use ("?" is not a name). */
export function symbolicDims(specs: readonly TensorSpec[]): string[] {
  const names: string[] = [];
  for (const spec of specs) {
    for (const d of spec.shape ?? []) if (!isFixed(d) && d !== '?' && !names.includes(d)) names.push(d);
  }
  return names;
}

/** Dims of the example: fixed dims as declared, symbolic ones as chosen (default 1), unknown ones 1 (rank unknown: one value). */
export function exampleDims(shape: readonly string[] | null, sizes: DimSizes = {}): number[] {
  if (shape === null) return [1];
  return shape.map((d) => (isFixed(d) ? Number(d) : (sizes[d] ?? 1)));
}

const INT_DTYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);
const FLOAT_DTYPES = new Set(['float16', 'float32', 'float64', 'bfloat16']);

/** Examples larger than this are not generated (the editor would crawl); the page says so. */
export const EXAMPLE_MAX_ELEMENTS = 262_144;
/** Largest size offered for one symbolic dim. */
export const DIM_MAX = 65_536;

/**
 * The i-th value of an example input: floats 0 (or small random values), masks 1, other
 * integers small ids 1..8 (valid for any vocabulary), booleans true.
 */
function exampleValue(spec: TensorSpec, i: number, random: boolean): number | boolean {
  if (spec.dtype === 'bool') return true;
  if (INT_DTYPES.has(spec.dtype)) return /mask/i.test(spec.name) ? 1 : (i % 8) + 1;
  if (FLOAT_DTYPES.has(spec.dtype)) return random ? Math.round((Math.random() * 2 - 1) * 1000) / 1000 : 0;
  return 0;
}

function nest(dims: readonly number[], leaf: () => number | boolean): unknown {
  if (dims.length === 0) return leaf();
  const [head, ...rest] = dims;
  return Array.from({ length: head }, () => nest(rest, leaf));
}

/** `{ <input>: nested arrays }` matching every input of the signature, one row per symbolic dim. */
export function exampleInputs(specs: readonly TensorSpec[], random = false, sizes: DimSizes = {}): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const spec of specs) {
    let i = 0;
    inputs[spec.name] = nest(exampleDims(spec.shape, sizes), () => exampleValue(spec, i++, random));
  }
  return inputs;
}

export function exampleElements(specs: readonly TensorSpec[], sizes: DimSizes = {}): number {
  return specs.reduce((sum, s) => sum + exampleDims(s.shape, sizes).reduce((a, b) => a * b, 1), 0);
}

/**
 * A request as the editor shows it: one line per input, each value compact (`[[0,0,…]]`), so
 * a 64-wide row stays one readable line instead of 64.
 */
export function formatInputs(inputs: Record<string, unknown>): string {
  const entries = Object.entries(inputs);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([name, value]) => `  ${JSON.stringify(name)}: ${JSON.stringify(value).replaceAll(',', ', ')}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** One output as the API returns it: `{ dtype, dims, data }`, data flat in row-major order. */
export interface OutputTensor {
  dtype: string;
  dims: number[];
  data: (number | boolean | string)[];
}

export function asOutputs(value: unknown): Record<string, OutputTensor> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, OutputTensor> = {};
  for (const [name, t] of Object.entries(value as Record<string, unknown>)) {
    if (t && typeof t === 'object' && Array.isArray((t as OutputTensor).data) && Array.isArray((t as OutputTensor).dims)) {
      out[name] = t as OutputTensor;
    }
  }
  return out;
}

export interface ScoreRow {
  /** Index of the highest score. */
  argmax: number;
  /** Probabilities (the output itself, or softmax of logits), one per class. */
  probabilities: number[];
}

export interface Scores {
  kind: 'probabilities' | 'logits';
  classes: number;
  rows: ScoreRow[];
}

function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * Reads an output as class scores when it looks like one: float, [classes] or [N, classes]
 * with at least 2 classes, and either every row a probability distribution (values in [0, 1]
 * summing to 1) or named like logits/scores. Anything else: null (shown as JSON).
 */
export function readScores(name: string, tensor: OutputTensor): Scores | null {
  if (!FLOAT_DTYPES.has(tensor.dtype) && tensor.dtype !== 'float') return null;
  const { dims, data } = tensor;
  if (dims.length < 1 || dims.length > 2 || !data.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const classes = dims[dims.length - 1];
  const rows = dims.length === 2 ? dims[0] : 1;
  if (classes < 2 || classes > 1000 || rows < 1 || rows * classes !== data.length) return null;
  const values = data as number[];
  const split = Array.from({ length: rows }, (_, r) => values.slice(r * classes, (r + 1) * classes));
  const isDistribution = split.every((row) => row.every((v) => v >= 0 && v <= 1) && Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  const named = /logit|score|prob|class/i.test(name);
  if (!isDistribution && !named) return null;
  return {
    kind: isDistribution ? 'probabilities' : 'logits',
    classes,
    rows: split.map((row) => {
      const probabilities = isDistribution ? row : softmax(row);
      let argmax = 0;
      for (let i = 1; i < row.length; i++) if (row[i] > row[argmax]) argmax = i;
      return { argmax, probabilities };
    }),
  };
}
