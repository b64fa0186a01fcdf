import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFloat32, decodeLayers, encodeFloat32, encodeLayers } from './checkpoint.js';

test('float32 tensors survive base64 and JSON bit for bit', () => {
  const a = Float32Array.from([0, -0, 1.5, -3.25e-30, 3.4e38, NaN, Infinity, Math.PI]);
  const back = decodeFloat32(JSON.parse(JSON.stringify(encodeFloat32(a))), a.length, 'a');
  assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(a.buffer));
  // Little-endian bytes: 1.0 is 00 00 80 3f.
  assert.equal(encodeFloat32(Float32Array.from([1])), Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  // A view into a larger buffer encodes only its own elements.
  assert.deepEqual(decodeFloat32(encodeFloat32(a.subarray(2, 4)), 2, 'view'), a.subarray(2, 4));
});

test('decoding checks lengths and names the field', () => {
  const layers = [{ weight: new Float32Array(6), bias: new Float32Array(3) }];
  assert.throws(() => decodeFloat32(encodeFloat32(new Float32Array(5)), 6, 'params[0].weight'), /params\[0\]\.weight holds 5 float32 values, expected 6/);
  assert.throws(() => decodeLayers([], layers, 'moments'), /moments must hold 1 layers/);
  assert.deepEqual(decodeLayers(encodeLayers(layers), layers, 'x'), layers);
});
