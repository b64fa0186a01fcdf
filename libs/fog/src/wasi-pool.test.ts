import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as fx from './fixtures/wasi-modules.js';
import { WasiSandboxPool } from './wasi-pool.js';
import { decodeOutput } from './wasi-sandbox.js';
import { sha256Hex } from './wasm-compile.js';
import { WASM_PAGE_BYTES } from './wasm-limits.js';

const linux = process.platform === 'linux';
const text = (b: Uint8Array) => decodeOutput(b);

async function withPool<T>(options: ConstructorParameters<typeof WasiSandboxPool>[0], body: (pool: WasiSandboxPool) => Promise<T>): Promise<T> {
  const pool = new WasiSandboxPool(options);
  try {
    await pool.ready();
    return await body(pool);
  } finally {
    await pool.close();
  }
}

test('a pooled thread is reused: one thread, one compilation, each run on the same thread', async () => {
  await withPool({ size: 1 }, async (pool) => {
    const hello = fx.helloWorld();
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await pool.run(hello));
    for (const r of runs) {
      assert.equal(r.outcome, 'SUCCEEDED', JSON.stringify(r.failure));
      assert.equal(text(r.stdout), fx.HELLO_TEXT);
      assert.equal(existsSync(r.hostTmpDir), false);
    }
    assert.deepEqual(runs.map((r) => r.threadRun), [1, 2, 3, 4, 5]);
    const s = pool.stats();
    assert.deepEqual([s.threadsStarted, s.threads, s.runs, s.compileMisses, s.compileHits], [1, 1, 5, 1, 4]);
    assert.equal(pool.hasModule(sha256Hex(hello)), true);
    assert.equal(pool.hasModule('0'.repeat(64)), false);
    if (linux) assert.ok(runs.every((r) => r.cpuMs !== null && r.cpuMs >= 0));
  });
});

test('runs on a reused thread are isolated: fresh memory, fresh /tmp, own args and env, stdio intact', async () => {
  await withPool({ size: 1 }, async (pool) => {
    const marker = fx.memoryMarker();
    const first = await pool.run(marker);
    const second = await pool.run(marker);
    assert.equal(second.threadRun, 2, 'the same thread ran both');
    assert.equal(text(first.stdout), '0\n1\n');
    assert.equal(text(second.stdout), '0\n1\n', 'a new instance: neither the marker nor the grown memory is left');
    assert.equal(second.peakMemoryBytes, 2 * WASM_PAGE_BYTES);

    // Job A leaves a file in its /tmp; job B on the same thread cannot find it.
    const a = await pool.run(fx.tmpFileRoundTrip('left-behind.txt'));
    assert.equal(a.outcome, 'SUCCEEDED', JSON.stringify(a.failure));
    const b = await pool.run(fx.openPath('left-behind.txt'));
    assert.equal(b.exitCode, fx.WASI_ERRNO.NOENT);
    assert.notEqual(a.hostTmpDir, b.hostTmpDir);

    const withEnv = await pool.run(fx.echoArgsAndEnv(), { args: ['prog', 'secret-arg'], env: { TOKEN: 'job-a-secret' } });
    assert.equal(text(withEnv.stdout), 'prog\nsecret-arg\nTOKEN=job-a-secret\n');
    const bare = await pool.run(fx.echoArgsAndEnv());
    assert.equal(text(bare.stdout), 'job\n');

    // A guest closing its stdio detaches it only: the next run's output is captured as usual.
    assert.equal((await pool.run(fx.closeStdio())).outcome, 'SUCCEEDED');
    const after = await pool.run(fx.helloWorld());
    assert.equal(text(after.stdout), fx.HELLO_TEXT);
    assert.equal(after.threadRun, 8);
    assert.equal(pool.stats().threadsStarted, 1);
  });
});

