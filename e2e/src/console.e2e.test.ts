/**
 * The console in a real browser against a real, isolated platform (API, worker, Postgres
 * schema, Redis prefix): the Overview shows measured health and live metrics that move.
 * Needs `npm run build` and `npm run build:console` first; screenshots and service logs go
 * to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureChromium, launchChromium } from './support/browser.js';
import { assertBuilt, startConsoleStack, type ConsoleStack } from './support/console-stack.js';
import { ARTIFACTS_DIR } from './support/paths.js';
import { poll, sleep } from './support/poll.js';

const UI_TIMEOUT_MS = 20_000;
const CHART_IDS = ['requests-per-second', 'p95-latency-ms', 'cpu-percent', 'rss-mb', 'event-loop-lag-ms', 'active-connections'];

describe('console overview', () => {
  let stack: ConsoleStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];

  before(
    async () => {
      assertBuilt(); // before a possible apt install, so a missing build fails at once
      await ensureChromium();
    },
    { timeout: 300_000 },
  );

  before(
    async () => {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      // Started side by side; whatever did start is kept so `after` can stop it.
      const [started, launched] = await Promise.allSettled([startConsoleStack(), launchChromium()]);
      if (started.status === 'fulfilled') stack = started.value;
      if (launched.status === 'fulfilled') browser = launched.value;
      if (started.status === 'rejected') throw started.reason;
      if (launched.status === 'rejected') throw launched.reason;
      assert.ok(browser);
      context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      context.setDefaultTimeout(UI_TIMEOUT_MS);
    },
    { timeout: 60_000 },
  );

  after(
    async () => {
      try {
        await browser?.close();
      } finally {
        await stack?.stop();
      }
    },
    { timeout: 30_000 },
  );

  async function openOverview(): Promise<Page> {
    assert.ok(context && stack, 'stack not started');
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.consoleUrl}/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('page-overview').waitFor();
    return page;
  }

  /** Runs `body`; on failure saves `<name>-failure.png` before rethrowing. */
  async function withScreenshotOnFailure(page: Page, name: string, body: () => Promise<void>) {
    try {
      await body();
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}-failure.png`), fullPage: true }).catch(() => {});
      throw error;
    }
  }

  const attr = async (page: Page, testId: string, name = 'data-value') =>
    page.getByTestId(testId).getAttribute(name, { timeout: 2000 });

  test('shows measured platform health and live metrics that change', { timeout: 60_000 }, async () => {
    assert.ok(stack);
    const { apiUrl, worker } = stack;
    const page = await openOverview();
    await withScreenshotOnFailure(page, 'overview', async () => {
      // Platform status: measured by the API against this run's own Postgres schema and Redis prefix.
      await page.locator('[data-testid="platform-health"][data-state="healthy"]').waitFor();
      assert.equal(await attr(page, 'status-postgres', 'data-ok'), 'true');
      assert.equal(await attr(page, 'status-redis', 'data-ok'), 'true');
      assert.equal(await attr(page, 'status-queue-maintenance', 'data-ok'), 'true');
      const pgLatency = Number(await attr(page, 'status-postgres-latency'));
      assert.ok(pgLatency > 0, `postgres latency should be measured, got ${pgLatency}`);
      assert.match((await page.getByTestId('platform-version').textContent()) ?? '', /^v\d+\.\d+\.\d+/);
      // Only this run's worker heartbeats under this prefix: the table lists exactly our process.
      const workerRow = page.getByTestId('worker-row').filter({ hasText: String(worker.pid) });
      await workerRow.waitFor();
      assert.equal(await page.getByTestId('worker-row').count(), 1);

      // Live metrics: the subscription delivers samples and the displayed values move.
      await page.locator('[data-testid="metrics-connection"][data-state="live"]').waitFor();
      const first = await poll('2 metric samples', async () => {
        const count = Number(await attr(page, 'metric-sample-count'));
        return count >= 2 ? { count, at: await attr(page, 'metric-last-sample-at') } : undefined;
      });
      const second = await poll('a newer metric sample', async () => {
        const count = Number(await attr(page, 'metric-sample-count'));
        const at = await attr(page, 'metric-last-sample-at');
        return count > first.count && at !== first.at ? { count, at } : undefined;
      });
      assert.ok(Date.parse(second.at!) > Date.parse(first.at!), 'sample timestamps should advance');

      // Traffic from outside the browser shows up as requests per second: ~15 req/s here,
      // far above the console's own polling (one platformStatus query every 3 s).
      let sending = true;
      let trafficError: unknown;
      const traffic = (async () => {
        while (sending) {
          const response = await fetch(`${apiUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ platformStatus { healthy } }' }),
          });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`GraphQL request answered ${response.status}`);
          await sleep(50);
        }
      })().catch((error: unknown) => {
        trafficError = error;
      });
      try {
        const rps = await poll(
          'requests/s ≥ 5 while traffic runs',
          async () => {
            const value = Number(await attr(page, 'metric-requests-per-second'));
            return value >= 5 ? value : undefined;
          },
          {
            bail: () => {
              if (trafficError) throw trafficError;
            },
          },
        );
        assert.ok(rps >= 5);
        // Let the charts collect a few more samples under load before they are checked and shot.
        await poll('8 samples', async () => Number(await attr(page, 'metric-sample-count')) >= 8, {
          timeoutMs: 20_000,
        });
      } finally {
        sending = false;
        await traffic;
      }
      assert.equal(trafficError, undefined);

      // The charts draw the samples received so far.
      assert.ok(Number(await attr(page, 'chart-requests-per-second', 'data-points')) >= 8);
      for (const id of CHART_IDS) {
        const curves = page.getByTestId(`chart-${id}`).locator('.recharts-area-curve');
        assert.equal(await curves.count(), 1, `chart ${id} draws a curve`);
      }
      assert.ok(Number(await attr(page, 'metric-rss-mb')) > 10, 'RSS tile shows the API process memory');
      assert.ok(Number(await attr(page, 'metric-active-connections')) >= 1, 'at least our WebSocket is connected');

      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'overview.png'), fullPage: true });
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    });
    await page.close();
  });

  test('navigation lists only the domains that are built', { timeout: 20_000 }, async () => {
    const page = await openOverview();
    await withScreenshotOnFailure(page, 'nav', async () => {
      assert.equal(await page.getByTestId('brand-name').textContent(), 'AIVillage');
      const links = page.getByTestId('nav').getByRole('link');
      assert.deepEqual(await links.allTextContents(), ['Overview']);
      const hrefs = await Promise.all((await links.all()).map((link) => link.getAttribute('href')));
      assert.deepEqual(hrefs, ['/']);
      assert.equal(await page.getByTestId('nav-overview').getAttribute('aria-current'), 'page');
    });
    await page.close();
  });
});
