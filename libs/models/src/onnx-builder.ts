/**
 * Writing ONNX models from TypeScript: a small graph builder over onnx-proto. It covers what
 * reference and test models need (typed inputs/outputs with symbolic dims, raw-data
 * initializers, nodes with attributes) and nothing more; it does not infer shapes or check
 * operator schemas, so onnxruntime is the judge of what it writes.
 */
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import type { Dim } from './onnx-file.js';
import { onnxFromDtype, type TensorDtype } from './tensor-dtype.js';

const { onnx } = onnxProto;

/**
 * IR 8 is what onnx 1.10–1.13 write (onnx-proto's schema is onnx 1.10); paired with opset 17
 * it loads in every onnxruntime since 1.12.
 */
export const DEFAULT_IR_VERSION = 8;
export const DEFAULT_OPSET = 17;

/** An attribute value; plain integers become INT, so write `{ float: 1 }` for a float 1.0. */
export type AttributeValue =
  | number
  | string
  | number[]
  | string[]
  | { float: number }
  | { floats: number[] }
  | { ints: number[] };

export interface GraphBuilderOptions {
  name?: string;
  opset?: number;
  irVersion?: number;
  producer?: string;
  producerVersion?: string;
  docString?: string;
}

export class OnnxGraphBuilder {
  readonly #inputs: Onnx.IValueInfoProto[] = [];
  readonly #outputs: Onnx.IValueInfoProto[] = [];
  readonly #initializers: Onnx.ITensorProto[] = [];
  readonly #nodes: Onnx.INodeProto[] = [];
  readonly #extraOpsets = new Map<string, number>();
  #counter = 0;

  constructor(private readonly options: GraphBuilderOptions = {}) {}

  input(name: string, dtype: TensorDtype, shape: readonly Dim[]): this {
    this.#inputs.push(valueInfo(name, dtype, shape));
    return this;
  }

  output(name: string, dtype: TensorDtype, shape: readonly Dim[]): this {
    this.#outputs.push(valueInfo(name, dtype, shape));
    return this;
  }

  /** A float32 initializer, stored as little-endian raw data (ONNX's layout). */
  float32(name: string, data: ArrayLike<number>, dims: readonly number[]): this {
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    return this.raw(name, 'float32', bytes, dims);
  }

  /** An int64 initializer (shapes, axes, indices). */
  int64(name: string, data: ArrayLike<number>, dims: readonly number[]): this {
    const bytes = new Uint8Array(data.length * 8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]), true);
    return this.raw(name, 'int64', bytes, dims);
  }

  /** Any fixed-size element type from bytes already in ONNX's little-endian layout. */
  raw(name: string, dtype: TensorDtype, bytes: Uint8Array, dims: readonly number[]): this {
    this.#initializers.push({ name, dataType: onnxFromDtype(dtype), dims: [...dims], rawData: bytes });
    return this;
  }

  /**
   * Adds a node. Returns its first output's name, so chains read naturally; outputs default
   * to one generated name.
   */
  node(opType: string, inputs: readonly string[], options: { outputs?: string[]; attributes?: Record<string, AttributeValue>; domain?: string; name?: string } = {}): string {
    const n = this.#counter++;
    const outputs = options.outputs ?? [`${opType.toLowerCase()}_${n}`];
    this.#nodes.push({
      opType,
      name: options.name ?? `${opType}_${n}`,
      input: [...inputs],
      output: outputs,
      domain: options.domain ?? '',
      attribute: Object.entries(options.attributes ?? {}).map(([k, v]) => attribute(k, v)),
    });
    return outputs[0];
  }

  /** Imports a non-default operator domain (e.g. 'com.microsoft'). */
  importDomain(domain: string, version: number): this {
    this.#extraOpsets.set(domain, version);
    return this;
  }

  toBytes(): Uint8Array {
    const o = this.options;
    const model: Onnx.IModelProto = {
      irVersion: o.irVersion ?? DEFAULT_IR_VERSION,
      producerName: o.producer ?? '@aivillage/models',
      producerVersion: o.producerVersion ?? '0.1.0',
      docString: o.docString ?? '',
      opsetImport: [
        { domain: '', version: o.opset ?? DEFAULT_OPSET },
        ...[...this.#extraOpsets].map(([domain, version]) => ({ domain, version })),
      ],
      graph: {
        name: o.name ?? 'graph',
        input: this.#inputs,
        output: this.#outputs,
        initializer: this.#initializers,
        node: this.#nodes,
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dtype: TensorDtype, shape: readonly Dim[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxFromDtype(dtype),
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) },
      },
    },
  };
}

function attribute(name: string, v: AttributeValue): Onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (Array.isArray(v)) {
    if (v.every((x): x is string => typeof x === 'string')) {
      return { name, type: T.STRINGS, strings: v.map((s) => new TextEncoder().encode(s)) };
    }
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { name, type: T.INTS, ints: nums } : { name, type: T.FLOATS, floats: nums };
  }
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  return { name, type: T.INTS, ints: v.ints };
}
