/**
 * The registry against the real Postgres (its own schema) and a temp artifact directory:
 * versioning under concurrency, aliases, deletes that keep or remove the shared file, and
 * storage accounting that stays right when a registration fails.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { DEFAULT_DATABASE_URL } from '@aivillage/config';
import { createIsolatedDatabase, type IsolatedDatabase } from '@aivillage/db';
import { AppError, ErrorCode } from '@aivillage/errors';
import { ArtifactStore } from './artifact-store.js';
import { ModelRegistryService, type StorageQuota } from './model-registry.service.js';
import { buildMlpClassifier } from './reference-models.js';

let db: IsolatedDatabase;
let dir: string;
let store: ArtifactStore;
let registry: ModelRegistryService;
/** In-memory quota: usage per namespace, refusing past `limit`. */
const usage = new Map<string, number>();
const storage: StorageQuota & { limit: number } = {
  limit: Number.MAX_SAFE_INTEGER,
  async reserve(ns, bytes) {
    const next = (usage.get(ns) ?? 0) + bytes;
    if (next > this.limit) throw new AppError(ErrorCode.QUOTA_EXCEEDED, 'quota');
    usage.set(ns, next);
  },
  async release(ns, bytes) {
    usage.set(ns, Math.max(0, (usage.get(ns) ?? 0) - bytes));
  },
};

before(async () => {
  db = await createIsolatedDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'models');
  dir = await mkdtemp(path.join(tmpdir(), 'registry-'));
  store = new ArtifactStore(dir);
  registry = new ModelRegistryService({ prisma: db.prisma, store, storage });
  await db.prisma.namespace.createMany({ data: [{ name: 'ns-a' }, { name: 'ns-b' }] });
});
after(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

const upload = (seed: number) => store.put(Readable.from([Buffer.from(buildMlpClassifier({ inputSize: 8, hidden: [16], classes: 3, seed }))]), 1 << 20);
const code = (c: string) => (e: unknown) => (e as AppError).code === c;
const artifactFiles = async () => (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.onnx'));

test('the first version creates the model (task required); later ones number up, metadata and aliases follow', async () => {
  const a = await upload(1);
  await assert.rejects(registry.registerVersion({ namespace: 'ns-a', model: 'iris', sha256: a.sha256 }), code('BAD_USER_INPUT'));
  const v1 = await registry.registerVersion({
    namespace: 'ns-a', model: 'iris', sha256: a.sha256, task: 'classification', tags: ['mlp'],
    metrics: { accuracy: 0.9 }, aliases: ['staging'],
  });
  assert.equal(v1.version.version, 1);
  assert.equal(v1.model.namespace.name, 'ns-a');
  assert.equal(v1.version.sizeBytes, BigInt(a.sizeBytes));
  assert.deepEqual(v1.version.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 8] }]);
  assert.equal(v1.version.parameterCount, BigInt(8 * 16 + 16 + 16 * 3 + 3));
  assert.equal(v1.version.opset, 17);
  assert.deepEqual(v1.version.metrics, { accuracy: 0.9 });

  const b = await upload(2);
  const v2 = await registry.registerVersion({ namespace: 'ns-a', model: 'iris', sha256: b.sha256, description: 'retrained', aliases: ['staging', 'production'] });
  assert.equal(v2.version.version, 2);
  assert.equal(v2.model.task, 'classification', 'task kept');
  assert.equal(v2.model.description, 'retrained');
  const [aliases] = await registry.aliasesOf([v2.model.id]);
  assert.deepEqual(aliases.map((x) => [x.alias, x.version.version]), [['production', 2], ['staging', 2]]);
  assert.equal(usage.get('ns-a'), a.sizeBytes + b.sizeBytes);
});

test('concurrent registrations of a new model get distinct, consecutive versions', async () => {
  const a = await upload(3);
  const results = await Promise.all(
    Array.from({ length: 6 }, () => registry.registerVersion({ namespace: 'ns-a', model: 'race', sha256: a.sha256, task: 'classification' })),
  );
  assert.deepEqual(results.map((r) => r.version.version).sort(), [1, 2, 3, 4, 5, 6]);
  assert.equal(await db.prisma.model.count({ where: { name: 'race' } }), 1);
});

