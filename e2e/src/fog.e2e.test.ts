/**
 * The Fog page in a real browser against a real, isolated platform (API, one worker process
 * running the fog scheduler, Postgres schema, Redis prefix) and one real fog agent process
 * (support/fog-agent.ts) running real WASI modules from `@aivillage/fog/fixtures`:
 *  - the agent's node shows ONLINE with its capacity, runtimes, region and pool, and its last
 *    heartbeat moves without a reload; drain (confirmed) makes it DRAINING and, with nothing on
 *    it, drained; uncordon ONLINE;
 *  - with the node cordoned, a hello-world module uploaded through the form's file input waits
 *    QUEUED on its detail page; uncordoned (from Node), it runs to SUCCEEDED and its stdout
 *    arrives through `fogJobUpdates` while the page is open, with every timestamp and timing;
 *    the list and the queue-by-tier summary count it, and its count filters the list by tier and status;
 *  - jobs asking for 4 GPUs or 64 cores get the API's BAD_USER_INPUT naming the resource;
 *  - a module looping forever is cancelled from its detail page (confirmed) while RUNNING;
 *  - the cost report (chart, per tier) and the month's invoice show the usage, cheaper than the cloud.
 * Needs `npm run build` and `npm run build:console` first; screenshots and service logs go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { helloWorld, HELLO_TEXT, infiniteLoop } from '@aivillage/fog/fixtures';
import { attr, screenshot, setUpConsoleSession, withScreenshotOnFailure } from './support/console-session.js';
import { startFogAgent } from './support/fog-agent.js';
import { poll } from './support/poll.js';
import type { Service } from './support/services.js';

const NODE_NAME = 'e2e-fog-1';
/** Scheduling passes, heartbeats and agent reports all run within about a second here. */
const JOB_TIMEOUT_MS = 20_000;
const NODES = `query { fogNodes { id name status } }`;
const CORDON = `mutation($id: ID!, $c: Boolean!) { cordonFogNode(id: $id, cordoned: $c) { id status } }`;

