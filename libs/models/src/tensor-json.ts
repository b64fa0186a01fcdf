/**
 * JSON-friendly tensors in and out. Requests arrive as nested number arrays or as flat data
 * plus dims; they are checked against the model's signature (names, element type, rank,
 * fixed dims, and symbolic dims bound consistently across inputs) and packed into typed
 * arrays in one pass. Outputs leave as flat arrays with dims, which map directly to GraphQL.
 */
import { describeSpec, ModelInputError } from './model-errors.js';
import type { TensorSpec } from './onnx-file.js';
import { isJsonDtype, jsonDtypeInfo, type JsonDtype, type NumericArray } from './tensor-dtype.js';

/** A nested array of numbers (or booleans for bool inputs); a bare number is a scalar. */
export type NestedValues = number | boolean | readonly NestedValues[];

export interface FlatTensor {
  data: ArrayLike<number | boolean> | NumericArray;
  dims: readonly number[];
}

export type TensorInput = NestedValues | FlatTensor;
export type ModelInputs = Readonly<Record<string, TensorInput>>;

export interface TensorOutput {
  dtype: string;
  dims: number[];
  /** Row-major; int64 values beyond 2^53 lose precision (JSON numbers are doubles). */
  data: number[] | boolean[] | string[];
}
export type ModelOutputs = Record<string, TensorOutput>;

/** A validated input, ready for onnxruntime. */
export interface PreparedTensor {
  name: string;
  dtype: JsonDtype;
  dims: number[];
  data: NumericArray;
}

/** What a CPU tensor coming back from onnxruntime looks like (ort.Tensor satisfies it). */
export interface RawTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

function isFlat(v: TensorInput): v is FlatTensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'dims' in v && 'data' in v;
}

/**
 * Validates and converts one request. Inputs come back in signature order. Throws
 * ModelInputError naming the input and the whole expected signature.
 */
export function prepareInputs(signature: readonly TensorSpec[], inputs: ModelInputs, maxElements: number): PreparedTensor[] {
  const fail = (message: string, input: string | null): never => {
    throw new ModelInputError(message, input, signature);
  };
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) fail('inputs must be an object keyed by input name', null);
  const known = new Set(signature.map((s) => s.name));
  for (const name of Object.keys(inputs)) if (!known.has(name)) fail(`unknown input "${name}"`, name);

  const bound = new Map<string, { size: number; input: string }>();
  let elements = 0;
  return signature.map((spec) => {
    const value = inputs[spec.name];
    if (value === undefined) return fail(`missing input "${spec.name}"`, spec.name);
    const dtype = spec.dtype;
    if (!isJsonDtype(dtype)) return fail(`input "${spec.name}" is ${dtype}, which JSON requests cannot carry`, spec.name);

    let dims: number[];
    let values: ArrayLike<unknown> | null = null;
    if (isFlat(value)) {
      dims = [...value.dims];
      if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) return fail(`input "${spec.name}": dims must be non-negative integers`, spec.name);
      const size = dims.reduce((a, b) => a * b, 1);
      if (value.data.length !== size) return fail(`input "${spec.name}": ${value.data.length} values for dims [${dims.join(',')}]`, spec.name);
      values = value.data;
    } else {
      dims = nestedDims(value);
    }

    if (spec.shape !== null) {
      const shown = () => `got [${dims.join(',')}], expected ${describeSpec(spec)}`;
      if (dims.length !== spec.shape.length) fail(`input "${spec.name}" has rank ${dims.length}: ${shown()}`, spec.name);
      spec.shape.forEach((d, axis) => {
        const size = dims[axis];
        if (typeof d === 'number' && d !== size) fail(`input "${spec.name}" dim ${axis} is ${size}: ${shown()}`, spec.name);
        if (typeof d === 'string') {
          const prior = bound.get(d);
          if (prior && prior.size !== size) {
            fail(`input "${spec.name}" dim ${axis} (${d}) is ${size} but "${prior.input}" has ${d} = ${prior.size}`, spec.name);
          }
          bound.set(d, { size, input: spec.name });
        }
      });
    }

    const size = dims.reduce((a, b) => a * b, 1);
    elements += size;
    if (elements > maxElements) fail(`request has more than ${maxElements} elements`, spec.name);

    const info = jsonDtypeInfo(dtype);
    // A flat input already in the right typed array goes to the runtime without a copy.
    if (values !== null && isExactArray(values, dtype)) return { name: spec.name, dtype, dims, data: values as NumericArray };
    const data = info.create(size);
    const put = (v: unknown, i: number) => {
      let n: number;
      if (typeof v === 'boolean' && dtype === 'bool') n = v ? 1 : 0;
      else if (typeof v === 'number') n = v;
      else if (typeof v === 'bigint' && info.bigint) n = Number(v);
      else return fail(`input "${spec.name}" element ${i} is ${describeValue(v)}, expected ${dtype === 'bool' ? 'a boolean' : 'a number'}`, spec.name);
      if (info.range && (!Number.isInteger(n) || n < info.range[0] || n > info.range[1])) {
        fail(`input "${spec.name}" element ${i} is ${n}, expected ${dtype === 'bool' ? 'true/false or 0/1' : `an integer in [${info.range[0]}, ${info.range[1]}]`}`, spec.name);
      }
      if (info.bigint) (data as BigInt64Array)[i] = BigInt(n);
      else (data as Float64Array)[i] = n;
    };
    if (values !== null) {
      for (let i = 0; i < size; i++) put(values[i], i);
    } else {
      let i = 0;
      fillNested(value as NestedValues, 0, dims, (v) => put(v, i++), () => fail(`input "${spec.name}" is a ragged array; expected ${describeSpec(spec)}`, spec.name));
    }
    return { name: spec.name, dtype, dims, data };
  });
}