test('aliases: bad names refused, unknown versions NOT_FOUND, null removes', async () => {
  await assert.rejects(registry.setAlias('ns-a', 'iris', 'Prod!', 1), code('BAD_USER_INPUT'));
  await assert.rejects(registry.setAlias('ns-a', 'iris', 'canary', 99), code('NOT_FOUND'));
  await assert.rejects(registry.setAlias('ns-a', 'nope', 'canary', 1), code('NOT_FOUND'));
  await registry.setAlias('ns-a', 'iris', 'canary', 1);
  await registry.setAlias('ns-a', 'iris', 'staging', null);
  const model = await registry.getModel('ns-a', 'iris');
  const [aliases] = await registry.aliasesOf([model.id]);
  assert.deepEqual(aliases.map((x) => [x.alias, x.version.version]), [['canary', 1], ['production', 2]]);
});

test('deleting an aliased version is refused naming the aliases; otherwise the row, storage and unshared file go', async () => {
  await assert.rejects(registry.deleteVersion('ns-a', 'iris', 2), (e: unknown) => {
    assert.equal((e as AppError).code, 'CONFLICT');
    assert.match((e as Error).message, /"production"/);
    assert.deepEqual((e as AppError).details?.aliases, ['production']);
    return true;
  });
  await registry.setAlias('ns-a', 'iris', 'canary', null);
  const v1 = await db.prisma.modelVersion.findFirstOrThrow({ where: { model: { name: 'iris' }, version: 1 } });
  const before = usage.get('ns-a')!;
  const filesBefore = await artifactFiles();
  await registry.deleteVersion('ns-a', 'iris', 1);
  assert.equal(usage.get('ns-a'), before - Number(v1.sizeBytes));
  assert.equal(await store.has(v1.sha256), false, 'no other version used that file');
  assert.equal((await artifactFiles()).length, filesBefore.length - 1);

  const shared = await db.prisma.modelVersion.findFirstOrThrow({ where: { model: { name: 'race' }, version: 1 } });
  await registry.deleteVersion('ns-a', 'race', 1);
  assert.ok(await store.has(shared.sha256), 'five other versions still use it');
  await assert.rejects(registry.deleteVersion('ns-a', 'race', 1), code('NOT_FOUND'));

  const v3 = await registry.registerVersion({ namespace: 'ns-a', model: 'iris', sha256: shared.sha256 });
  assert.equal(v3.version.version, 3, 'numbers are never reused');
});

test('a registration that fails after reserving storage releases it; a missing artifact is NOT_FOUND', async () => {
  const a = await upload(4);
  const before = usage.get('ns-b') ?? 0;
  // Reserved, then refused inside the transaction (a new model needs a task).
  await assert.rejects(registry.registerVersion({ namespace: 'ns-b', model: 'x', sha256: a.sha256 }), code('BAD_USER_INPUT'));
  storage.limit = 0;
  await assert.rejects(registry.registerVersion({ namespace: 'ns-b', model: 'x', sha256: a.sha256, task: 't' }), code('QUOTA_EXCEEDED'));
  storage.limit = Number.MAX_SAFE_INTEGER;
  assert.equal(usage.get('ns-b') ?? 0, before);
  assert.equal(await db.prisma.model.count({ where: { name: 'x' } }), 0);
  await assert.rejects(registry.registerVersion({ namespace: 'ns-b', model: 'x', sha256: 'f'.repeat(64), task: 't' }), code('NOT_FOUND'));
  await assert.rejects(registry.registerVersion({ namespace: 'nowhere', model: 'x', sha256: a.sha256, task: 't' }), code('NOT_FOUND'));
});

test('listModels pages by name within what the caller may see', async () => {
  const a = await upload(5);
  for (const name of ['m1', 'm2', 'm3']) await registry.registerVersion({ namespace: 'ns-b', model: name, sha256: a.sha256, task: 't' });
  const onlyB = { namespace: { name: { in: ['ns-b'] } } };
  const page1 = await registry.listModels({ visible: onlyB, first: 2 });
  assert.deepEqual(page1.nodes.map((m) => m.name), ['m1', 'm2']);
  assert.equal(page1.hasNextPage, true);
  const page2 = await registry.listModels({ visible: onlyB, first: 2, after: page1.nodes[1].id });
  assert.deepEqual(page2.nodes.map((m) => m.name), ['m3']);
  assert.equal(page2.hasNextPage, false);
  assert.deepEqual((await registry.listModels({ visible: onlyB, namespace: 'ns-a', first: 10 })).nodes, [], 'a namespace outside the filter shows nothing');
  await assert.rejects(registry.getModel('ns-b', 'iris'), code('NOT_FOUND'));
});
