/**
 * The Profiling page in a real browser against a real, isolated platform: the admin captures a
 * 1 s CPU profile of the API instance from the page, sees it become READY, and downloads it
 * through the page's link (the browser's session cookie); the file is a .cpuprofile Chrome
 * DevTools and speedscope open. Seconds outside 1..60 show the API's BAD_USER_INPUT.
 * Needs `npm run build` and `npm run build:console` first; screenshots go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';

describe('profiling page', () => {
  const session = setUpConsoleSession();

  test('an admin captures a 1 s CPU profile of the API and downloads it as a .cpuprofile', { timeout: 60_000 }, async () => {
    const page = await session.openAsAdmin('/profiling', 'page-profiling');
    await withScreenshotOnFailure(page, 'profiling', async () => {
      assert.equal(await page.getByTestId('nav-profiling').getAttribute('aria-current'), 'page');
      const api = page.locator('[data-testid="profiling-target"][data-self="true"]');
      await api.waitFor();
      assert.equal(await api.getAttribute('data-component'), 'API');
      assert.ok((await page.locator('[data-testid="profiling-target"][data-component="WORKER"]').count()) >= 1, 'the worker is listed');

      // 61 s is the API's to refuse.
      await page.getByTestId('profiling-seconds').fill('61');
      await api.getByTestId('profiling-capture-cpu').click();
      await page.locator('[data-testid="profiling-error"][data-code="BAD_USER_INPUT"]').waitFor();

      await page.getByTestId('profiling-seconds').fill('1');
      await api.getByTestId('profiling-capture-cpu').click();
      const row = page.locator('[data-testid="profile-artifact"][data-kind="CPU"]').first();
      await row.waitFor();
      await page.locator('[data-testid="profile-artifact"][data-kind="CPU"][data-status="READY"]').waitFor({ timeout: 15_000 });
      await screenshot(page, 'profiling');

      const id = await row.getAttribute('data-id');
      const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('profile-artifact-download').click()]);
      assert.equal(download.suggestedFilename(), `profile-${id}.cpuprofile`);
      const profile = JSON.parse(await readFile((await download.path())!, 'utf8'));
      assert.ok(Array.isArray(profile.nodes) && profile.nodes.length > 0, 'nodes');
      assert.ok(Array.isArray(profile.samples) && profile.samples.length > 0, 'samples');
      assert.ok(profile.endTime > profile.startTime, 'startTime/endTime');
    });
    session.assertNoPageErrors();
  });
});
