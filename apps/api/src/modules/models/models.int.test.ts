/**
 * The model registry end to end over real HTTP: multipart uploads into a temp artifact
 * directory, registration, aliases, deletes, namespace isolation and storage quotas.
 * Bad uploads are checked to leave neither a file nor a row.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildMlpClassifier } from '@aivillage/models';
import { startTestStack, type TestStack } from '../../test-stack.js';

const UPLOAD_LIMIT = 200_000;
let stack: TestStack;
let base: string;
let artifactDir: string;

before(async () => {
  artifactDir = await mkdtemp(path.join(tmpdir(), 'api-artifacts-'));
  stack = await startTestStack({
    apis: 1, workers: 0, env: { MODEL_ARTIFACT_DIR: artifactDir, MODEL_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT) },
  });
  base = stack.apis[0].url;
});
after(async () => {
  await stack.stop();
  await rm(artifactDir, { recursive: true, force: true });
});

/** 64 → 128 → 10: (64·128 + 128) + (128·10 + 10) parameters, ≈ 38 KB. */
const mlp = (seed: number) => buildMlpClassifier({ inputSize: 64, hidden: [128], classes: 10, seed });
const MLP_PARAMETERS = 64 * 128 + 128 + 128 * 10 + 10;

async function upload(bytes: Uint8Array, key: string | null = stack.adminKey, field = 'file') {
  const form = new FormData();
  form.append('description', 'ignored');
  form.append(field, new Blob([bytes], { type: 'application/octet-stream' }), 'model.onnx');
  const res = await fetch(`${base}/v1/models/artifacts`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {}, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

const files = async () => (await readdir(artifactDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
const versionRows = () => stack.db.prisma.modelVersion.count();
const storageUsed = async (name: string) => (await stack.db.prisma.namespace.findUniqueOrThrow({ where: { name } })).storageBytesUsed;

const REGISTER = `mutation($i: RegisterModelVersionInput!) {
  registerModelVersion(input: $i) { version sha256 sizeBytes opset irVersion producer parameterCount quantisation metrics trainingRunId aliases
    inputs { name dtype shape } outputs { name dtype shape } } }`;
const SET_ALIAS = 'mutation($m: String!, $a: String!, $v: Int) { setModelAlias(model: $m, alias: $a, version: $v) { aliases { alias version } } }';
const DELETE = 'mutation($m: String!, $v: Int!) { deleteModelVersion(model: $m, version: $v) { versions { version } } }';

describe('upload and register', () => {
  test('two versions with aliases are listed with the signature, opset and parameters read from the file', async () => {
    const before = await storageUsed('default');
    const up1 = await upload(mlp(1));
    assert.equal(up1.status, 201, JSON.stringify(up1.body));
    assert.match(up1.body.sha256, /^[0-9a-f]{64}$/);
    assert.equal(up1.body.sizeBytes, mlp(1).length);
    assert.deepEqual(up1.body.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 64] }]);
    assert.equal(up1.body.parameterCount, MLP_PARAMETERS);
    assert.ok((await files()).includes(`${up1.body.sha256}.onnx`));

    const ns = await stack.db.prisma.namespace.findUniqueOrThrow({ where: { name: 'default' } });
    const run = await stack.db.prisma.trainingRun.create({ data: { namespaceId: ns.id, name: 'lineage', template: 'agent-forge', config: {} } });
    const unknownRun = await stack.gql(REGISTER, {
      i: { model: 'digits', sha256: up1.body.sha256, task: 'classification', trainingRunId: '00000000-0000-4000-8000-000000000042' },
    });
    assert.equal(unknownRun.body.errors?.[0]?.extensions.code, 'NOT_FOUND', 'lineage to a run that does not exist is refused');
    const v1 = await stack.gql(REGISTER, {
      i: { model: 'digits', sha256: up1.body.sha256, task: 'classification', tags: ['mlp'], metrics: { accuracy: 0.91 },
           trainingRunId: run.id, aliases: ['production'] },
    });
    assert.deepEqual(v1.body.errors, undefined);
    assert.deepEqual(v1.body.data.registerModelVersion, {
      version: 1, sha256: up1.body.sha256, sizeBytes: up1.body.sizeBytes, opset: 17, irVersion: 8, producer: '@aivillage/models',
      parameterCount: MLP_PARAMETERS, quantisation: 'none', metrics: { accuracy: 0.91 }, trainingRunId: run.id,
      aliases: ['production'],
      inputs: [{ name: 'features', dtype: 'float32', shape: ['N', '64'] }], outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['N', '10'] }],
    });
    assert.equal(await storageUsed('default'), before + BigInt(up1.body.sizeBytes), 'storage grows by the artifact size');

    const up2 = await upload(mlp(2));
    const v2 = await stack.gql(REGISTER, { i: { model: 'digits', sha256: up2.body.sha256, metrics: { accuracy: 0.95 }, aliases: ['staging'] } });
    assert.equal(v2.body.data.registerModelVersion.version, 2);

    const list = await stack.gql(`{ models { pageInfo { hasNextPage }
      nodes { namespace name task tags latestVersion { version } aliases { alias version } versions { version sha256 aliases metrics } } } }`);
    const digits = list.body.data.models.nodes.find((m: any) => m.name === 'digits');
    assert.deepEqual(digits, {
      namespace: 'default', name: 'digits', task: 'classification', tags: ['mlp'], latestVersion: { version: 2 },
      aliases: [{ alias: 'production', version: 1 }, { alias: 'staging', version: 2 }],
      versions: [
        { version: 2, sha256: up2.body.sha256, aliases: ['staging'], metrics: { accuracy: 0.95 } },
        { version: 1, sha256: up1.body.sha256, aliases: ['production'], metrics: { accuracy: 0.91 } },
      ],
    });
    const promoted = await stack.gql(SET_ALIAS, { m: 'digits', a: 'production', v: 2 });
    assert.deepEqual(promoted.body.data.setModelAlias.aliases, [{ alias: 'production', version: 2 }, { alias: 'staging', version: 2 }]);
    const one = await stack.gql('{ model(name: "digits") { versions { version aliases } } }');
    assert.deepEqual(one.body.data.model.versions, [{ version: 2, aliases: ['production', 'staging'] }, { version: 1, aliases: [] }]);
  });

  test('deleting an aliased version is refused naming the alias; deleting another frees its storage and file', async () => {
    const refused = await stack.gql(DELETE, { m: 'digits', v: 2 });
    assert.equal(refused.body.errors[0].extensions.code, 'CONFLICT');
    assert.match(refused.body.errors[0].message, /"production", "staging"/);
    assert.deepEqual(refused.body.errors[0].extensions.aliases, ['production', 'staging']);

    const v1 = await stack.db.prisma.modelVersion.findFirstOrThrow({ where: { model: { name: 'digits' }, version: 1 } });
    const before = await storageUsed('default');
    const deleted = await stack.gql(DELETE, { m: 'digits', v: 1 });
    assert.deepEqual(deleted.body.data.deleteModelVersion.versions, [{ version: 2 }]);
    assert.equal(await storageUsed('default'), before - v1.sizeBytes, 'storage shrinks by the artifact size');
    assert.ok(!(await files()).includes(`${v1.sha256}.onnx`), 'the artifact no other version used is gone');

    const bad = await stack.gql(SET_ALIAS, { m: 'digits', a: 'Not An Alias', v: 2 });
    assert.equal(bad.body.errors[0].extensions.code, 'BAD_USER_INPUT');
  });

  test('an unknown model, version or artifact is NOT_FOUND', async () => {
    for (const [query, variables] of [
      ['{ model(name: "no-such-model") { id } }', undefined],
      [DELETE, { m: 'no-such-model', v: 1 }],
      [DELETE, { m: 'digits', v: 99 }],
      [SET_ALIAS, { m: 'digits', a: 'canary', v: 99 }],
      [REGISTER, { i: { model: 'digits', sha256: 'a'.repeat(64) } }],
    ] as const) {
      const r = await stack.gql(query, variables);
      assert.equal(r.body.errors?.[0].extensions.code, 'NOT_FOUND', `${query} ${JSON.stringify(variables)}`);
    }
  });

  test('list queries cost the same number of SQL statements for 1 model as for 4 (DataLoaders)', async () => {
    const { sha256 } = (await upload(mlp(3))).body;
    let statements = 0;
    stack.db.prisma.$on('query', () => statements++);
    const count = async (first: number) => {
      statements = 0;
      const r = await stack.gql(`{ models(first: ${first}) { nodes { aliases { alias } latestVersion { version aliases } versions { version aliases } } } }`);
      assert.equal(r.body.data.models.nodes.length, first);
      return statements;
    };
    for (const name of ['m-a', 'm-b', 'm-c']) await stack.gql(REGISTER, { i: { model: name, sha256, task: 'classification', aliases: ['production'] } });
    const [one, four] = [await count(1), await count(4)];
    assert.ok(one > 0, 'statements are counted');
    assert.equal(four, one);
  });
});

