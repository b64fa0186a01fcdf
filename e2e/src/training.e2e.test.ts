/**
 * The Training page in a real browser against a real, isolated platform (API, one worker
 * process, Postgres schema, Redis prefix). To be deterministic and independent of the
 * training math, phases are bound to the API's test fixture program (TRAINING_COMMANDS
 * `fake` → apps/api/dist/modules/training/fixtures/phase-command.js, whose `settings.mode`
 * says how it behaves) and every built-in phase is skipped:
 *  - the new-run form refuses settings that are not JSON, and shows the API's BAD_USER_INPUT
 *    naming `FORGE_TRAINING.settings.learningRate` for an invalid one (nothing is created);
 *  - a run started from the form opens on its page: Quiet-STaR runs, the live point counter
 *    grows while it does, then it succeeds; Tool/persona baking is SKIPPED with the reason;
 *  - a slow run (started from Node) is stopped with the Cancel button;
 *  - a crashing run shows FAILED with the command's stderr tail, and Retry queues it again as
 *    the next generation (it fails again: the program always crashes);
 *  - the runs list shows all three, and its status filter narrows it.
 * Needs `npm run build` and `npm run build:console` first; screenshots and service logs go to
 * e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { attr, screenshot, setUpConsoleSession, UI_TIMEOUT_MS, withScreenshotOnFailure } from './support/console-session.js';
import { REPO_ROOT } from './support/paths.js';
import { poll } from './support/poll.js';

const FIXTURE = path.join(REPO_ROOT, 'apps/api/dist/modules/training/fixtures/phase-command.js');
const BUILTIN_PHASES = ['COGNATE', 'EVOMERGE', 'BITNET_COMPRESSION', 'FORGE_TRAINING', 'ADAS', 'FINAL_COMPRESSION'];
/** Quiet-STaR's steps in the streamed run: long enough (~6 s) to watch it run. */
const STREAMED_STEPS = 60;

const START = `mutation ($input: StartTrainingRunInput!) { startTrainingRun(input: $input) { id status } }`;

