import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as fx from './fixtures/wasi-modules.js';
import { decodeOutput, runWasi, type StdStream } from './wasi-sandbox.js';
import { WASM_PAGE_BYTES } from './wasm-limits.js';

const linux = process.platform === 'linux';
const text = (b: Uint8Array) => decodeOutput(b);

test('hello world: stdout captured, exit 0, timings and memory reported, /tmp removed', async () => {
  const r = await runWasi(fx.helloWorld());
  assert.equal(r.outcome, 'SUCCEEDED');
  assert.equal(r.exitCode, 0);
  assert.equal(r.failure, null);
  assert.equal(text(r.stdout), fx.HELLO_TEXT);
  assert.equal(text(r.stderr), '');
  assert.deepEqual(r.bytesWritten, { stdout: fx.HELLO_TEXT.length, stderr: 0 });
  assert.equal(r.peakMemoryBytes, WASM_PAGE_BYTES);
  for (const k of ['workerStartMs', 'startupMs', 'runMs', 'cleanupMs', 'totalMs'] as const) assert.ok(r.timings[k]! >= 0, k);
  assert.ok(r.timings.totalMs >= r.timings.startupMs! + r.timings.runMs!);
  if (linux) assert.ok(r.cpuMs !== null && r.cpuMs > 0);
  assert.equal(existsSync(r.hostTmpDir), false);
});

test('args and env are passed through, and only them', async () => {
  process.env.FOG_TEST_HOST_SECRET = 'do-not-leak';
  const r = await runWasi(fx.echoArgsAndEnv(), { args: ['prog', 'a b', 'ü'], env: { MODE: 'test', EMPTY: '' } });
  assert.equal(text(r.stdout), 'prog\na b\nü\nMODE=test\nEMPTY=\n');
  const none = await runWasi(fx.echoArgsAndEnv());
  assert.equal(text(none.stdout), 'job\n');
  assert.doesNotMatch(text(none.stdout), /do-not-leak/);
  delete process.env.FOG_TEST_HOST_SECRET;
});

test('the guest writes a file in /tmp and reads it back; the host directory is removed afterwards', async () => {
  const r = await runWasi(fx.tmpFileRoundTrip());
  assert.equal(r.outcome, 'SUCCEEDED', JSON.stringify(r.failure));
  assert.equal(text(r.stdout), fx.ROUND_TRIP_TEXT);
  assert.equal(existsSync(r.hostTmpDir), false);
});

test('proc_exit code is captured: non-zero exit is FAILED with NONZERO_EXIT, stderr kept', async () => {
  const r = await runWasi(fx.exitWith(7));
  assert.equal(r.outcome, 'FAILED');
  assert.equal(r.exitCode, 7);
  assert.equal(r.failure?.code, 'NONZERO_EXIT');
  assert.equal(text(r.stderr), fx.EXIT_STDERR_TEXT);
  assert.equal((await runWasi(fx.exitWith(0))).outcome, 'SUCCEEDED');
});

test('an endless loop is TIMED_OUT by worker.terminate(); the parent event loop keeps running and the next run works', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = performance.now();
  // 2.5 s: on a loaded machine starting the worker thread alone can take most of a second.
  const r = await runWasi(fx.infiniteLoop(), { timeoutMs: 2_500 });
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  assert.equal(r.outcome, 'TIMED_OUT');
  assert.equal(r.failure?.code, 'TIMED_OUT');
  assert.equal(r.exitCode, null);
  assert.ok(elapsed >= 2_500 && elapsed < 15_000, `took ${elapsed} ms`);
  assert.ok(ticks >= 20, `parent timers ran only ${ticks} times while the guest spun`);
  assert.ok(r.timings.runMs !== null && r.timings.runMs > 0, 'the guest was running when stopped');
  if (linux) assert.ok(r.cpuMs !== null && r.cpuMs > 0, `cpu ${r.cpuMs} ms for a spinning guest`);
  assert.equal(existsSync(r.hostTmpDir), false);
  assert.equal((await runWasi(fx.helloWorld())).outcome, 'SUCCEEDED');
});

test('output is streamed to onLog while the guest is still running', async () => {
  // The guest prints, then spins forever: the line can only arrive while it runs. We stop it on receipt.
  const seen: Array<[StdStream, string]> = [];
  const ac = new AbortController();
  const r = await runWasi(fx.printThenLoop(), {
    timeoutMs: 30_000,
    signal: ac.signal,
    onLog: (s, c) => {
      seen.push([s, text(c)]);
      ac.abort();
    },
  });
  assert.equal(r.outcome, 'CANCELLED');
  assert.deepEqual(seen, [['stdout', fx.STARTED_TEXT]]);
  assert.equal(text(r.stdout), fx.STARTED_TEXT);
});

test('output beyond the cap is dropped and flagged; onLog sees exactly what is kept', async () => {
  const chunks: Record<StdStream, number> = { stdout: 0, stderr: 0 };
  const r = await runWasi(fx.spew(), { args: ['spew', '1000'], maxOutputBytes: 1000, onLog: (s, c) => (chunks[s] += c.length) });
  assert.equal(r.outcome, 'SUCCEEDED');
  assert.deepEqual([r.stdout.length, r.stderr.length], [1000, 1000]);
  assert.deepEqual([r.stdoutTruncated, r.stderrTruncated], [true, true]);
  assert.deepEqual(r.bytesWritten, { stdout: 64_000, stderr: 32_000 });
  assert.deepEqual(chunks, { stdout: 1000, stderr: 1000 });
  assert.equal(text(r.stdout), fx.SPEW_STDOUT_LINE.repeat(16).slice(0, 1000));
  const small = await runWasi(fx.spew(), { args: ['spew', '3'], maxOutputBytes: 1000 });
  assert.deepEqual([small.stdoutTruncated, text(small.stderr)], [false, fx.SPEW_STDERR_LINE.repeat(3)]);
});

