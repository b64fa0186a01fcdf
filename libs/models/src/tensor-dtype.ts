/**
 * Element types: ONNX's TensorProto.DataType numbers, the names onnxruntime uses for them,
 * their sizes, and which of them the JSON interface can carry. One table so the reader,
 * the builder and the session agree.
 */

/** onnxruntime's tensor type names, plus the ONNX types it has no JS name for. */
export type TensorDtype =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'complex64' | 'complex128' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4' | 'float4e2m1'
  | 'undefined';

/** Index = ONNX TensorProto.DataType (onnx.proto; 17–23 postdate onnx-proto's v1.10 schema). */
const BY_ONNX: readonly TensorDtype[] = [
  'undefined', 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'float64', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'uint4', 'int4', 'float4e2m1',
];

export function dtypeFromOnnx(code: number): TensorDtype | `unknown(${number})` {
  return BY_ONNX[code] ?? `unknown(${code})`;
}

export function onnxFromDtype(dtype: TensorDtype): number {
  const code = BY_ONNX.indexOf(dtype);
  if (code <= 0) throw new RangeError(`no ONNX element type for ${dtype}`);
  return code;
}

/** Bits per element for fixed-size types (sub-byte types pack), or null (string, undefined). */
export function bitsPerElement(dtype: string): number | null {
  switch (dtype) {
    case 'bool': case 'uint8': case 'int8': case 'float8e4m3fn': case 'float8e4m3fnuz': case 'float8e5m2': case 'float8e5m2fnuz':
      return 8;
    case 'uint16': case 'int16': case 'float16': case 'bfloat16':
      return 16;
    case 'float32': case 'int32': case 'uint32':
      return 32;
    case 'float64': case 'int64': case 'uint64': case 'complex64':
      return 64;
    case 'complex128':
      return 128;
    case 'uint4': case 'int4': case 'float4e2m1':
      return 4;
    default:
      return null;
  }
}

/** The element types a JSON request may carry (numbers or booleans) and their typed arrays. */
export type JsonDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

export type NumericArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

interface JsonDtypeInfo {
  create(length: number): NumericArray;
  /** Inclusive integer range, or null for floats. */
  range: readonly [number, number] | null;
  bigint: boolean;
}

const JSON_DTYPES: Record<JsonDtype, JsonDtypeInfo> = {
  float32: { create: (n) => new Float32Array(n), range: null, bigint: false },
  float64: { create: (n) => new Float64Array(n), range: null, bigint: false },
  int8: { create: (n) => new Int8Array(n), range: [-128, 127], bigint: false },
  uint8: { create: (n) => new Uint8Array(n), range: [0, 255], bigint: false },
  int16: { create: (n) => new Int16Array(n), range: [-32768, 32767], bigint: false },
  uint16: { create: (n) => new Uint16Array(n), range: [0, 65535], bigint: false },
  int32: { create: (n) => new Int32Array(n), range: [-2147483648, 2147483647], bigint: false },
  uint32: { create: (n) => new Uint32Array(n), range: [0, 4294967295], bigint: false },
  // JSON numbers are doubles: int64 values beyond 2^53 cannot arrive exactly, so refuse them.
  int64: { create: (n) => new BigInt64Array(n), range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], bigint: true },
  uint64: { create: (n) => new BigUint64Array(n), range: [0, Number.MAX_SAFE_INTEGER], bigint: true },
  bool: { create: (n) => new Uint8Array(n), range: [0, 1], bigint: false },
};

export function isJsonDtype(dtype: string): dtype is JsonDtype {
  return Object.hasOwn(JSON_DTYPES, dtype);
}

export function jsonDtypeInfo(dtype: JsonDtype): JsonDtypeInfo {
  return JSON_DTYPES[dtype];
}
