import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { packProfile } from './profiling.agent.js';
import { captureCpuProfile, captureHeapSnapshot, ProfileTooLargeError } from './profiling.capture.js';
import { isCpuProfile, isHeapSnapshot, parseProfileRequest, profileFileName, profileSecondsProblem } from './profiling.js';

test('seconds must be a whole number from 1 to 60', () => {
  for (const ok of [1, 30, 60]) assert.equal(profileSecondsProblem(ok), null);
  for (const bad of [0, 61, -1, 1.5, Number.NaN]) assert.match(profileSecondsProblem(bad) ?? '', /from 1 to 60/);
});

test('control messages are parsed strictly', () => {
  assert.deepEqual(parseProfileRequest('{"artifactId":"7","kind":"CPU","seconds":2}'), { artifactId: '7', kind: 'CPU', seconds: 2 });
  assert.deepEqual(parseProfileRequest('{"artifactId":"7","kind":"HEAP"}'), { artifactId: '7', kind: 'HEAP' });
  for (const bad of ['nope', '{"artifactId":"x","kind":"HEAP"}', '{"artifactId":"7","kind":"CPU","seconds":61}', '{"artifactId":"7","kind":"GPU"}']) {
    assert.equal(parseProfileRequest(bad), null, bad);
  }
});

test('file names carry the extension Chrome DevTools and speedscope recognise', () => {
  assert.equal(profileFileName('12', 'CPU'), 'profile-12.cpuprofile');
  assert.equal(profileFileName('12', 'HEAP'), 'profile-12.heapsnapshot');
});

test('a CPU profile of this process is a .cpuprofile with samples, and packs to gzip with its sha256', async () => {
  const busy = setInterval(() => {
    let x = 0;
    for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
    return x;
  }, 5);
  const captured = await captureCpuProfile(200, { maxBytes: 64 * 1024 * 1024 });
  clearInterval(busy);
  const text = Buffer.concat(captured.chunks).toString();
  const profile = JSON.parse(text);
  assert.ok(isCpuProfile(profile));
  assert.ok(profile.samples.length > 0);
  const packed = await packProfile(captured);
  assert.equal(packed.sizeBytes, Buffer.byteLength(text));
  assert.equal(gunzipSync(packed.gz).toString(), text);
  assert.equal(packed.sha256, createHash('sha256').update(text).digest('hex'));
});

test('a CPU capture stops early when aborted', async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 50);
  await assert.rejects(captureCpuProfile(10_000, { maxBytes: 1e9, signal: stop.signal }), /stopping/);
});

test('a heap snapshot of this process parses, and one over the cap is refused', async () => {
  const captured = await captureHeapSnapshot({ maxBytes: 512 * 1024 * 1024 });
  const snapshot = JSON.parse(Buffer.concat(captured.chunks).toString());
  assert.ok(isHeapSnapshot(snapshot));
  await assert.rejects(captureHeapSnapshot({ maxBytes: 1024 }), ProfileTooLargeError);
});
