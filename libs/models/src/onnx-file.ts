/**
 * Reading ONNX models: decodes the protobuf (onnx-proto's static code), checks that the
 * graph is structurally sound, and summarises what a registry needs to show and what a
 * session needs to validate requests: signature, opset, size, quantisation, operators.
 *
 * Protobuf has no checksum or end marker, so "corrupt" is detected by decode failures
 * plus the structural rules of the ONNX checker that are cheap to run here: a default
 * opset, every value defined before use (graphs are topologically sorted), every node's
 * domain imported, every initializer's data as long as its dims say. Weights in external
 * files cannot be served from the bytes alone and are refused.
 */
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { OnnxFormatError } from './model-errors.js';
import { bitsPerElement, dtypeFromOnnx, type TensorDtype } from './tensor-dtype.js';

const { onnx } = onnxProto;

/** A dimension: a fixed size, a symbolic name (`N`, `batch`), or unknown. */
export type Dim = number | string | null;

/** Element type of a graph value; non-tensor values (sequences, maps, ...) are named by kind. */
export type ValueDtype =
  | TensorDtype
  | `unknown(${number})`
  | 'sequence' | 'map' | 'optional' | 'sparse_tensor' | 'unknown';

export interface TensorSpec {
  name: string;
  dtype: ValueDtype;
  /** null when the model does not declare the rank. */
  shape: Dim[] | null;
}

/** `int2` / `int4`: integer codes packed several to a byte and unpacked in the graph (BitShift + BitwiseAnd). */
export type Quantisation = 'none' | 'int8' | 'uint8' | 'int2' | 'int4' | 'float16' | 'mixed';

export interface OnnxModelInfo {
  irVersion: number;
  /** Opset of the default (ai.onnx) domain. */
  opset: number;
  /** Every imported domain and its version ('' is the default domain). */
  opsets: Record<string, number>;
  producer: string;
  producerVersion: string;
  graphName: string;
  /** Graph inputs a caller must feed (inputs that are also initializers are defaults, left out). */
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Elements in every initializer and Constant tensor, subgraphs included. */
  parameterCount: number;
  /** Logical size of those tensors (elements × element size), whatever their encoding. */
  initializerBytes: number;
  quantisation: Quantisation;
  /** Nodes, counting those inside subgraphs (If/Loop/Scan bodies). */
  nodeCount: number;
  /** Distinct operators, sorted; non-default domains as `domain:Op`. */
  operators: string[];
}

/** sha256 of the model bytes, hex: the identity of a model's content everywhere in the platform. */
export function modelContentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

type LongLike = number | { toNumber(): number };

function num(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Parses and checks an ONNX model; throws OnnxFormatError for anything unusable. */
export function readOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  if (bytes.byteLength === 0) throw new OnnxFormatError('empty file');
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new OnnxFormatError(`not an ONNX protobuf (${(cause as Error).message})`, { cause });
  }
  const irVersion = num(model.irVersion);
  // IR versions run 1..11 today; anything else means we decoded noise that happened to parse.
  if (irVersion < 1 || irVersion > 64) throw new OnnxFormatError(`implausible IR version ${irVersion}`);
  if (!model.graph) throw new OnnxFormatError('no graph');

  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport) opsets[normaliseDomain(o.domain ?? '')] = num(o.version);
  const opset = opsets[''];
  if (opset === undefined) {
    // IR 3+ must import the default domain; older files implied opset 1.
    if (irVersion >= 3) throw new OnnxFormatError('no opset import for the default domain');
  }

  const stats: GraphStats = { nodeCount: 0, operators: new Set(), tensors: [], quantOps: 0, packedBits: new Set() };
  checkGraph(model.graph, new Set(), 'graph', opsets, stats);

  const initializerNames = new Set((model.graph.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph.input ?? []).filter((v) => !initializerNames.has(v.name)).map(valueSpec);
  const outputs = (model.graph.output ?? []).map(valueSpec);
  if (outputs.length === 0) throw new OnnxFormatError('graph has no outputs');

  let parameterCount = 0;
  let initializerBytes = 0;
  for (const t of stats.tensors) {
    parameterCount += t.elements;
    initializerBytes += t.bytes;
  }
  return {
    irVersion,
    opset: opset ?? 1,
    opsets,
    producer: model.producerName,
    producerVersion: model.producerVersion,
    graphName: model.graph.name ?? '',
    inputs,
    outputs,
    parameterCount,
    initializerBytes,
    quantisation: classifyQuantisation(stats),
    nodeCount: stats.nodeCount,
    operators: [...stats.operators].sort(),
  };
}

interface TensorStat {
  dtype: string;
  elements: number;
  bytes: number;
}

interface GraphStats {
  nodeCount: number;
  operators: Set<string>;
  tensors: TensorStat[];
  quantOps: number;
  /** Widths of the masks BitwiseAnd applies to integer codes (2 for `& 3`, 4 for `& 15`). */
  packedBits: Set<number>;
}

function normaliseDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

/** Operators that only appear in integer-quantised graphs (QDQ, QOperator and dynamic forms). */
function isQuantOp(domain: string, op: string): boolean {
  if (op === 'QuantizeLinear' || op === 'DequantizeLinear' || op === 'DynamicQuantizeLinear') return true;
  if (op === 'MatMulInteger' || op === 'ConvInteger' || op.startsWith('QLinear')) return true;
  // onnxruntime's contrib ops written by its quantisation tools.
  return domain === 'com.microsoft' && (op === 'QGemm' || op === 'DynamicQuantizeMatMul' || op === 'MatMulIntegerToFloat' || op === 'QAttention');
}

function checkGraph(graph: Onnx.IGraphProto, outer: ReadonlySet<string>, where: string, opsets: Record<string, number>, stats: GraphStats): void {
  const scope = new Set(outer);
  const scalars = new Map<string, number>();
  for (const v of graph.input ?? []) if (v.name) scope.add(v.name);
  for (const t of graph.initializer ?? []) {
    stats.tensors.push(tensorStat(t, `${where} initializer "${t.name}"`));
    if (t.name) scope.add(t.name);
    const value = t.name ? scalarInteger(t) : null;
    if (value !== null) scalars.set(t.name!, value);
  }
  for (const s of graph.sparseInitializer ?? []) {
    if (s.values) stats.tensors.push(tensorStat(s.values, `${where} sparse initializer`));
    if (s.values?.name) scope.add(s.values.name);
  }
  (graph.node ?? []).forEach((node, i) => {
    const op = node.opType ?? '';
    const domain = normaliseDomain(node.domain ?? '');
    const label = `${where} node ${i} (${op || 'no op type'})`;
    if (!op) throw new OnnxFormatError(`${label} has no operator`);
    if (opsets[domain] === undefined) throw new OnnxFormatError(`${label} uses domain "${domain}" which the model does not import`);
    for (const input of node.input ?? []) {
      // '' marks an omitted optional input.
      if (input !== '' && !scope.has(input)) {
        throw new OnnxFormatError(`${label} reads "${input}", which no input, initializer or earlier node defines`);
      }
    }
    stats.nodeCount += 1;
    stats.operators.add(domain === '' ? op : `${domain}:${op}`);
    if (isQuantOp(domain, op)) stats.quantOps += 1;
    if (op === 'BitwiseAnd') {
      for (const input of node.input ?? []) {
        const mask = scalars.get(input);
        if (mask === 3) stats.packedBits.add(2);
        if (mask === 15) stats.packedBits.add(4);
      }
    }
    for (const attr of node.attribute ?? []) {
      if (op === 'Constant' && attr.t) stats.tensors.push(tensorStat(attr.t, `${label} value`));
      // Subgraphs see every value defined before their node (ONNX outer-scope rule).
      if (attr.g) checkGraph(attr.g, scope, `${label}.${attr.name}`, opsets, stats);
      for (const [k, g] of (attr.graphs ?? []).entries()) checkGraph(g, scope, `${label}.${attr.name}[${k}]`, opsets, stats);
    }
    for (const output of node.output ?? []) if (output !== '') scope.add(output);
  });
  for (const v of graph.output ?? []) {
    if (!v.name || !scope.has(v.name)) throw new OnnxFormatError(`${where} output "${v.name}" is never produced`);
  }
}

/** The value of a one-element integer tensor (a mask, a shift), else null. */
function scalarInteger(t: Onnx.ITensorProto): number | null {
  const dtype = dtypeFromOnnx(t.dataType ?? 0);
  if (!['uint8', 'int8', 'int32', 'int64', 'uint16', 'int16'].includes(dtype)) return null;
  const elements = (t.dims ?? []).reduce<number>((n, d) => n * num(d), 1);
  if (elements !== 1) return null;
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    switch (dtype) {
      case 'uint8': return view.readUInt8(0);
      case 'int8': return view.readInt8(0);
      case 'uint16': return view.readUInt16LE(0);
      case 'int16': return view.readInt16LE(0);
      case 'int32': return view.readInt32LE(0);
      default: return Number(view.readBigInt64LE(0));
    }
  }
  if (t.int32Data?.length) return t.int32Data[0];
  if (t.int64Data?.length) return num(t.int64Data[0]);
  return null;
}

