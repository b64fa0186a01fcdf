/**
 * The Models page in a real browser against a real, isolated platform (API, inference
 * worker, Postgres schema, Redis prefix, artifact directory): a model uploaded and registered
 * from Node through the public API is listed with its alias; its page shows the signature;
 * "Try it" runs the pre-filled example on the worker and shows outputs and timings, and a
 * request of the wrong shape shows the API's BAD_USER_INPUT naming the expected signature;
 * the live latency chart receives samples and sees the traffic; aliases are moved and
 * removed, and deleting an aliased version shows the API's CONFLICT.
 * Needs `npm run build` and `npm run build:console` first; screenshots and service logs go
 * to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildMlpClassifier } from '@aivillage/models';
import { attr, screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';
import { poll } from './support/poll.js';
import { startTraffic } from './support/traffic.js';

const MODEL = 'e2e-mlp';
const SPEC = { inputSize: 8, hidden: [16], classes: 3, seed: 1 };
/** 8 → 16 → 3: (8·16 + 16) + (16·3 + 3). */
const PARAMETERS = 8 * 16 + 16 + 16 * 3 + 3;
const MODEL_URL = `/models?model=${MODEL}&namespace=default`;

const RUN = `mutation ($model: String!, $inputs: JSON!) {
  runInference(model: $model, inputs: $inputs) { version outputs timings { totalMs worker } } }`;

