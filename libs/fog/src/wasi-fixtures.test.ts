import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fx from './fixtures/wasi-modules.js';
import { sleb, uleb } from './fixtures/wasm-encoder.js';
import { wasm } from './wasm-api.js';

test('LEB128 encodings match the spec examples', () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(624_485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0xffff_ffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(sleb(-123_456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(0x1fff_ffffn), [0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.throws(() => uleb(-1), RangeError);
});

test('every WASI fixture is a valid module importing only wasi_snapshot_preview1 functions', async () => {
  const modules = {
    helloWorld: fx.helloWorld(),
    echoArgsAndEnv: fx.echoArgsAndEnv(),
    exitWith: fx.exitWith(7),
    tmpFileRoundTrip: fx.tmpFileRoundTrip(),
    infiniteLoop: fx.infiniteLoop(),
    printThenLoop: fx.printThenLoop(),
    holdFileThenLoop: fx.holdFileThenLoop(),
    growMemory: fx.growMemory(10),
    declaresMemory: fx.declaresMemory(2, 4),
    openPath: fx.openPath('../x'),
    symlinkEscape: fx.symlinkEscape(),
    busyLoop: fx.busyLoop(),
    spew: fx.spew(),
    trap: fx.trap(),
    recurseForever: fx.recurseForever(),
  };
  for (const [name, bytes] of Object.entries(modules)) {
    assert.ok(wasm.validate(bytes), `${name} validates`);
    const mod = await wasm.compile(bytes);
    assert.ok(wasm.Module.imports(mod).every((i) => i.module === 'wasi_snapshot_preview1' && i.kind === 'function'), name);
    const exports = wasm.Module.exports(mod).map((e) => `${e.name}:${e.kind}`).sort();
    assert.deepEqual(exports, ['_start:function', 'memory:memory'], name);
  }
  assert.ok(!wasm.validate(fx.malformed()));
  assert.deepEqual(wasm.Module.imports(await wasm.compile(fx.importsHostFunction())).map((i) => i.module), ['env']);
});

test('busyLoopExpected is the LCG the module computes', () => {
  assert.equal(fx.busyLoopExpected(0), 1);
  assert.equal(fx.busyLoopExpected(1), (1664525 + 1013904223) >>> 0);
});