describe('bad uploads leave nothing behind', () => {
  test('a truncated ONNX file is refused with 400, no file and no row', async () => {
    const [before, rows] = [await files(), await versionRows()];
    const bytes = mlp(4);
    const r = await upload(bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.match(r.body.errors[0].message, /Invalid ONNX model/);
    assert.deepEqual(await files(), before);
    assert.equal(await versionRows(), rows);
  });

  test('an upload over MODEL_UPLOAD_MAX_BYTES is refused with 413 and no file', async () => {
    const before = await files();
    const big = buildMlpClassifier({ inputSize: 256, hidden: [256], classes: 10, seed: 5 });
    assert.ok(big.length > UPLOAD_LIMIT);
    const r = await upload(big);
    assert.equal(r.status, 413);
    assert.equal(r.body.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(await files(), before);
  });

  test('a body without a "file" part or not multipart is refused with 400', async () => {
    assert.equal((await upload(mlp(1), stack.adminKey, 'model')).status, 400);
    const json = await fetch(`${base}/v1/models/artifacts`, {
      method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' }, body: '{}',
    });
    assert.equal(json.status, 400);
  });

  test('uploads need a caller with the write scope', async () => {
    const anonymous = await upload(mlp(1), null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    const reader = await stack.createKey({ scopes: ['read'] });
    const readOnly = await upload(mlp(1), reader.key);
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.errors[0].extensions.code, 'FORBIDDEN');
  });
});

describe('namespaces and quotas', () => {
  test('a key of another namespace can neither see nor write these models', async () => {
    const other = await stack.createKey({ namespace: 'team-other', tier: 'GOLD' });
    const list = await stack.gql('{ models { nodes { name } } }', undefined, { key: other.key });
    assert.deepEqual(list.body.data.models.nodes, []);
    for (const [query, variables] of [
      ['{ model(name: "digits") { id } }', undefined],
      ['{ model(name: "digits", namespace: "default") { id } }', undefined],
      ['{ models(namespace: "default") { nodes { name } } }', undefined],
      [SET_ALIAS, { m: 'digits', a: 'production', v: null }],
      [DELETE, { m: 'digits', v: 2 }],
      [REGISTER, { i: { model: 'digits', sha256: 'a'.repeat(64) } }],
    ] as const) {
      const r = await stack.gql(query, variables, { key: other.key });
      assert.equal(r.body.errors?.[0].extensions.code, 'FORBIDDEN', `${query} ${JSON.stringify(variables)}`);
    }
    const still = await stack.gql('{ model(name: "digits") { aliases { alias } } }');
    assert.equal(still.body.data.model.aliases.length, 2, 'nothing changed');
  });

  test('a BRONZE namespace at its 5 GB quota cannot register another version (QUOTA_EXCEEDED)', async () => {
    const bronze = await stack.createKey({ namespace: 'bronze-team', tier: 'BRONZE', scopes: ['read', 'write'] });
    const up = await upload(mlp(6), bronze.key);
    assert.equal(up.status, 201);
    const quota = 5n * 1024n ** 3n;
    await stack.db.prisma.namespace.update({ where: { name: 'bronze-team' }, data: { tier: 'BRONZE', storageBytesUsed: quota - 1000n } });
    const r = await stack.gql(REGISTER, { i: { namespace: 'bronze-team', model: 'big', sha256: up.body.sha256, task: 'classification' } }, { key: bronze.key });
    assert.equal(r.body.errors[0].extensions.code, 'QUOTA_EXCEEDED');
    assert.equal(await storageUsed('bronze-team'), quota - 1000n, 'usage unchanged');
    assert.equal(await stack.db.prisma.model.count({ where: { name: 'big' } }), 0);

    await stack.db.prisma.namespace.update({ where: { name: 'bronze-team' }, data: { storageBytesUsed: 0n } });
    const ok = await stack.gql(REGISTER, { i: { namespace: 'bronze-team', model: 'big', sha256: up.body.sha256, task: 'classification' } }, { key: bronze.key });
    assert.equal(ok.body.data.registerModelVersion.version, 1);
    assert.equal(await storageUsed('bronze-team'), BigInt(up.body.sizeBytes));
  });
});
