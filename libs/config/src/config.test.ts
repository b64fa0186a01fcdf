import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiConfigSchema, ConfigError, loadConfig, workerConfigSchema } from './index.js';

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
