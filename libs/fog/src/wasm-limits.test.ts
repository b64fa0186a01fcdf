import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaresMemory, helloWorld, malformed } from './fixtures/wasi-modules.js';
import { ModuleBuilder } from './fixtures/wasm-encoder.js';
import { wasm } from './wasm-api.js';
import { capModuleMemory, WASM_PAGE_BYTES } from './wasm-limits.js';

const capped = (bytes: Uint8Array, pages: number) => {
  const r = capModuleMemory(bytes, pages);
  assert.equal(r.kind, 'ok');
  return r as Extract<typeof r, { kind: 'ok' }>;
};

test('adds a maximum to a memory that has none, and the patched module is still valid', async () => {
  const r = capped(declaresMemory(2), 16);
  assert.deepEqual(r.declared, [{ minPages: 2, maxPages: null, shared: false }]);
  assert.equal(r.patched, true);
  assert.ok(wasm.validate(r.bytes));
  assert.deepEqual(capModuleMemory(r.bytes, 16), { kind: 'ok', bytes: r.bytes, declared: [{ minPages: 2, maxPages: 16, shared: false }], patched: false });
  assert.ok(await wasm.compile(r.bytes));
});

test('lowers a larger maximum, keeps a smaller one untouched', () => {
  const lowered = capped(declaresMemory(1, 1000), 8);
  assert.equal(lowered.patched, true);
  assert.deepEqual(capped(lowered.bytes, 8).declared, [{ minPages: 1, maxPages: 8, shared: false }]);
  const small = declaresMemory(1, 4);
  const kept = capped(small, 8);
  assert.equal(kept.patched, false);
  assert.equal(kept.bytes, small, 'the input itself, not a copy');
});

test('refuses an initial memory over the cap, with sizes in the message', () => {
  const r = capModuleMemory(declaresMemory(100), 16);
  assert.equal(r.kind, 'refused');
  assert.match(r.kind === 'refused' ? r.message : '', new RegExp(`100 pages \\(${100 * WASM_PAGE_BYTES} bytes\\).*16 pages`));
});

test('refuses 64-bit memories', () => {
  // Hand-patch the memory section's flags of a tiny module to 0x04 (memory64, no max).
  const b = new ModuleBuilder().memory(1).encode();
  const i = b.indexOf(0x05); // header, then the memory section: its id is the first 0x05 byte
  const bytes = Uint8Array.from(b);
  assert.equal(bytes[i + 2], 0x01, 'one memory');
  bytes[i + 3] = 0x04;
  assert.equal(capModuleMemory(bytes, 16).kind, 'refused');
});

test('a module without memory passes unchanged; garbage is left to the compiler', () => {
  const none = new ModuleBuilder().encode();
  assert.deepEqual(capModuleMemory(none, 1), { kind: 'ok', bytes: none, declared: [], patched: false });
  assert.equal(capModuleMemory(malformed(), 16).kind, 'unparseable');
  const truncated = helloWorld().subarray(0, 20);
  assert.equal(capModuleMemory(truncated, 16).kind, 'unparseable');
  assert.throws(() => capModuleMemory(none, 0), RangeError);
});

test('sections after the memory section survive the rewrite byte for byte', () => {
  const original = helloWorld();
  const r = capped(original, 4);
  assert.ok(wasm.validate(r.bytes));
  // hello's memory section is 1 page without max (3 bytes payload) → with max (4 bytes payload): one byte longer.
  assert.equal(r.bytes.length, original.length + 1);
  assert.deepEqual(r.bytes.subarray(r.bytes.length - 40), original.subarray(original.length - 40));
});
