/**
 * JSON-safe encodings of model parameters: each Float32Array as base64 of its
 * little-endian bytes (ONNX's and every common CPU's order), so a checkpoint survives
 * JSON.stringify, a JSONB column or a Redis string bit for bit.
 */
import { endianness } from 'node:os';
import type { DenseLayer } from '@aivillage/models';

/** A layer with base64 float32 little-endian tensors. */
export interface EncodedLayer {
  weight: string;
  bias: string;
}

const BIG_ENDIAN = endianness() === 'BE';

export function encodeFloat32(a: Float32Array): string {
  const bytes = Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  if (BIG_ENDIAN) bytes.swap32();
  return bytes.toString('base64');
}

/** Decodes `encodeFloat32`'s output; a RangeError names `field` when the length is not `length`. */
export function decodeFloat32(s: string, length: number, field: string): Float32Array {
  if (typeof s !== 'string') throw new RangeError(`${field} must be a base64 string`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.byteLength !== length * 4) throw new RangeError(`${field} holds ${bytes.byteLength / 4} float32 values, expected ${length}`);
  if (BIG_ENDIAN) bytes.swap32();
  const out = new Float32Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeLayers(layers: readonly DenseLayer[]): EncodedLayer[] {
  return layers.map((l) => ({ weight: encodeFloat32(l.weight), bias: encodeFloat32(l.bias) }));
}

/** Decodes layers shaped like `like` (the same architecture). */
export function decodeLayers(encoded: readonly EncodedLayer[], like: readonly DenseLayer[], field: string): DenseLayer[] {
  if (!Array.isArray(encoded) || encoded.length !== like.length) throw new RangeError(`${field} must hold ${like.length} layers`);
  return encoded.map((l, i) => ({
    weight: decodeFloat32(l.weight, like[i].weight.length, `${field}[${i}].weight`),
    bias: decodeFloat32(l.bias, like[i].bias.length, `${field}[${i}].bias`),
  }));
}