describe('training page', () => {
  const session = setUpConsoleSession({
    preflight: () => assert.ok(existsSync(FIXTURE), `${path.relative(REPO_ROOT, FIXTURE)} is missing: run \`npm run build\``),
    stack: { env: { TRAINING_COMMANDS: JSON.stringify({ fake: [process.execPath, FIXTURE] }) } },
  });
  const { graphql } = session;
  /** Run ids by name, as the tests create them. */
  const runs: Record<string, string> = {};

  /** Opens `pathname` of the Training page, signing in as the admin first if sent to sign in. */
  const openAsAdmin = (pathname: string) => session.openAsAdmin(pathname, 'page-training');

  /** Starts a run from Node: every built-in phase skipped, Quiet-STaR bound to the fixture. */
  async function startCommandRun(name: string, settings: Record<string, unknown>): Promise<string> {
    const answer = await graphql(START, {
      input: {
        name,
        phases: [
          ...BUILTIN_PHASES.map((phase) => ({ phase, executor: 'SKIP' })),
          { phase: 'QUIET_STAR', executor: 'COMMAND', command: 'fake', settings },
        ],
      },
    });
    assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
    const id = answer.body.data?.startTrainingRun.id as string;
    runs[name] = id;
    return id;
  }

  const phaseRow = (page: Page, phase: string) => page.locator(`[data-testid="training-phase"][data-phase="${phase}"]`);
  const configRow = (page: Page, phase: string) => page.locator(`[data-testid="training-phase-config"][data-phase="${phase}"]`);
  const runStatus = (page: Page, status: string) => page.locator(`[data-testid="training-run"][data-status="${status}"]`);

  /** The new-run form, ready to submit (namespaces loaded). */
  async function openForm(): Promise<Page> {
    const page = await openAsAdmin('/training');
    await page.getByTestId('training-new').click();
    await page.getByTestId('training-new-form').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('new'), '1');
    await page.locator('[data-testid="training-new-namespace"] option[value="default"]').waitFor({ state: 'attached' });
    return page;
  }

  // The first page of the run pays for a cold browser, console and API: more time than the
  // UI timeout, so a stall fails on the step that stalled, with a screenshot.
  test('the form refuses settings that are not JSON, and shows the BAD_USER_INPUT naming phase and field', { timeout: 45_000 }, async () => {
    const page = await openForm();
    await withScreenshotOnFailure(page, 'training-form', async () => {
      assert.equal(await page.getByTestId('nav-training').getAttribute('aria-current'), 'page');
      // Eight phases in pipeline order; the language-model phases default to skip (no built-in executor).
      const phases = await page.getByTestId('training-phase-config').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-phase')));
      assert.deepEqual(phases, ['COGNATE', 'EVOMERGE', 'QUIET_STAR', 'BITNET_COMPRESSION', 'FORGE_TRAINING', 'TOOL_PERSONA_BAKING', 'ADAS', 'FINAL_COMPRESSION']);
      assert.equal(await configRow(page, 'FORGE_TRAINING').getAttribute('data-executor'), 'BUILTIN');
      assert.equal(await configRow(page, 'QUIET_STAR').getAttribute('data-executor'), 'SKIP');

      await page.getByTestId('training-new-name').fill('bad-config');
      const settings = configRow(page, 'FORGE_TRAINING').getByTestId('training-phase-settings');

      // Not JSON: refused in the page, before any request.
      await settings.fill('{"learningRate": ');
      await page.getByTestId('training-new-submit').click();
      const error = page.getByTestId('training-new-error');
      await page.locator('[data-testid="training-new-error"][data-code="INVALID_INPUT"]').waitFor();
      assert.match((await error.getByTestId('training-new-error-message').textContent()) ?? '', /^FORGE_TRAINING\.settings: not valid JSON/);

      // JSON the API refuses: its coded error names the phase and field; the row is marked.
      await settings.fill('{"learningRate": -1}');
      await page.getByTestId('training-new-submit').click();
      await page.locator('[data-testid="training-new-error"][data-code="BAD_USER_INPUT"]').waitFor();
      const message = (await error.getByTestId('training-new-error-message').textContent()) ?? '';
      assert.match(message, /FORGE_TRAINING\.settings\.learningRate/, message);
      assert.equal(await attr(error, 'training-new-error-where', 'data-phase'), 'FORGE_TRAINING');
      assert.equal(await attr(error, 'training-new-error-where', 'data-field'), 'settings.learningRate');
      assert.equal(await configRow(page, 'FORGE_TRAINING').getAttribute('data-invalid'), 'true');
      assert.equal(new URL(page.url()).searchParams.get('run'), null, 'still on the form');
      await screenshot(page, 'training-new');

      const list = await graphql('{ trainingRuns { nodes { id } } }');
      assert.deepEqual(list.body.data?.trainingRuns.nodes, [], 'nothing was created');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('a run started from the form streams its loss live; Quiet-STaR runs and succeeds, Tool/persona baking is skipped with the reason', { timeout: 45_000 }, async () => {
    const page = await openForm();
    await withScreenshotOnFailure(page, 'training-streamed', async () => {
      await page.getByTestId('training-new-name').fill('streamed');
      await page.getByTestId('training-new-model').fill('e2e-forge');
      await page.getByTestId('training-new-skip-builtins').click();
      for (const phase of BUILTIN_PHASES) assert.equal(await configRow(page, phase).getAttribute('data-executor'), 'SKIP');
      const quietStar = configRow(page, 'QUIET_STAR');
      await quietStar.getByTestId('training-phase-executor').selectOption('COMMAND');
      await quietStar.getByTestId('training-phase-command').fill('fake');
      await quietStar
        .getByTestId('training-phase-settings')
        .fill(JSON.stringify({ mode: 'resumable', steps: STREAMED_STEPS, stepMs: 100 }));
      await page.getByTestId('training-new-submit').click();

      // The new run's page: a shareable URL naming it.
      const detail = page.getByTestId('training-run');
      await detail.waitFor();
      const id = new URL(page.url()).searchParams.get('run');
      assert.match(id ?? '', /^[0-9a-f-]{36}$/);
      runs.streamed = id!;
      assert.equal(await detail.getAttribute('data-id'), id);
      assert.equal(await page.getByTestId('training-run-name').textContent(), 'streamed');
      assert.equal(await page.getByTestId('training-run-model').textContent(), 'e2e-forge');

      // Quiet-STaR runs; the chart's point counter grows while it does, fed by the subscription.
      await phaseRow(page, 'QUIET_STAR').and(page.locator('[data-status="RUNNING"]')).waitFor();
      await page.locator('[data-testid="training-metrics-connection"][data-state="live"]').waitFor();
      const first = Number(await attr(page, 'training-metric-points'));
      assert.ok(first < STREAMED_STEPS, `still running when first read: ${first} points`);
      const grown = await poll('the point counter to grow while Quiet-STaR runs', async () => {
        const now = Number(await attr(page, 'training-metric-points'));
        return now > first ? now : undefined;
      });
      assert.ok(grown > first);
      await poll('points delivered live by the subscription', async () => Number(await attr(page, 'training-live-points')) > 0);
      assert.ok(Number(await attr(page, 'chart-training-loss', 'data-points')) > 0);
      assert.equal(await attr(page, 'chart-training-loss', 'data-phases'), 'QUIET_STAR');
      await page.getByTestId('training-run-cancel').waitFor(); // offered while it runs

      // Done: every step drawn once (history and live merged), the phases' outcomes shown.
      await runStatus(page, 'SUCCEEDED').waitFor({ timeout: 20_000 });
      await poll(`all ${STREAMED_STEPS} points drawn`, async () => Number(await attr(page, 'training-metric-points')) === STREAMED_STEPS);
      assert.equal(Number(await attr(page, 'chart-training-loss', 'data-points')), STREAMED_STEPS);
      assert.equal(await attr(page, 'training-run-status', 'data-status'), 'SUCCEEDED');
      assert.equal(await attr(page, 'training-run-generation'), '1');
      const qs = phaseRow(page, 'QUIET_STAR');
      await qs.and(page.locator('[data-status="SUCCEEDED"]')).waitFor();
      assert.equal(await qs.getAttribute('data-executor'), 'COMMAND');
      assert.equal(await qs.getAttribute('data-attempt'), '1');
      assert.equal(await qs.getByTestId('training-phase-executor').textContent(), 'command: fake');
      assert.match((await qs.getByTestId('training-phase-summary').textContent()) ?? '', /resumedFrom\s*0/);
      assert.equal(await qs.getByTestId('training-phase-retry').getAttribute('data-mode'), 'resume');
      const baking = phaseRow(page, 'TOOL_PERSONA_BAKING');
      assert.equal(await baking.getAttribute('data-status'), 'SKIPPED');
      assert.match((await baking.getByTestId('training-phase-skip-reason').textContent()) ?? '', /needs a command binding/);
      assert.equal(await baking.getByTestId('training-phase-retry').count(), 0, 'a skipped phase has nothing to retry');
      assert.equal(
        await phaseRow(page, 'FORGE_TRAINING').getByTestId('training-phase-skip-reason').textContent(),
        'skipped by the run configuration',
      );
      assert.equal(await page.getByTestId('training-run-cancel').count(), 0, 'a finished run cannot be cancelled');
      await screenshot(page, 'training-run');

      // "New run from this config" opens the form pre-filled with the run's configuration.
      await page.getByTestId('training-run-clone').click();
      await page.getByTestId('training-new-form').waitFor();
      assert.equal(new URL(page.url()).searchParams.get('from'), id);
      assert.equal(await page.getByTestId('training-new-name').inputValue(), 'streamed-copy');
      assert.equal(await page.getByTestId('training-new-model').inputValue(), 'e2e-forge');
      const copied = configRow(page, 'QUIET_STAR');
      assert.equal(await copied.getAttribute('data-executor'), 'COMMAND');
      assert.equal(await copied.getByTestId('training-phase-command').inputValue(), 'fake');
      assert.deepEqual(JSON.parse(await copied.getByTestId('training-phase-settings').inputValue()), {
        mode: 'resumable',
        steps: STREAMED_STEPS,
        stepMs: 100,
      });
      for (const phase of BUILTIN_PHASES) assert.equal(await configRow(page, phase).getAttribute('data-executor'), 'SKIP');
      assert.equal(await configRow(page, 'TOOL_PERSONA_BAKING').getAttribute('data-executor'), 'SKIP');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('Cancel stops a running run', { timeout: 30_000 }, async () => {
    const id = await startCommandRun('slow', { mode: 'slow' });
    const page = await openAsAdmin(`/training?run=${id}`);
    await withScreenshotOnFailure(page, 'training-cancel', async () => {
      await phaseRow(page, 'QUIET_STAR').and(page.locator('[data-status="RUNNING"]')).waitFor();
      await page.getByTestId('training-run-cancel').click();
      await page.getByTestId('training-run-notice').waitFor();
      await runStatus(page, 'CANCELLED').waitFor();
      assert.equal(await attr(page, 'training-run-status', 'data-status'), 'CANCELLED');
      await phaseRow(page, 'QUIET_STAR').and(page.locator('[data-status="CANCELLED"]')).waitFor();
      assert.equal(await page.getByTestId('training-run-cancel').count(), 0);
      assert.equal(await page.getByTestId('training-run-error').textContent(), 'cancelled');
      // A cancelled phase can be retried.
      assert.equal(await phaseRow(page, 'QUIET_STAR').getByTestId('training-phase-retry').getAttribute('data-mode'), 'retry');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('a crashing phase shows FAILED with the stderr tail; Retry runs it again as the next generation', { timeout: 30_000 }, async () => {
    const id = await startCommandRun('crash', { mode: 'crash' });
    const page = await openAsAdmin(`/training?run=${id}`);
    await withScreenshotOnFailure(page, 'training-crash', async () => {
      await runStatus(page, 'FAILED').waitFor();
      const qs = phaseRow(page, 'QUIET_STAR');
      await qs.and(page.locator('[data-status="FAILED"]')).waitFor();
      assert.match((await qs.getByTestId('training-phase-error').textContent()) ?? '', /exited with code 3; stderr: CUDA error: out of memory/);
      assert.match((await page.getByTestId('training-run-error').textContent()) ?? '', /^QUIET_STAR failed: /);
      assert.equal(await attr(page, 'training-run-generation'), '1');
      assert.equal(await qs.getAttribute('data-attempt'), '1');

      const retry = qs.getByTestId('training-phase-retry');
      assert.equal(await retry.getAttribute('data-mode'), 'retry');
      await retry.click();
      const notice = page.getByTestId('training-run-notice');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /queued again as generation 2/);
      await page.locator('[data-testid="training-run-generation"][data-value="2"]').waitFor();
      // The program always crashes: generation 2 fails the same way (attempts count per generation).
      await poll('generation 2 to fail', async () => {
        const r = await graphql('query($id: ID!) { trainingRun(id: $id) { status generation } }', { id });
        const run = r.body.data?.trainingRun as { status: string; generation: number } | undefined;
        return run?.generation === 2 && run.status === 'FAILED';
      }, { timeoutMs: UI_TIMEOUT_MS });
      await page.reload();
      await runStatus(page, 'FAILED').waitFor();
      await qs.and(page.locator('[data-status="FAILED"][data-attempt="1"]')).waitFor();
      assert.match((await qs.getByTestId('training-phase-error').textContent()) ?? '', /CUDA error: out of memory/);
      assert.equal(await page.getByTestId('training-phase-retry-error').count(), 0);
      await screenshot(page, 'training-failed');
      session.assertNoPageErrors();
    });
    await page.close();
  });

  test('the runs list shows every run with its phase, and filters by status', { timeout: 30_000 }, async () => {
    const page = await openAsAdmin('/training');
    await withScreenshotOnFailure(page, 'training-list', async () => {
      const row = (name: string) => page.locator(`[data-testid="training-run-row"][data-name="${name}"]`);
      await row('crash').waitFor();
      assert.equal(await attr(page, 'training-runs-count'), '3');
      // Newest first.
      const names = await page.getByTestId('training-run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
      assert.deepEqual(names, ['crash', 'slow', 'streamed']);
      assert.equal(await row('streamed').getAttribute('data-status'), 'SUCCEEDED');
      assert.equal(await row('slow').getAttribute('data-status'), 'CANCELLED');
      assert.equal(await row('crash').getAttribute('data-status'), 'FAILED');
      const phase = row('crash').getByTestId('training-run-phase');
      assert.equal(await phase.getAttribute('data-phase'), 'QUIET_STAR');
      assert.equal(await phase.getAttribute('data-status'), 'FAILED');
      assert.equal(await row('streamed').getByTestId('training-run-phase').getAttribute('data-status'), 'SUCCEEDED');
      await screenshot(page, 'training');

      // The status filter lives in the URL.
      await page.getByTestId('training-filter-status').selectOption('FAILED');
      await poll('only the failed run listed', async () => (await page.getByTestId('training-run-row').count()) === 1 && (await row('crash').count()) === 1);
      assert.equal(new URL(page.url()).searchParams.get('status'), 'FAILED');

      // A row opens its run.
      await row('crash').getByTestId('training-run-open').click();
      await page.locator(`[data-testid="training-run"][data-id="${runs.crash}"]`).waitFor();
      session.assertNoPageErrors();
    });
    await page.close();
  });
});
