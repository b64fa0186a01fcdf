/**
 * The console is a plain `next start` server. The repo root is named explicitly because
 * npm workspaces hoist `next` to the root node_modules, which Next would otherwise guess at
 * (and warn about) when it traces files and resolves modules.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
};

export default nextConfig;
