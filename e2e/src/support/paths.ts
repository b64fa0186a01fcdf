/** Locations in the repository, resolved from this file so tests run from any cwd. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** e2e/dist/support → repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CONSOLE_DIR = path.join(REPO_ROOT, 'apps/console');
export const API_MAIN = path.join(REPO_ROOT, 'apps/api/dist/main.js');
export const WORKERS_MAIN = path.join(REPO_ROOT, 'workers/dist/main.js');
export const NEXT_BIN = path.join(REPO_ROOT, 'node_modules/.bin/next');
/** Screenshots and service logs of the last run (git-ignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'e2e/artifacts');
