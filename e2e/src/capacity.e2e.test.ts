/**
 * The Capacity page in a real browser against a real, isolated platform: the calculator sends
 * `capacityPlan` and shows the guide's figures with the measured per-instance capacity, each
 * with its formula and the source of every input; a target of 0 gets the API's BAD_USER_INPUT.
 * Needs `npm run build` and `npm run build:console` first; screenshots go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attr, screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';

describe('capacity page', () => {
  const session = setUpConsoleSession();

  test('the calculator plans a load from measured capacity, shows each formula and its sources, and refuses a target of 0', { timeout: 60_000 }, async () => {
    const page = await session.openAsAdmin('/capacity', 'page-capacity');
    await withScreenshotOnFailure(page, 'capacity', async () => {
      assert.equal(await page.getByTestId('nav-capacity').getAttribute('aria-current'), 'page');

      await page.getByTestId('capacity-target-rps').fill('6000');
      await page.getByTestId('capacity-data-size').fill('100');
      await page.getByTestId('capacity-db-qps').fill('1000');
      await page.getByTestId('capacity-inference-rps').fill('2000');
      await page.getByTestId('capacity-submit').click();
      await page.getByTestId('capacity-result').waitFor();

      // 6000 / 1388 × 1.3 → 6 instances; the guide's database formula for 100 GB at 1,000 queries/s.
      assert.equal(await attr(page, 'capacity-figure-apiInstances'), '6');
      assert.equal(await attr(page, 'capacity-figure-hpaReplicas'), '50');
      assert.equal(await attr(page, 'capacity-figure-databaseMemoryGb'), '125');
      assert.equal(await attr(page, 'capacity-figure-databaseCpuCores'), '14');
      assert.equal(await attr(page, 'capacity-figure-databaseReadReplicas'), '2');
      assert.equal(await attr(page, 'capacity-figure-inferenceWorkers'), '2');
      assert.equal(await page.getByTestId('capacity-figure-ingestionWorkers').count(), 0);

      const apiRow = page.locator('[data-testid="capacity-formula-row"][data-key="apiInstances"]');
      assert.match((await apiRow.getByTestId('capacity-formula').textContent()) ?? '', /base_capacity × 100 \/ target_latency_ms/);
      assert.match((await apiRow.getByTestId('capacity-formula-source').textContent()) ?? '', /calculate_api_instances/);
      const capacity = apiRow.locator('[data-testid="capacity-input"][data-name="base_capacity"]');
      assert.equal(await capacity.getAttribute('data-value'), '1388');
      assert.match((await capacity.getByTestId('capacity-input-source').textContent()) ?? '', /Measured.*npm run bench:inference/);
      assert.ok(Number(await page.getByTestId('capacity-warnings').getAttribute('data-count')) >= 1);

      // The guide's baseline instead: 6000 / 100 × 1.3 = 78 instances.
      await page.getByTestId('capacity-workload').selectOption('GUIDE_BASELINE');
      await page.getByTestId('capacity-submit').click();
      await page.locator('[data-testid="capacity-figure-apiInstances"][data-value="78"]').waitFor();
      await screenshot(page, 'capacity');

      // Bad input: the API's code and message, naming the field; the old plan is gone.
      await page.getByTestId('capacity-target-rps').fill('0');
      await page.getByTestId('capacity-submit').click();
      const error = page.getByTestId('capacity-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'BAD_USER_INPUT');
      assert.match((await error.textContent()) ?? '', /targetRps must be greater than 0/);
      assert.equal(await page.getByTestId('capacity-result').count(), 0);
    });
    session.assertNoPageErrors();
  });
});
