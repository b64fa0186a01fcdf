import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ArtifactStore, ArtifactTooLargeError } from './artifact-store.js';
import { OnnxFormatError } from './model-errors.js';
import { modelContentHash } from './onnx-file.js';
import { buildMlpClassifier } from './reference-models.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'artifacts-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Every file under `root`, relative, sorted. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

/** The bytes as a stream of small chunks, like a network upload. */
const chunked = (bytes: Uint8Array, size = 1000) =>
  Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
  })());

test('put streams a model to <dir>/<sha[0..2]>/<sha>.onnx and reads its signature', async () => {
  const store = new ArtifactStore(path.join(dir, 'a'));
  const bytes = buildMlpClassifier({ inputSize: 16, hidden: [32], classes: 4, seed: 7 });
  const stored = await store.put(chunked(bytes), 1 << 20);
  const sha = modelContentHash(bytes);
  assert.equal(stored.sha256, sha);
  assert.equal(stored.sizeBytes, bytes.length);
  assert.deepEqual(stored.info.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 16] }]);
  assert.equal(store.path(sha), path.join(dir, 'a', sha.slice(0, 2), `${sha}.onnx`));
  assert.deepEqual(await filesUnder(store.dir), [path.join(sha.slice(0, 2), `${sha}.onnx`)]);
  assert.ok((await readFile(store.path(sha))).equals(bytes));
  assert.ok(await store.has(sha));
  assert.ok(Buffer.from(await store.read(sha)).equals(bytes));

  const again = await store.put(chunked(bytes, 333), 1 << 20);
  assert.equal(again.sha256, sha, 'identical uploads share one file');
  assert.equal((await filesUnder(store.dir)).length, 1);

  await store.remove(sha);
  assert.equal(await store.has(sha), false);
  await assert.rejects(store.read(sha), (e: any) => e.code === 'NOT_FOUND');
});

test('a truncated or corrupt upload is refused and leaves no file', async () => {
  const store = new ArtifactStore(path.join(dir, 'b'));
  const bytes = buildMlpClassifier({ inputSize: 16, hidden: [32], classes: 4, seed: 7 });
  await assert.rejects(store.put(chunked(bytes.subarray(0, Math.floor(bytes.length / 2))), 1 << 20), OnnxFormatError);
  await assert.rejects(store.put(chunked(new Uint8Array(5000).fill(0xff)), 1 << 20), OnnxFormatError);
  assert.deepEqual(await filesUnder(store.dir), []);
});

test('an upload over the limit is refused without reading the rest, and leaves no file', async () => {
  const store = new ArtifactStore(path.join(dir, 'c'));
  const bytes = buildMlpClassifier({ inputSize: 64, hidden: [64], classes: 10, seed: 1 });
  let pulled = 0;
  const source = Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += 1000) {
      pulled++;
      yield Buffer.from(bytes.subarray(i, i + 1000));
    }
  })());
  await assert.rejects(store.put(source, 4000), (e: unknown) => {
    assert.ok(e instanceof ArtifactTooLargeError);
    assert.equal(e.code, 'PAYLOAD_TOO_LARGE');
    return true;
  });
  assert.ok(pulled < Math.ceil(bytes.length / 1000), `stopped early (${pulled} chunks pulled)`);
  assert.deepEqual(await filesUnder(store.dir), []);
});

test('a source that fails mid-stream leaves no file', async () => {
  const store = new ArtifactStore(path.join(dir, 'd'));
  const source = Readable.from((async function* () {
    yield Buffer.alloc(100);
    throw new Error('connection reset');
  })());
  await assert.rejects(store.put(source, 1 << 20), /connection reset/);
  assert.deepEqual(await filesUnder(store.dir), []);
});

test('a malformed sha is refused before touching the filesystem', () => {
  const store = new ArtifactStore(dir);
  assert.throws(() => store.path('../../etc/passwd'), (e: any) => e.code === 'BAD_USER_INPUT');
});
