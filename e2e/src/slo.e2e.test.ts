/**
 * The SLO page in a real browser against a real, isolated platform: the guide's KPIs with
 * values measured from the stack's own traffic (the window selector re-reads them), and an
 * alert raised by the workers' detector appearing live, then acknowledged from the page.
 * Needs `npm run build` and `npm run build:console` first; screenshots go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createPrisma } from '@aivillage/db';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@aivillage/config';
import { createRedis, QueueSet } from '@aivillage/queues';
import { attr, screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';

describe('slo page', () => {
  const session = setUpConsoleSession({ stack: { env: { OBSERVABILITY_SAMPLE_INTERVAL_MS: '1000' } } });

  test('KPIs show measured values for the chosen window; a detected leak appears live and is acknowledged', { timeout: 60_000 }, async () => {
    const page = await session.openAsAdmin('/slo', 'page-slo');
    await withScreenshotOnFailure(page, 'slo', async () => {
      assert.equal(await page.getByTestId('nav-slo').getAttribute('aria-current'), 'page');
      await page.locator('[data-testid="slo-kpi"]').first().waitFor();
      assert.equal(await page.getByTestId('slo-kpi').count(), 21, "every KPI of the guide's Performance Metrics");

      // Traffic from Node, then the window selector re-reads the report until it holds it.
      for (let i = 0; i < 20; i++) assert.equal((await session.graphql('query E2eProbe { platformStatus { version } }')).status, 200);
      await page.getByTestId('slo-window').selectOption('5m');
      await page.locator('[data-testid="slo-table"][data-window="5m"]').waitFor();
      const latency = page.locator('[data-testid="slo-kpi"][data-key="api.latency_p95"]');
      for (let i = 0; i < 30 && (await latency.getAttribute('data-status')) === 'NO_DATA'; i++) {
        await page.waitForTimeout(500);
        await page.getByTestId('slo-refresh').click();
      }
      assert.match((await latency.getAttribute('data-status')) ?? '', /^(MET|MISSED)$/);
      assert.match((await latency.getByTestId('slo-kpi-value').textContent()) ?? '', /\d+(\.\d+)? ms/);
      assert.equal(await page.locator('[data-testid="slo-kpi"][data-key="rag.accuracy"]').getAttribute('data-status'), 'NO_DATA');

      // A process whose memory triples over 14.5 minutes; the workers' detector finds it.
      await page.locator('[data-testid="slo-alerts-live"][data-state="live"]').waitFor();
      const { schema, redisPrefix } = session.stack;
      const prisma = createPrisma({ url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL, schema, poolSize: 1 });
      const redis = createRedis(process.env.REDIS_URL || DEFAULT_REDIS_URL);
      try {
        const now = Date.now();
        await prisma.metricSample.createMany({
          data: Array.from({ length: 30 }, (_, i) => ({
            ts: new Date(now - (29 - i) * 30_000), metric: 'memory_usage_bytes', labels: { component: 'api' }, component: 'api',
            instance: 'e2e-leaky', kind: 'GAUGE' as const, value: 100e6 + i * 7e6, bounds: [], buckets: [],
          })),
        });
        const queues = new QueueSet(redis, redisPrefix);
        await queues.add('maintenance', 'detect-anomalies', {});
        await queues.close();
      } finally {
        await prisma.$disconnect();
        await redis.quit();
      }
      const row = page.locator('[data-testid="slo-alert"][data-kind="MEMORY_LEAK"]');
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'OPEN');
      assert.match((await row.textContent()) ?? '', /api\/e2e-leaky/);
      assert.equal(await attr(page, 'slo-alerts-open'), '1');
      await screenshot(page, 'slo');

      await row.getByTestId('slo-alert-acknowledge').click();
      await page.locator('[data-testid="slo-alert"][data-kind="MEMORY_LEAK"][data-status="ACKNOWLEDGED"]').waitFor();
    });
    session.assertNoPageErrors();
  });
});
