/**
 * What every browser suite shares: the isolated stack (console-stack.ts) and Chromium,
 * started side by side before the suite and stopped after it; one browser context for the
 * whole file (its cookies are the browser's session); pages whose uncaught errors are
 * collected; opening a page as the admin; GraphQL requests from Node.
 *
 * `setUpConsoleSession()` registers the suite's `before`/`after` hooks, so it is called inside
 * `describe`; the session it returns is usable from the tests on.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ensureChromium, launchChromium } from './browser.js';
import { assertBuilt, startConsoleStack, type ConsoleStack, type ConsoleStackOptions } from './console-stack.js';
import { ARTIFACTS_DIR } from './paths.js';
import type { Credentials } from './seed-access.js';

/** Default timeout of every page action and wait. */
export const UI_TIMEOUT_MS = 20_000;

export interface GraphQLAnswer {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

export interface ConsoleSessionOptions {
  /** How the stack is started (e.g. extra environment of the API and the worker). */
  stack?: ConsoleStackOptions;
  /** Checks run before Chromium is ensured, after the build check (e.g. a fixture that must exist). */
  preflight?: () => void;
}

export interface ConsoleSession {
  /** The running stack (fails if it did not start). */
  readonly stack: ConsoleStack;
  /** `url: message` of every uncaught error in a page opened through the session. */
  readonly pageErrors: string[];
  /** A new tab in the shared context, its uncaught errors collected. */
  newPage(): Promise<Page>;
  /** Opens `pathname` (testid `page-<name>`), signing in as the admin first if sent to sign in. */
  openAsAdmin(pathname: string, pageTestId: string): Promise<Page>;
  /** A GraphQL request from Node with the run's traffic key. */
  graphql(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  /** A GraphQL request from Node with an API key. */
  graphqlWithKey(key: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  /** Signs in from Node (no browser) and runs one GraphQL operation with that session's cookie. */
  graphqlAsUser(who: Credentials, query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  assertNoPageErrors(): void;
}

export function setUpConsoleSession({ stack: stackOptions, preflight }: ConsoleSessionOptions = {}): ConsoleSession {
  let stack: ConsoleStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];

  before(
    async () => {
      assertBuilt(); // before a possible apt install, so a missing build fails at once
      preflight?.();
      await ensureChromium();
    },
    { timeout: 300_000 },
  );

  before(
    async () => {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      // Started side by side; whatever did start is kept so `after` can stop it.
      const [started, launched] = await Promise.allSettled([startConsoleStack(stackOptions), launchChromium()]);
      if (started.status === 'fulfilled') stack = started.value;
      if (launched.status === 'fulfilled') browser = launched.value;
      if (started.status === 'rejected') throw started.reason;
      if (launched.status === 'rejected') throw launched.reason;
      assert.ok(browser);
      // One context for the whole file: its cookies are the browser's session.
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

  const running = (): ConsoleStack => {
    assert.ok(stack, 'stack not started');
    return stack;
  };

  async function newPage(): Promise<Page> {
    assert.ok(context, 'browser not started');
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  async function graphqlWithKey(key: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
    return postGraphQL(running().apiUrl, { authorization: `Bearer ${key}` }, query, variables);
  }

  return {
    get stack() {
      return running();
    },
    pageErrors,
    newPage,
    async openAsAdmin(pathname, pageTestId) {
      const { consoleUrl, admin } = running();
      const page = await newPage();
      await page.goto(`${consoleUrl}${pathname}`, { waitUntil: 'domcontentloaded' });
      const target = page.getByTestId(pageTestId);
      await target.or(page.getByTestId('page-sign-in')).first().waitFor();
      if (!(await target.isVisible())) {
        await signIn(page, admin);
        await target.waitFor();
      }
      await waitForHydration(page);
      return page;
    },
    graphql: (query, variables) => graphqlWithKey(running().trafficKey, query, variables),
    graphqlWithKey,
    async graphqlAsUser(who, query, variables) {
      const { apiUrl } = running();
      const session = await fetch(`${apiUrl}/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(who),
      });
      await session.arrayBuffer();
      assert.equal(session.status, 200, 'sign-in from Node');
      const cookie = /av_session=[^;]+/.exec(session.headers.get('set-cookie') ?? '')?.[0];
      assert.ok(cookie, 'the API sets the session cookie');
      return postGraphQL(apiUrl, { cookie }, query, variables);
    },
    assertNoPageErrors() {
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    },
  };
}

async function postGraphQL(
  apiUrl: string,
  headers: Record<string, string>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLAnswer> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer['body'] };
}

/** Fills and submits the sign-in form the page shows. */
/** Resolves once React has hydrated the page (clicks before that are lost): see HydrationMarker. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
}

export async function signIn(page: Page, { email, password }: Credentials): Promise<void> {
  // Typing into the server-rendered form before React hydrates it is lost (the button stays
  // disabled): wait until the form says it is interactive.
  await page.locator('[data-testid="sign-in-form"][data-ready="true"]').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/** Runs `body`; on failure saves `<name>-failure.png` before rethrowing. */
export async function withScreenshotOnFailure(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}-failure.png`), fullPage: true }).catch(() => {});
    throw error;
  }
}

/** Saves `<name>.png` (the whole page) to the artifacts. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** An attribute (`data-value` unless named) of the first element with `testId` in `scope`. */
export const attr = async (scope: Page | Locator, testId: string, name = 'data-value') =>
  scope.getByTestId(testId).first().getAttribute(name, { timeout: 2000 });
