import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { apiConfigSchema, ConfigError, loadConfig, REPO_ROOT, workerConfigSchema } from './index.js';

test('defaults give a working local configuration', () => {
  const c = loadConfig(apiConfigSchema, {});
  assert.equal(c.PORT, 4000);
  assert.equal(c.MAX_BODY_BYTES, 1_048_576);
  assert.equal(c.MAX_QUERY_DEPTH, 10);
  assert.match(c.DATABASE_URL, /^postgresql:/);
  assert.equal(loadConfig(workerConfigSchema, {}).WORKER_QUEUES, '*');
});

test('every problem is listed at once', () => {
  assert.throws(
    () => loadConfig(apiConfigSchema, { PORT: 'eighty', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.issues.length, 3);
      assert.match(e.message, /PORT/);
      assert.match(e.message, /DATABASE_URL/);
      assert.match(e.message, /LOG_LEVEL/);
      return true;
    },
  );
});

test('empty strings fall back to defaults', () => {
  assert.equal(loadConfig(apiConfigSchema, { PORT: '' }).PORT, 4000);
});

test('model uploads: 256 MiB by default, artifacts under the repository unless an absolute path is given', () => {
  const c = loadConfig(apiConfigSchema, {});
  assert.equal(c.MODEL_UPLOAD_MAX_BYTES, 256 * 1024 * 1024);
  assert.equal(c.MODEL_ARTIFACT_DIR, path.join(REPO_ROOT, 'data', 'artifacts'));
  assert.equal(loadConfig(apiConfigSchema, { MODEL_ARTIFACT_DIR: '/srv/artifacts' }).MODEL_ARTIFACT_DIR, '/srv/artifacts');
  assert.ok(existsSync(path.join(REPO_ROOT, 'package.json')), 'REPO_ROOT is the repository root');
});