test('memory.grow beyond the cap fails inside the guest; growth within it works', async () => {
  const cap = 16 * WASM_PAGE_BYTES;
  const over = await runWasi(fx.growMemory(100), { maxMemoryBytes: cap });
  assert.equal(over.exitCode, fx.GROW_REFUSED_EXIT_CODE);
  assert.equal(over.peakMemoryBytes, WASM_PAGE_BYTES);
  const within = await runWasi(fx.growMemory(10), { maxMemoryBytes: cap });
  assert.equal(within.outcome, 'SUCCEEDED');
  assert.equal(within.peakMemoryBytes, 11 * WASM_PAGE_BYTES);
});

test('a module declaring more initial memory than the cap is refused before it runs', async () => {
  const r = await runWasi(fx.declaresMemory(100), { maxMemoryBytes: 16 * WASM_PAGE_BYTES });
  assert.equal(r.outcome, 'FAILED');
  assert.equal(r.failure?.code, 'MEMORY_LIMIT');
  assert.match(r.failure!.message, /100 pages/);
  assert.equal(r.timings.runMs, null);
});

test('paths outside /tmp cannot be opened: .., absolute paths, unknown fds, escaping symlinks', async () => {
  const attempts = {
    dotdot: fx.openPath('../../../../../../etc/passwd'),
    absolute: fx.openPath('/etc/passwd'),
    unknownFd: fx.openPath('passwd', 4),
    stdinAsDir: fx.openPath('etc/passwd', 0),
    relativeSymlink: fx.symlinkEscape('../../../../../../etc/passwd'),
    absoluteSymlink: fx.symlinkEscape('/etc/passwd'),
  };
  const expected: Partial<Record<keyof typeof attempts, number>> = {
    dotdot: fx.WASI_ERRNO.NOTCAPABLE,
    absolute: fx.WASI_ERRNO.NOTCAPABLE,
    unknownFd: fx.WASI_ERRNO.BADF,
  };
  for (const [name, bytes] of Object.entries(attempts) as Array<[keyof typeof attempts, Uint8Array]>) {
    const r = await runWasi(bytes);
    assert.equal(r.outcome, 'FAILED', name);
    assert.notEqual(r.exitCode, fx.ESCAPED_EXIT_CODE, `${name} escaped the sandbox`);
    assert.ok(r.exitCode !== null && r.exitCode > 0, name);
    if (expected[name] !== undefined) assert.equal(r.exitCode, expected[name], name);
  }
});

test('a malformed module is FAILED with the compile error; host imports and missing exports are link errors', async () => {
  const bad = await runWasi(fx.malformed());
  assert.equal(bad.outcome, 'FAILED');
  assert.equal(bad.failure?.code, 'COMPILE_ERROR');
  assert.match(bad.failure!.message, /magic/);
  const host = await runWasi(fx.importsHostFunction());
  assert.equal(host.failure?.code, 'LINK_ERROR');
  assert.match(host.failure!.message, /env\.now/);
  const trap = await runWasi(fx.trap());
  assert.deepEqual([trap.outcome, trap.failure?.code, trap.exitCode], ['FAILED', 'TRAP', null]);
  assert.match(trap.failure!.message, /unreachable/);
  const overflow = await runWasi(fx.recurseForever());
  assert.deepEqual([overflow.outcome, overflow.failure?.code], ['FAILED', 'TRAP']);
  assert.match(overflow.failure!.message, /call stack/i);
});

test('a CPU-bound module computes the right answer from its args', async () => {
  const r = await runWasi(fx.busyLoop(), { args: ['busy', '2000000'] });
  assert.equal(text(r.stdout), `${fx.busyLoopExpected(2_000_000)}\n`);
});

test('an AbortSignal cancels a running guest', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const r = await runWasi(fx.infiniteLoop(), { signal: ac.signal, timeoutMs: 10_000 });
  assert.equal(r.outcome, 'CANCELLED');
  assert.equal(existsSync(r.hostTmpDir), false);
});

test('if onLog throws, the run is stopped and runWasi rejects with that error', async () => {
  const boom = new Error('log sink down');
  await assert.rejects(
    runWasi(fx.printThenLoop(), {
      timeoutMs: 10_000,
      onLog: () => {
        throw boom;
      },
    }),
    boom,
  );
});

test('no host file descriptors leak, whether the guest ends or is stopped with files open', { skip: !linux }, async () => {
  await runWasi(fx.helloWorld());
  const fds = () => readdirSync('/proc/self/fd').length;
  const before = fds();
  for (let i = 0; i < 3; i++) await runWasi(fx.tmpFileRoundTrip());
  for (let i = 0; i < 3; i++) {
    // Stop it only once it is running, with its preopen and a file open.
    const ac = new AbortController();
    const r = await runWasi(fx.holdFileThenLoop(), { signal: ac.signal, timeoutMs: 10_000, onLog: () => ac.abort() });
    assert.equal(r.outcome, 'CANCELLED');
  }
  assert.ok(fds() <= before, `fds: ${before} → ${fds()}`);
});

test('invalid options are rejected up front', async () => {
  await assert.rejects(runWasi(fx.helloWorld(), { timeoutMs: 0 }), RangeError);
  await assert.rejects(runWasi(fx.helloWorld(), { maxMemoryBytes: 1000 }), RangeError);
  await assert.rejects(runWasi(fx.helloWorld(), { env: { 'A=B': 'x' } }), RangeError);
});