describe('models page', () => {
  const session = setUpConsoleSession();
  const { openAsAdmin, graphql } = session;
  let sha256 = '';

  const features = (row: number[]) => ({ features: [row] });

  // The first page of the run pays for a cold browser, console and API: more time than the
  // UI timeout, so a stall fails on the step that stalled, with a screenshot.
  test('an empty registry explains how to add a model', { timeout: 45_000 }, async () => {
    const page = await openAsAdmin('/models', 'page-models');
    await withScreenshotOnFailure(page, 'models-empty', async () => {
      const empty = page.getByTestId('models-empty');
      await empty.waitFor();
      assert.equal(await empty.getAttribute('data-filtered'), 'false');
      const text = (await empty.textContent()) ?? '';
      assert.match(text, /POST \/v1\/models\/artifacts/);
      assert.match(text, /registerModelVersion/);
      assert.equal(await attr(page, 'models-count'), '0');
    });
    await page.close();
  });

  test('a model registered through the API is listed with its alias, and its page shows the signature', { timeout: 45_000 }, async () => {
    const { apiUrl, trafficKey, worker } = session.stack;
    // Upload the ONNX bytes, then register them as v1 of a new model with the production alias.
    const bytes = buildMlpClassifier(SPEC);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'e2e-mlp.onnx');
    const uploaded = await fetch(`${apiUrl}/v1/models/artifacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${trafficKey}` },
      body: form,
    });
    const upload = (await uploaded.json()) as { sha256: string; inputs: unknown };
    assert.equal(uploaded.status, 201, JSON.stringify(upload));
    assert.match(upload.sha256, /^[0-9a-f]{64}$/);
    sha256 = upload.sha256;
    const registered = await graphql(
      `mutation ($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) { version aliases } }`,
      { input: { namespace: 'default', model: MODEL, sha256, task: 'classification', tags: ['e2e'], aliases: ['production'] } },
    );
    assert.deepEqual(registered.body.errors, undefined);
    assert.deepEqual(registered.body.data, { registerModelVersion: { version: 1, aliases: ['production'] } });

    // The worker answers (its first heartbeat may still be on its way: SERVICE_UNAVAILABLE until then).
    const warm = await poll(
      'the inference worker to answer runInference',
      async () => {
        const answer = await graphql(RUN, { model: MODEL, inputs: features([0, 0, 0, 0, 0, 0, 0, 0]) });
        const code = answer.body.errors?.[0]?.extensions?.code;
        if (code && code !== 'SERVICE_UNAVAILABLE') {
          throw new Error(`runInference failed: ${code}: ${answer.body.errors?.[0]?.message}`);
        }
        return answer.body.data?.runInference ? answer : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, bail: () => worker.assertRunning() },
    );
    assert.equal(warm.body.data?.runInference.version, 1);

    const page = await openAsAdmin('/models', 'page-models');
    await withScreenshotOnFailure(page, 'models-list', async () => {
      assert.equal(await page.getByTestId('nav-models').getAttribute('aria-current'), 'page');
      const row = page.locator(`[data-testid="model-row"][data-name="${MODEL}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-namespace'), 'default');
      assert.equal(await row.getByTestId('model-task').textContent(), 'classification');
      const alias = row.locator('[data-testid="model-alias"][data-alias="production"]');
      assert.equal(await alias.getAttribute('data-version'), '1');
      assert.equal(await row.getByTestId('model-latest-version').getAttribute('data-value'), '1');
      assert.equal(await row.getByTestId('model-version-count').getAttribute('data-value'), '1');
      await screenshot(page, 'models');

      // Opening it: a shareable URL naming the model and its namespace.
      await row.getByTestId('model-open').click();
      await page.locator(`[data-testid="model-detail"][data-name="${MODEL}"]`).waitFor();
      const url = new URL(page.url());
      assert.equal(url.pathname, '/models');
      assert.equal(url.searchParams.get('model'), MODEL);
      assert.equal(url.searchParams.get('namespace'), 'default');

      // v1 with its alias, artifact and signature as read from the ONNX file.
      const version = page.locator('[data-testid="model-version-row"][data-version="1"]');
      await version.waitFor();
      assert.equal(await version.getAttribute('data-aliases'), 'production');
      assert.equal(await version.getByTestId('model-version-sha').getAttribute('data-value'), sha256);
      assert.equal(await version.getByTestId('model-version-parameters').getAttribute('data-value'), String(PARAMETERS));
      assert.equal(await version.getByTestId('signature-input').textContent(), 'features: float32[N, 8]');
      assert.equal(await version.getByTestId('signature-output').textContent(), 'probabilities: float32[N, 3]');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('Try it runs the example and shows outputs and timings; a wrong shape names the signature; the live chart sees the traffic', { timeout: 45_000 }, async () => {
    const page = await openAsAdmin(MODEL_URL, 'page-models');
    await withScreenshotOnFailure(page, 'models-try', async () => {
      await page.locator(`[data-testid="model-detail"][data-name="${MODEL}"]`).waitFor();
      const panel = page.getByTestId('try-inference');
      const editor = panel.getByTestId('try-input');

      // Pre-filled from v1's input signature: one row (N = 1) of 8 zeros.
      await panel.getByTestId('try-signature').filter({ hasText: 'features: float32[N, 8]' }).waitFor();
      assert.deepEqual(JSON.parse(await editor.inputValue()), features([0, 0, 0, 0, 0, 0, 0, 0]));

      await panel.getByTestId('try-run').click();
      const result = panel.getByTestId('try-result');
      await result.waitFor();
      assert.equal(await result.getAttribute('data-version'), '1');
      const output = panel.locator('[data-testid="try-output"][data-name="probabilities"]');
      assert.equal(await output.getAttribute('data-dims'), '1,3');
      assert.equal(await output.getByTestId('try-output-scores').getAttribute('data-kind'), 'probabilities');
      const argmax = Number(await output.getByTestId('try-output-argmax').getAttribute('data-value'));
      assert.ok([0, 1, 2].includes(argmax), `argmax is a class index, got ${argmax}`);
      const raw = JSON.parse((await panel.getByTestId('try-outputs-json').textContent()) ?? '') as {
        probabilities: { dims: number[]; data: number[] };
      };
      assert.deepEqual(raw.probabilities.dims, [1, 3]);
      const sum = raw.probabilities.data.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `softmax output sums to 1, got ${sum}`);
      assert.equal(raw.probabilities.data.indexOf(Math.max(...raw.probabilities.data)), argmax, 'argmax shown is the largest probability');
      // Where the time went, and who ran it.
      assert.ok(Number(await attr(page, 'try-timing-total')) > 0, 'total time measured');
      assert.ok(Number(await attr(page, 'try-timing-run')) >= 0);
      assert.ok(Number(await attr(page, 'try-timing-batch-size')) >= 1);
      assert.ok(((await attr(page, 'try-timing-worker')) ?? '').length > 0, 'the worker is named');
      // The legs (send, queue, worker, reply) add up to no more than the total.
      const legs = await panel.getByTestId('try-timing-legs').locator('li').evaluateAll((items) =>
        items.map((li) => Number(li.getAttribute('data-value'))),
      );
      assert.equal(legs.length, 7);
      assert.ok(legs.every((ms) => Number.isFinite(ms) && ms >= 0), `legs are durations: ${legs.join(', ')}`);

      // Symbolic dims can be sized: N = 2 gives two rows in, two rows of probabilities out.
      await panel.getByTestId('try-dim-N').fill('2');
      assert.deepEqual(JSON.parse(await editor.inputValue()), { features: [[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]] });
      await panel.getByTestId('try-run').click();
      await panel.locator('[data-testid="try-output"][data-name="probabilities"][data-dims="2,3"]').waitFor();
      assert.equal(await panel.getByTestId('try-output-row').count(), 2);

      // A wrong shape: the API's BAD_USER_INPUT, with the expected signature.
      await editor.fill('{"features": [[0.5, 0.25, 1]]}');
      await panel.getByTestId('try-run').click();
      const error = panel.getByTestId('try-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'BAD_USER_INPUT');
      const message = (await error.getByTestId('try-error-message').textContent()) ?? '';
      assert.match(message, /features/);
      assert.match(message, /float32\[N, ?8\]/, `the message names the expected signature: ${message}`);
      assert.match((await error.getByTestId('try-error-expected').textContent()) ?? '', /features: float32\[N, 8\]/);

      // Not JSON at all: refused in the page, before any request.
      await editor.fill('{"features": [[0, 0,');
      await panel.getByTestId('try-run').click();
      await panel.locator('[data-testid="try-error"][data-code="INVALID_JSON"]').waitFor();

      // Back to the example; it runs again (the error is gone).
      await panel.getByTestId('try-reset').click();
      await panel.getByTestId('try-run').click();
      await poll('the error to clear after a good run', async () => (await panel.getByTestId('try-error').count()) === 0);

      // Live metrics: samples arrive every second, and the runs show up as requests/s and latency.
      await page.locator('[data-testid="inference-metrics-connection"][data-state="live"]').waitFor();
      const first = Number(await attr(page, 'inference-sample-count'));
      await poll('a newer inference metrics sample', async () => Number(await attr(page, 'inference-sample-count')) > first);

      const traffic = startTraffic(async (i) => {
        const answer = await graphql(RUN, { model: MODEL, inputs: features([i % 3, 1, 0, 0.5, 0, 0, 0, 0.25]) });
        if (!answer.body.data?.runInference) throw new Error(`runInference failed: ${JSON.stringify(answer.body.errors)}`);
      }, 40);
      try {
        const peak = await poll(
          'requests/s > 0 on the live chart while traffic runs',
          async () => {
            const value = Number(await attr(page, 'inference-peak-rps'));
            const measured = Number(await attr(page, 'chart-inference-latency', 'data-measured'));
            return value > 0 && measured > 0 ? value : undefined;
          },
          { timeoutMs: 15_000, bail: traffic.bail },
        );
        assert.ok(peak > 0);
        // Clicks in the page are requests too.
        await panel.getByTestId('try-run').click();
        await poll('one more run from the page', async () => Number(await attr(page, 'try-run-count')) >= 5);
      } finally {
        await traffic.stop();
      }
      assert.equal(traffic.error, undefined);

      assert.ok(Number(await attr(page, 'chart-inference-requests-per-second', 'data-points')) >= 2);
      assert.equal(await page.getByTestId('chart-inference-latency').locator('.recharts-line').count(), 3, 'p50, p95, p99 lines');
      assert.equal(await page.getByTestId('chart-inference-requests-per-second').locator('.recharts-area-curve').count(), 1);
      assert.ok(Number(await attr(page, 'inference-workers')) >= 1, 'the worker is counted');
      await screenshot(page, 'model');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('aliases: staging is pointed and removed; deleting the version production points at shows CONFLICT', { timeout: 30_000 }, async () => {
    const page = await openAsAdmin(MODEL_URL, 'page-models');
    await withScreenshotOnFailure(page, 'models-aliases', async () => {
      const aliases = page.getByTestId('model-aliases');
      await aliases.locator('[data-testid="model-alias-row"][data-alias="production"][data-version="1"]').waitFor();

      await aliases.getByTestId('model-alias-name').fill('staging');
      await aliases.getByTestId('model-alias-version').selectOption('1');
      await aliases.getByTestId('model-alias-submit').click();
      await aliases.locator('[data-testid="model-alias-row"][data-alias="staging"][data-version="1"]').waitFor();
      await page.locator('[data-testid="model-version-row"][data-version="1"][data-aliases="production,staging"]').waitFor();
      // The Try it panel offers the new alias.
      await page.locator('[data-testid="try-target"] option[value="alias:staging"]').waitFor({ state: 'attached' });

      // An invalid alias name: the API's error, with its code, inline.
      await aliases.getByTestId('model-alias-name').fill('Not An Alias!');
      await aliases.getByTestId('model-alias-submit').click();
      const aliasError = aliases.getByTestId('model-alias-error');
      await aliasError.waitFor();
      assert.equal(await aliasError.getAttribute('data-code'), 'BAD_USER_INPUT');

      // v1 is what the aliases point to: the API refuses to delete it, naming them.
      await page.locator('[data-testid="model-version-row"][data-version="1"]').getByTestId('model-version-delete').click();
      await page.getByTestId('model-version-delete-confirm').click();
      const conflict = page.getByTestId('model-versions-error');
      await conflict.waitFor();
      assert.equal(await conflict.getAttribute('data-code'), 'CONFLICT');
      assert.match((await conflict.textContent()) ?? '', /"production"/);
      await page.locator('[data-testid="model-version-row"][data-version="1"]').waitFor();

      // Removing staging.
      await aliases.locator('[data-testid="model-alias-row"][data-alias="staging"]').getByTestId('model-alias-remove').click();
      await poll('staging to be gone', async () => (await aliases.locator('[data-testid="model-alias-row"][data-alias="staging"]').count()) === 0);
      await page.locator('[data-testid="model-version-row"][data-version="1"][data-aliases="production"]').waitFor();
      session.assertNoPageErrors();
    });
    await page.close();
  });
});