function tensorStat(t: Onnx.ITensorProto, label: string): TensorStat {
  const dtype = dtypeFromOnnx(t.dataType ?? 0);
  let elements = 1;
  for (const d of t.dims ?? []) {
    const n = num(d);
    if (n < 0 || !Number.isSafeInteger(n)) throw new OnnxFormatError(`${label} has dimension ${n}`);
    elements *= n;
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxFormatError(`${label} keeps its data in an external file; upload a single-file model`);
  }
  const bits = bitsPerElement(dtype);
  const raw = t.rawData?.length ?? 0;
  if (dtype === 'string') {
    const count = t.stringData?.length ?? 0;
    if (count !== elements) throw new OnnxFormatError(`${label} has ${count} strings for ${elements} elements`);
    return { dtype, elements, bytes: (t.stringData ?? []).reduce((s, b) => s + b.length, 0) };
  }
  if (bits === null) throw new OnnxFormatError(`${label} has unsupported element type ${t.dataType}`);
  const bytes = Math.ceil((elements * bits) / 8);
  if (raw > 0) {
    if (raw !== bytes) throw new OnnxFormatError(`${label} holds ${raw} bytes of data, its dims say ${bytes}`);
  } else if (elements > 0) {
    const stored = typedFieldCount(t, dtype);
    if (stored !== elements) throw new OnnxFormatError(`${label} holds ${stored} values, its dims say ${elements}`);
  }
  return { dtype, elements, bytes };
}

/** Values stored in TensorProto's typed fields (onnx.proto says which field each type uses). */
function typedFieldCount(t: Onnx.ITensorProto, dtype: string): number {
  switch (dtype) {
    case 'float32': return t.floatData?.length ?? 0;
    case 'complex64': return (t.floatData?.length ?? 0) / 2;
    case 'float64': return t.doubleData?.length ?? 0;
    case 'complex128': return (t.doubleData?.length ?? 0) / 2;
    case 'int64': return t.int64Data?.length ?? 0;
    case 'uint32': case 'uint64': return t.uint64Data?.length ?? 0;
    // 4-bit types pack two values per int32 entry.
    case 'uint4': case 'int4': case 'float4e2m1': return (t.int32Data?.length ?? 0) * 2;
    default: return t.int32Data?.length ?? 0;
  }
}

function valueSpec(v: Onnx.IValueInfoProto): TensorSpec {
  const name = v.name ?? '';
  const type = v.type;
  if (!type) return { name, dtype: 'unknown', shape: null };
  if (type.tensorType) {
    const t = type.tensorType;
    return { name, dtype: dtypeFromOnnx(t.elemType ?? 0), shape: t.shape ? t.shape.dim?.map(dimOf) ?? [] : null };
  }
  if (type.sequenceType) return { name, dtype: 'sequence', shape: null };
  if (type.mapType) return { name, dtype: 'map', shape: null };
  if (type.optionalType) return { name, dtype: 'optional', shape: null };
  if (type.sparseTensorType) return { name, dtype: 'sparse_tensor', shape: null };
  return { name, dtype: 'unknown', shape: null };
}

function dimOf(d: Onnx.TensorShapeProto.IDimension): Dim {
  // protobufjs leaves unset oneof members at their defaults, so test presence, not truthiness.
  if (d.dimParam) return d.dimParam;
  if (d.dimValue !== null && d.dimValue !== undefined && Object.hasOwn(d, 'dimValue')) return num(d.dimValue);
  return null;
}

/**
 * Integer quantisation shows as quantisation operators or as int8/uint8 weights; the kind is
 * the integer type of those weights (uint8 when the quantiser left zero points out, ONNX's
 * default). Half precision shows as float16/bfloat16 holding a real share (≥ 5%) of weight
 * bytes, so a float32 model with one half-precision constant stays 'none'. More than one of
 * int8 / uint8 / float16 is 'mixed'.
 */
function classifyQuantisation(stats: GraphStats): Quantisation {
  const bytesBy = new Map<string, number>();
  let total = 0;
  for (const t of stats.tensors) {
    bytesBy.set(t.dtype, (bytesBy.get(t.dtype) ?? 0) + t.bytes);
    total += t.bytes;
  }
  const significant = (dtype: string) => total > 0 && (bytesBy.get(dtype) ?? 0) / total >= 0.05;
  const present = (dtype: string) => (bytesBy.get(dtype) ?? 0) > 0;
  const hasQuantOps = stats.quantOps > 0;
  const kinds = new Set<Quantisation>();
  for (const intType of ['int8', 'uint8'] as const) {
    if (hasQuantOps ? present(intType) : significant(intType)) kinds.add(intType);
  }
  if (hasQuantOps && kinds.size === 0) kinds.add('uint8');
  // Codes packed into bytes and unpacked before dequantisation: the byte type is storage, not the width.
  if (hasQuantOps && kinds.has('uint8') && stats.packedBits.size === 1) {
    kinds.delete('uint8');
    kinds.add(stats.packedBits.has(2) ? 'int2' : 'int4');
  }
  if (significant('float16') || significant('bfloat16')) kinds.add('float16');
  if (kinds.size === 0) return 'none';
  if (kinds.size > 1) return 'mixed';
  return [...kinds][0];
}