test('an endless loop is TIMED_OUT; its thread is terminated and replaced, and the next run works', async () => {
  await withPool({ size: 1 }, async (pool) => {
    assert.equal((await pool.run(fx.helloWorld())).threadRun, 1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const r = await pool.run(fx.infiniteLoop(), { timeoutMs: 1_500 });
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    assert.equal(r.outcome, 'TIMED_OUT');
    assert.equal(r.failure?.code, 'TIMED_OUT');
    assert.equal(r.threadRun, 2);
    assert.ok(elapsed >= 1_500 && elapsed < 10_000, `took ${elapsed} ms`);
    assert.ok(ticks >= 20, `parent timers ran only ${ticks} times while the guest spun`);
    assert.ok(r.timings.runMs !== null && r.timings.runMs > 0, 'the guest was running when stopped');
    if (linux) assert.ok(r.cpuMs !== null && r.cpuMs > 0, `cpu ${r.cpuMs} ms for a spinning guest`);
    assert.equal(existsSync(r.hostTmpDir), false);
    const next = await pool.run(fx.helloWorld());
    assert.equal(next.outcome, 'SUCCEEDED');
    assert.equal(next.threadRun, 1, 'a fresh thread');
    const s = pool.stats();
    assert.deepEqual([s.threadsStarted, s.threads], [2, 1]);
  });
});

test('cancelling a running guest replaces its thread; a malformed module fails without touching one', async () => {
  await withPool({ size: 1 }, async (pool) => {
    const ac = new AbortController();
    const r = await pool.run(fx.printThenLoop(), { signal: ac.signal, timeoutMs: 30_000, onLog: () => ac.abort() });
    assert.equal(r.outcome, 'CANCELLED');
    assert.equal(text(r.stdout), fx.STARTED_TEXT);
    const bad = await pool.run(fx.malformed());
    assert.deepEqual([bad.outcome, bad.failure?.code, bad.threadRun], ['FAILED', 'COMPILE_ERROR', 0]);
    const again = await pool.run(fx.malformed());
    assert.equal(again.failure?.code, 'COMPILE_ERROR');
    const host = await pool.run(fx.importsHostFunction());
    assert.equal(host.failure?.code, 'LINK_ERROR');
    const trap = await pool.run(fx.trap());
    assert.deepEqual([trap.outcome, trap.failure?.code], ['FAILED', 'TRAP']);
    const ok = await pool.run(fx.helloWorld());
    assert.equal(ok.outcome, 'SUCCEEDED');
    assert.equal(ok.threadRun, 2, 'compile and import failures never reach the thread; the trap (run 1) did not retire it');
    assert.equal(pool.stats().threadsStarted, 2);
  });
});

test('the memory cap holds on a reused thread and is part of the compiled-module key', async () => {
  await withPool({ size: 1 }, async (pool) => {
    const small = 16 * WASM_PAGE_BYTES;
    const over = await pool.run(fx.growMemory(100), { maxMemoryBytes: small });
    assert.equal(over.exitCode, fx.GROW_REFUSED_EXIT_CODE);
    const within = await pool.run(fx.growMemory(100), { maxMemoryBytes: 128 * WASM_PAGE_BYTES });
    assert.equal(within.outcome, 'SUCCEEDED');
    assert.equal(within.peakMemoryBytes, 101 * WASM_PAGE_BYTES);
    const again = await pool.run(fx.growMemory(100), { maxMemoryBytes: small });
    assert.equal(again.exitCode, fx.GROW_REFUSED_EXIT_CODE, 'the larger cap compiled later did not leak into this one');
    const refused = await pool.run(fx.declaresMemory(100), { maxMemoryBytes: small });
    assert.equal(refused.failure?.code, 'MEMORY_LIMIT');
  });
});

test('runs beyond the pool size wait for a thread; threads retire after maxRunsPerThread', async () => {
  await withPool({ size: 2, maxRunsPerThread: 3 }, async (pool) => {
    const results = await Promise.all(Array.from({ length: 8 }, () => pool.run(fx.busyLoop(), { args: ['busy', '100000'] })));
    for (const r of results) assert.equal(text(r.stdout), `${fx.busyLoopExpected(100_000)}\n`);
    assert.ok(results.every((r) => r.threadRun >= 1 && r.threadRun <= 3));
    await pool.ready();
    const s = pool.stats();
    assert.equal(s.threads, 2);
    assert.ok(s.threadsStarted >= 4, `8 runs at 3 per thread need ≥ 4 threads, started ${s.threadsStarted}`);
    const waiting = await pool.run(fx.infiniteLoop(), { timeoutMs: 50 }).then((r) => r.outcome);
    assert.equal(waiting, 'TIMED_OUT');
  });
});

test('no host file descriptors leak through pooled runs, stopped ones included', { skip: !linux }, async () => {
  await withPool({ size: 2 }, async (pool) => {
    await pool.run(fx.helloWorld());
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for (let i = 0; i < 3; i++) await pool.run(fx.tmpFileRoundTrip());
    for (let i = 0; i < 3; i++) {
      const ac = new AbortController();
      const r = await pool.run(fx.holdFileThenLoop(), { signal: ac.signal, timeoutMs: 10_000, onLog: () => ac.abort() });
      assert.equal(r.outcome, 'CANCELLED');
    }
    await pool.ready();
    assert.ok(fds() <= before, `fds: ${before} → ${fds()}`);
  });
});

test('a closed pool refuses runs; invalid options are rejected up front', async () => {
  const pool = new WasiSandboxPool({ size: 1 });
  await assert.rejects(pool.run(fx.helloWorld(), { timeoutMs: 0 }), RangeError);
  await pool.close();
  await assert.rejects(pool.run(fx.helloWorld()), /closed/);
  assert.throws(() => new WasiSandboxPool({ size: 0 }), RangeError);
});