describe('fog page', () => {
  let agent: Service | undefined;
  // Registered before the session's own `after`, so the agent stops before the stack does.
  after(async () => {
    await agent?.stop();
  });
  const session = setUpConsoleSession({
    stack: { env: { FOG_HEARTBEAT_MS: '1000', FOG_MISSED_HEARTBEATS: '5', FOG_SCHEDULER_INTERVAL_MS: '300' } },
  });
  let nodeId = '';
  let page: Page;

  before(
    async () => {
      agent = startFogAgent(session.stack, { name: NODE_NAME, cpus: 2, memoryMb: 2048, region: 'e2e-local' });
      const running = agent;
      const node = await poll(
        `fog node ${NODE_NAME} ONLINE`,
        async () => {
          const r = await session.graphql(NODES);
          return (r.body.data?.fogNodes as { id: string; name: string; status: string }[] | undefined)?.find((n) => n.name === NODE_NAME && n.status === 'ONLINE');
        },
        { timeoutMs: 20_000, bail: () => running.assertRunning() },
      );
      nodeId = node.id;
    },
    { timeout: 30_000 },
  );

  const row = () => page.locator(`[data-testid="fog-node-row"][data-name="${NODE_NAME}"]`);
  const rowWith = (name: string, value: string) => page.locator(`[data-testid="fog-node-row"][data-name="${NODE_NAME}"][${name}="${value}"]`);
  const jobWith = (status: string) => page.locator(`[data-testid="fog-job"][data-status="${status}"]`);
  const upload = async (name: string, bytes: Uint8Array) => {
    await page.getByTestId('fog-submit-module').setInputFiles({ name, mimeType: 'application/wasm', buffer: Buffer.from(bytes) });
    await page.locator(`[data-testid="fog-submit-module-state"][data-ready="true"][data-size="${bytes.length}"]`).waitFor();
  };

  test('the agent’s node is listed live with its capacity; drain (confirmed), uncordon and cordon change its status', { timeout: 30_000 }, async () => {
    page = await session.openAsAdmin('/fog', 'page-fog');
    await withScreenshotOnFailure(page, 'fog-nodes', async () => {
      assert.equal(await page.getByTestId('nav-fog').getAttribute('aria-current'), 'page');
      await rowWith('data-status', 'ONLINE').waitFor();
      assert.equal(await row().getAttribute('data-id'), nodeId);
      assert.equal(await row().getByTestId('fog-node-cpu').getAttribute('data-limit'), '2');
      assert.equal(await row().getByTestId('fog-node-memory').getAttribute('data-limit'), '2048');
      assert.match((await attr(row(), 'fog-node-runtimes')) ?? '', /wasi/i);
      assert.equal(await row().getByTestId('fog-node-region').textContent(), 'e2e-local');
      assert.equal(await attr(row(), 'fog-node-pool'), 'SHARED');
      // Live: the page re-reads the nodes and the agent heartbeats every second.
      const first = await attr(row(), 'fog-node-heartbeat');
      assert.ok(first, 'a heartbeat was seen');
      await poll('a newer heartbeat on the page', async () => (await attr(row(), 'fog-node-heartbeat')) !== first, { timeoutMs: 10_000 });

      await row().getByTestId('fog-node-drain').click();
      await page.getByTestId('fog-node-drain-dialog').waitFor();
      await page.getByTestId('fog-node-drain-confirm').click();
      await rowWith('data-status', 'DRAINING').waitFor();
      assert.equal(await row().getAttribute('data-cordoned'), 'true');
      // Nothing runs on it: drained at once (safe to stop).
      await rowWith('data-drained', 'true').waitFor();
      await row().getByTestId('fog-node-drained').waitFor();
      await row().getByTestId('fog-node-uncordon').click();
      await rowWith('data-status', 'ONLINE').waitFor();
      assert.equal(await row().getAttribute('data-draining'), 'false', 'uncordoning ends the drain');
      // Cordoned for the next test: a job submitted now waits in the queue.
      await row().getByTestId('fog-node-cordon').click();
      await rowWith('data-cordoned', 'true').waitFor();
    });
  });

  test('an uploaded WASI module waits QUEUED on a cordoned node, then runs to SUCCEEDED with its stdout live', { timeout: 40_000 }, async () => {
    await withScreenshotOnFailure(page, 'fog-hello', async () => {
      await page.locator('[data-testid="fog-submit-form"][data-ready="true"]').waitFor();
      await upload('hello.wasm', helloWorld());
      await page.getByTestId('fog-submit-name').fill('hello-e2e');
      await page.getByTestId('fog-submit-button').click();
      await jobWith('QUEUED').waitFor();
      const jobId = await page.getByTestId('fog-job').getAttribute('data-id');
      assert.ok(jobId);
      assert.equal(new URL(page.url()).searchParams.get('job'), jobId);
      await page.locator('[data-testid="fog-job-stream"][data-state="live"]').waitFor();
      assert.equal(await page.getByTestId('fog-job-stdout').getAttribute('data-live-chunks'), '0');

      const uncordoned = await session.graphql(CORDON, { id: nodeId, c: false });
      assert.equal(uncordoned.body.errors, undefined, JSON.stringify(uncordoned.body.errors));
      await jobWith('SUCCEEDED').waitFor({ timeout: JOB_TIMEOUT_MS });
      await poll('stdout on the page', async () => (await page.getByTestId('fog-job-stdout-text').textContent()) === HELLO_TEXT, { timeoutMs: 5000 });
      assert.ok(Number(await page.getByTestId('fog-job-stdout').getAttribute('data-live-chunks')) >= 1, 'stdout came through the subscription');
      assert.equal(await attr(page, 'fog-job-exit-code'), '0');
      assert.equal(await attr(page, 'fog-job-runtime'), 'WASI');
      for (const k of ['queuedAt', 'scheduledAt', 'startedAt', 'finishedAt']) assert.ok(await attr(page, `fog-job-${k}`), `${k} shown`);
      for (const k of ['queueWaitMs', 'allocationMs', 'startupMs', 'runMs', 'cleanupMs']) {
        const v = await attr(page, `fog-job-${k}`);
        assert.ok(v !== '' && Number.isFinite(Number(v)), `${k} shown (${v})`);
      }
      assert.equal(await page.getByTestId('fog-job-cancel').count(), 0, 'no cancel once finished');
      const tier = await page.getByTestId('fog-job-tier').getAttribute('data-tier');
      await screenshot(page, 'fog-job');

      // Back on the overview: the job is listed, and counted in its tier.
      await page.getByTestId('fog-job-back').click();
      await page.locator(`[data-testid="fog-job-row"][data-id="${jobId}"][data-status="SUCCEEDED"]`).waitFor();
      await poll('the queue summary counts it', async () => Number(await attr(page, `fog-queue-${tier}-SUCCEEDED`)) >= 1, { timeoutMs: 10_000 });
      // Its count narrows the list to that tier and status.
      await page.getByTestId(`fog-queue-${tier}-SUCCEEDED`).locator('button').click();
      await poll('the list filtered by tier and status', async () => {
        const params = new URL(page.url()).searchParams;
        return params.get('tier') === tier && params.get('status') === 'SUCCEEDED';
      });
      await page.locator(`[data-testid="fog-job-row"][data-id="${jobId}"][data-tier="${tier}"]`).waitFor();
      assert.equal(await page.getByTestId('fog-jobs-filter-tier').inputValue(), tier);
    });
  });

  test('a job larger than any node is refused with BAD_USER_INPUT naming the resource', { timeout: 20_000 }, async () => {
    await withScreenshotOnFailure(page, 'fog-refused', async () => {
      await upload('hello.wasm', helloWorld());
      const error = page.getByTestId('fog-submit-error');
      for (const [field, value, resource] of [['fog-submit-gpus', '4', 'gpus'], ['fog-submit-cpu', '64', 'cpuCores']] as const) {
        await page.getByTestId('fog-submit-gpus').fill('0');
        await page.getByTestId('fog-submit-cpu').fill('0.5');
        await page.getByTestId(field).fill(value);
        await page.getByTestId('fog-submit-button').click();
        await page.locator(`[data-testid="fog-submit-error-resource"][data-value="${resource}"]`).waitFor();
        assert.equal(await error.getAttribute('data-code'), 'BAD_USER_INPUT');
        assert.equal(new URL(page.url()).searchParams.get('job'), null, 'still on the form');
      }
      await page.getByTestId('fog-submit-cpu').fill('1');
    });
  });

  test('a module looping forever is cancelled from its page while RUNNING', { timeout: 30_000 }, async () => {
    await withScreenshotOnFailure(page, 'fog-cancel', async () => {
      await upload('loop.wasm', infiniteLoop());
      await page.getByTestId('fog-submit-name').fill('loop-e2e');
      await page.getByTestId('fog-submit-timeout').fill('60');
      await page.getByTestId('fog-submit-button').click();
      await jobWith('RUNNING').waitFor({ timeout: JOB_TIMEOUT_MS });
      await page.getByTestId('fog-job-cancel').click();
      await page.getByTestId('fog-job-cancel-dialog').waitFor();
      await page.getByTestId('fog-job-cancel-confirm').click();
      await jobWith('CANCELLED').waitFor({ timeout: JOB_TIMEOUT_MS });
      assert.ok(Number(await attr(page, 'fog-job-totalRunMs')) > 0, 'it ran before it was stopped');
    });
  });

  test('the cost report charts the usage per day and tier, and the invoice bills it below the cloud price', { timeout: 20_000 }, async () => {
    await withScreenshotOnFailure(page, 'fog-cost', async () => {
      await page.getByTestId('fog-job-back').click();
      await page.getByTestId('fog-cost').waitFor();
      const totals = page.getByTestId('fog-cost-totals');
      await poll(
        'two usage records in the report',
        async () => {
          if (Number(await totals.getAttribute('data-records', { timeout: 1000 })) >= 2) return true;
          await page.getByTestId('fog-cost-refresh').click();
          return false;
        },
        { timeoutMs: 10_000, intervalMs: 500 },
      );
      assert.ok(Number(await attr(page, 'fog-cost-cpu-hours')) > 0);
      const chart = page.getByTestId('chart-fog-cost');
      assert.ok(Number(await chart.getAttribute('data-points')) >= 1);
      assert.ok(Number(await chart.getAttribute('data-total')) > 0, 'non-zero cost');
      assert.ok((await chart.locator('.recharts-line').count()) >= 2, 'fog and cloud lines');
      assert.ok((await page.getByTestId('fog-cost-tier').count()) >= 1);
      assert.ok(Number(await attr(page, 'fog-cost-total')) < Number(await attr(page, 'fog-cost-cloud')), 'cheaper than the cloud');

      const invoice = page.getByTestId('fog-invoice');
      await poll('invoice lines', async () => Number(await invoice.getAttribute('data-lines', { timeout: 1000 })) >= 1, { timeoutMs: 5000 });
      assert.ok(Number(await invoice.getAttribute('data-total')) > 0, 'a non-zero invoice');
      assert.ok(Number(await page.getByTestId('fog-invoice-line').first().getAttribute('data-quantity')) > 0);
      assert.ok(Number(await attr(page, 'fog-invoice-saving')) > 0);
      await screenshot(page, 'fog');
      session.assertNoPageErrors();
    });
  });
});