function isExactArray(values: ArrayLike<unknown>, dtype: JsonDtype): boolean {
  switch (dtype) {
    case 'float32': return values instanceof Float32Array;
    case 'float64': return values instanceof Float64Array;
    case 'int8': return values instanceof Int8Array;
    case 'int16': return values instanceof Int16Array;
    case 'uint16': return values instanceof Uint16Array;
    case 'int32': return values instanceof Int32Array;
    case 'uint32': return values instanceof Uint32Array;
    case 'int64': return values instanceof BigInt64Array;
    case 'uint64': return values instanceof BigUint64Array;
    // A Uint8Array may hold any byte; bool tensors need 0/1, so only uint8 skips the check.
    case 'uint8': return values instanceof Uint8Array;
    case 'bool': return false;
  }
}

/** Dims from the first element along each axis; fillNested then checks every other one. */
function nestedDims(value: NestedValues): number[] {
  const dims: number[] = [];
  let v: NestedValues = value;
  while (Array.isArray(v)) {
    const arr = v as readonly NestedValues[];
    dims.push(arr.length);
    if (arr.length === 0) break;
    v = arr[0];
  }
  return dims;
}

function fillNested(value: NestedValues, depth: number, dims: readonly number[], leaf: (v: unknown) => void, ragged: () => never): void {
  if (depth === dims.length) {
    if (Array.isArray(value)) ragged();
    leaf(value);
    return;
  }
  if (!Array.isArray(value) || value.length !== dims[depth]) ragged();
  const items = value as readonly NestedValues[];
  if (depth === dims.length - 1) {
    // The innermost axis is a plain loop: requests are mostly rows of numbers, and one
    // recursive call per element costs more than the conversion itself.
    for (let k = 0; k < items.length; k++) {
      const v = items[k];
      if (Array.isArray(v)) ragged();
      leaf(v);
    }
    return;
  }
  for (let k = 0; k < items.length; k++) fillNested(items[k], depth + 1, dims, leaf, ragged);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 20))}` : typeof v;
}

/** Element count of one row along dim 0 (the product of the remaining dims). */
export function rowSize(dims: readonly number[]): number {
  return dims.slice(1).reduce((a, b) => a * b, 1);
}

/** Converts an output tensor, or `rows` rows of it starting at `start`, to plain JSON. */
export function tensorToJson(tensor: RawTensor, start = 0, rows: number | null = null): TensorOutput {
  const dims = [...tensor.dims];
  // CPU tensors hold a typed array (or string[] for strings); both have slice().
  const data = tensor.data as ArrayLike<number | bigint | string> & { slice(start: number, end: number): ArrayLike<number | bigint | string> };
  let view: ArrayLike<number | bigint | string> = data;
  if (rows !== null) {
    const per = rowSize(dims);
    view = data.slice(start * per, (start + rows) * per);
    dims[0] = rows;
  }
  return { dtype: tensor.type, dims, data: toPlain(tensor.type, view) };
}

function toPlain(type: string, data: ArrayLike<number | bigint | string>): number[] | boolean[] | string[] {
  const n = data.length;
  if (type === 'string') return Array.from(data as ArrayLike<string>);
  if (type === 'bool') return Array.from(data as ArrayLike<number>, (v) => v !== 0);
  if (type === 'float16') return Array.from(data as ArrayLike<number>, halfToFloat);
  if (type === 'int64' || type === 'uint64') {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = Number(data[i] as bigint);
    return out;
  }
  return Array.from(data as ArrayLike<number>);
}

/** IEEE 754 half (as onnxruntime returns it, a Uint16Array) to a JS number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
