/**
 * The console in a real browser against a real, isolated platform (API, worker, Postgres
 * schema, Redis prefix): signing in, the Overview's measured health and live metrics, API
 * keys (created, used, revoked), the audit log, and users (created; a viewer sees less).
 * Needs `npm run build` and `npm run build:console` first; screenshots and service logs go
 * to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, setUpConsoleSession, signIn, withScreenshotOnFailure } from './support/console-session.js';
import { poll } from './support/poll.js';
import { startTraffic } from './support/traffic.js';

const CHART_IDS = ['requests-per-second', 'p95-latency-ms', 'cpu-percent', 'rss-mb', 'event-loop-lag-ms', 'active-connections'];
const ADMIN_NAV = ['Overview', 'Models', 'Training', 'Peers', 'Fog', 'Knowledge', 'Capacity', 'SLO', 'API keys', 'Users', 'Audit log', 'Profiling'];
const ADMIN_NAV_HREFS = ['/', '/models', '/training', '/peers', '/fog', '/knowledge', '/capacity', '/slo', '/api-keys', '/users', '/audit', '/profiling'];

describe('console', () => {
  const session = setUpConsoleSession();
  const { newPage, openAsAdmin, graphqlWithKey, graphqlAsUser } = session;

  const pathOf = (page: Page) => new URL(page.url()).pathname;

  // Strict, unlike the shared `attr`: the test id must name exactly one element.
  const attr = async (page: Page, testId: string, name = 'data-value') =>
    page.getByTestId(testId).getAttribute(name, { timeout: 2000 });

  async function navLinks(page: Page): Promise<{ labels: string[]; hrefs: (string | null)[] }> {
    await page.locator('[data-testid="nav"][data-state="ready"]').waitFor();
    const links = page.getByTestId('nav').getByRole('link');
    const labels = await links.allTextContents();
    const hrefs = await Promise.all((await links.all()).map((link) => link.getAttribute('href')));
    return { labels, hrefs };
  }

  test('a signed-out visitor must sign in; then the Overview shows health and live metrics', { timeout: 60_000 }, async () => {
    const { apiUrl, consoleUrl, worker, admin, trafficKey } = session.stack;
    const page = await newPage();
    await withScreenshotOnFailure(page, 'overview', async () => {
      // Signed out, every page is the sign-in page, remembering where the visitor was going.
      await page.goto(`${consoleUrl}/audit`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('page-sign-in').waitFor();
      assert.equal(pathOf(page), '/sign-in');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/audit');
      await page.goto(`${consoleUrl}/`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('page-sign-in').waitFor();
      assert.equal(pathOf(page), '/sign-in');
      assert.equal(await page.getByTestId('nav').count(), 0, 'no navigation while signed out');

      // A wrong password is refused with an explanation; the right one opens the Overview.
      await signIn(page, { email: admin.email, password: 'not-the-password' });
      const error = page.getByTestId('sign-in-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'UNAUTHENTICATED');
      assert.match((await error.textContent()) ?? '', /email or password is incorrect/i);
      assert.equal(pathOf(page), '/sign-in');
      await signIn(page, admin);
      await page.getByTestId('page-overview').waitFor();
      assert.equal(pathOf(page), '/');

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

      // Live metrics: the subscription (authenticated by the session cookie) delivers samples that move.
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

      // Traffic from outside the browser (with the run's API key) shows up as requests per
      // second: ~15 req/s here, far above the console's own polling (one query every 3 s).
      const traffic = startTraffic(async () => {
        const response = await fetch(`${apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${trafficKey}` },
          body: JSON.stringify({ query: '{ platformStatus { healthy } }' }),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GraphQL request answered ${response.status}`);
      }, 50);
      try {
        const rps = await poll(
          'requests/s ≥ 5 while traffic runs',
          async () => {
            const value = Number(await attr(page, 'metric-requests-per-second'));
            return value >= 5 ? value : undefined;
          },
          { bail: traffic.bail },
        );
        assert.ok(rps >= 5);
        // Let the charts collect a few more samples under load before they are checked and shot.
        await poll('8 samples', async () => Number(await attr(page, 'metric-sample-count')) >= 8, {
          timeoutMs: 20_000,
        });
      } finally {
        await traffic.stop();
      }
      assert.equal(traffic.error, undefined);

      // The charts draw the samples received so far.
      assert.ok(Number(await attr(page, 'chart-requests-per-second', 'data-points')) >= 8);
      for (const id of CHART_IDS) {
        const curves = page.getByTestId(`chart-${id}`).locator('.recharts-area-curve');
        assert.equal(await curves.count(), 1, `chart ${id} draws a curve`);
      }
      assert.ok(Number(await attr(page, 'metric-rss-mb')) > 10, 'RSS tile shows the API process memory');
      assert.ok(Number(await attr(page, 'metric-active-connections')) >= 1, 'at least our WebSocket is connected');

      await screenshot(page, 'overview');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('navigation lists the built domains an admin may use', { timeout: 20_000 }, async () => {
    const page = await openAsAdmin('/', 'page-overview');
    await withScreenshotOnFailure(page, 'nav', async () => {
      assert.equal(await page.getByTestId('brand-name').textContent(), 'AIVillage');
      const { labels, hrefs } = await navLinks(page);
      assert.deepEqual(labels, ADMIN_NAV);
      assert.deepEqual(hrefs, ADMIN_NAV_HREFS);
      assert.equal(await page.getByTestId('nav-overview').getAttribute('aria-current'), 'page');
      assert.equal(await page.getByTestId('whoami-label').textContent(), session.stack.admin.email);
      assert.equal(await attr(page, 'whoami-role'), 'ADMIN');
      // Client-side navigation marks the new page as current.
      await page.getByTestId('nav-api-keys').click();
      await page.getByTestId('page-api-keys').waitFor();
      assert.equal(await page.getByTestId('nav-api-keys').getAttribute('aria-current'), 'page');
    });
    await page.close();
  });

  test('API keys: a new key works from Node, shows its use, and stops working once revoked', { timeout: 40_000 }, async () => {
    const page = await openAsAdmin('/api-keys', 'page-api-keys');
    await withScreenshotOnFailure(page, 'api-keys', async () => {
      await page.locator('[data-testid="api-key-namespace"] option[value="default"]').waitFor({ state: 'attached' });
      await page.getByTestId('api-key-name').fill('ingest-service');
      await page.getByTestId('api-key-namespace').selectOption('default');
      await page.getByTestId('api-key-tier').selectOption('SILVER');
      await page.getByTestId('api-key-scope-metrics').check();
      await page.getByTestId('api-key-create').click();

      // The secret, once, with the warning that it will not be shown again.
      const secret = ((await page.getByTestId('api-key-secret').textContent()) ?? '').trim();
      assert.match(secret, /^av_[a-z0-9]{10}_/);
      assert.match((await page.getByTestId('api-key-secret-note').textContent()) ?? '', /won.t see it again/i);
      const prefix = secret.slice(0, 'av_'.length + 10);

      // It authenticates a script: `me` answers as the key, with the chosen tier.
      const me = await graphqlWithKey(secret, '{ me { label tier } }');
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual(me.body.data, { me: { label: prefix, tier: 'SILVER' } });

      // Listed with its limits; the request just made shows as use (refreshed every few seconds).
      const row = page.locator(`[data-testid="api-key-row"][data-prefix="${prefix}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'ACTIVE');
      assert.equal(await row.getByTestId('api-key-usage-requests').getAttribute('data-limit'), '200');
      assert.equal(await row.getByTestId('api-key-usage-connections').getAttribute('data-limit'), '50');
      await poll(
        'the key to show 1 request in the last minute',
        async () => Number(await row.getByTestId('api-key-usage-requests').getAttribute('data-value', { timeout: 1000 })) >= 1,
        { timeoutMs: 12_000 },
      );
      await screenshot(page, 'api-keys');

      // Done with the secret: it is gone from the page.
      await page.getByTestId('api-key-secret-done').click();
      assert.equal(await page.getByTestId('api-key-secret').count(), 0);

      // Revoke, confirmed; from then on the key is refused.
      await row.getByTestId('api-key-revoke').click();
      await page.getByTestId('api-key-revoke-confirm').click();
      await page.locator(`[data-testid="api-key-row"][data-prefix="${prefix}"][data-status="REVOKED"]`).waitFor();
      const refused = await poll(
        'the revoked key to be refused',
        async () => {
          const answer = await graphqlWithKey(secret, '{ me { label } }');
          return answer.status === 401 ? answer : undefined;
        },
        { timeoutMs: 2000, intervalMs: 100 },
      );
      assert.equal(refused.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('the audit log lists the key being created and revoked, newest first', { timeout: 20_000 }, async () => {
    const page = await openAsAdmin('/audit', 'page-audit');
    await withScreenshotOnFailure(page, 'audit', async () => {
      const created = page.locator('[data-testid="audit-row"][data-action="apiKey.create"]');
      const revoked = page.locator('[data-testid="audit-row"][data-action="apiKey.revoke"]');
      await created.first().waitFor();
      await revoked.first().waitFor();
      const ids = (await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id')))));
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
      // The sign-ins are there too, the refused one included.
      await page.locator('[data-testid="audit-row"][data-action="auth.signIn"][data-outcome="denied"]').first().waitFor();

      // Filtered to one action, only that action is listed.
      await page.getByTestId('audit-filter-action').selectOption('apiKey.revoke');
      await poll('only apiKey.revoke rows', async () => {
        const actions = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
        return actions.length > 0 && actions.every((a) => a === 'apiKey.revoke');
      });
      await page.getByTestId('audit-filter-action').selectOption('');
      await created.first().waitFor();
      await screenshot(page, 'audit');
    });
    await page.close();
  });

  test('users: an admin creates a viewer, who sees less, and is signed out when disabled', { timeout: 45_000 }, async () => {
    const { consoleUrl, admin } = session.stack;
    const viewer = { email: `viewer-${randomBytes(4).toString('hex')}@aivillage.test`, password: `v-${randomBytes(8).toString('hex')}` };
    const page = await openAsAdmin('/users', 'page-users');
    await withScreenshotOnFailure(page, 'users', async () => {
      await page.locator('[data-testid="user-namespace"] option[value="default"]').waitFor({ state: 'attached' });
      await page.getByTestId('user-email').fill(viewer.email);
      await page.getByTestId('user-name').fill('Vera Viewer');
      await page.getByTestId('user-password').fill(viewer.password);
      await page.getByTestId('user-role').selectOption('VIEWER');
      await page.getByTestId('user-namespace').selectOption('default');
      await page.getByTestId('user-create').click();
      const row = page.locator(`[data-testid="user-row"][data-email="${viewer.email}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-role'), 'VIEWER');
      await row.getByTestId('membership').filter({ hasText: 'default' }).waitFor();

      // Disable and enable again.
      await row.getByTestId('user-row-toggle').click();
      await page.locator(`[data-testid="user-row"][data-email="${viewer.email}"][data-disabled="true"]`).waitFor();
      await row.getByTestId('user-row-toggle').click();
      await page.locator(`[data-testid="user-row"][data-email="${viewer.email}"][data-disabled="false"]`).waitFor();
      await screenshot(page, 'users');

      // Sign out: back to the sign-in page, and the session is gone (pages redirect again).
      await page.getByTestId('sign-out').click();
      await page.getByTestId('page-sign-in').waitFor();
      assert.equal(await page.getByTestId('nav').count(), 0);
      await page.goto(`${consoleUrl}/users`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('page-sign-in').waitFor();

      // The viewer signs in: no Users or Audit log, and the admin pages say so if opened directly.
      await signIn(page, viewer);
      await page.getByTestId('page-users').waitFor(); // `next` brought the viewer back here
      await page.getByTestId('admin-only').waitFor();
      assert.equal(await attr(page, 'whoami-role'), 'VIEWER');
      const { labels, hrefs } = await navLinks(page);
      assert.deepEqual(labels, ['Overview', 'Models', 'Training', 'Peers', 'Fog', 'Knowledge', 'Capacity', 'SLO', 'API keys']);
      assert.deepEqual(hrefs, ['/', '/models', '/training', '/peers', '/fog', '/knowledge', '/capacity', '/slo', '/api-keys']);
      assert.equal(await page.getByTestId('nav-users').count(), 0);
      assert.equal(await page.getByTestId('nav-audit').count(), 0);
      assert.equal(await page.getByTestId('nav-profiling').count(), 0);

      // An admin disables the viewer (from Node): the API ends the viewer's session, and the
      // console's next request (the Overview refreshes every 3 s) sends the viewer to sign in.
      await page.getByTestId('nav-overview').click();
      await page.locator('[data-testid="platform-health"][data-state="healthy"]').waitFor();
      const users = await graphqlAsUser(admin, '{ users { id email } }');
      const viewerId = (users.body.data?.users as { id: string; email: string }[]).find((u) => u.email === viewer.email)?.id;
      assert.ok(viewerId, 'the viewer is listed');
      const disabled = await graphqlAsUser(admin, 'mutation ($id: ID!) { updateUser(id: $id, input: { disabled: true }) { disabled } }', {
        id: viewerId,
      });
      assert.deepEqual(disabled.body.data, { updateUser: { disabled: true } });
      await page.getByTestId('sign-in-notice').waitFor({ timeout: 10_000 });
      assert.equal(pathOf(page), '/sign-in');
      assert.equal(new URL(page.url()).searchParams.get('reason'), 'expired');
      session.assertNoPageErrors();
    });
    await page.close();
  });
});
