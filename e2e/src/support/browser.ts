/**
 * Chromium for the browser tests: the Debian package at /usr/bin/chromium (installed by
 * scripts/ensure-chromium.sh), driven by playwright-core — Playwright's own browser
 * download cannot reach its host here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Runs scripts/ensure-chromium.sh: instant when installed, an apt install otherwise. */
export async function ensureChromium(timeoutMs = 300_000): Promise<void> {
  try {
    await promisify(execFile)('bash', ['scripts/ensure-chromium.sh'], { cwd: REPO_ROOT, timeout: timeoutMs });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`scripts/ensure-chromium.sh failed${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}
