#!/usr/bin/env bash
# Everything `npm start` and `npm test` need before they run, idempotently and fast when
# nothing changed: dependencies, Postgres+pgvector and Redis, the Prisma client, the
# TypeScript build, migrations. Safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Node: Prisma 7 needs >= 20.19.
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error(`setup: Node ${process.versions.node} is too old; install Node 20.19+ (see .nvmrc)`); process.exit(1) }'

# Dependencies: `npm ci` when node_modules is missing or older than the lockfile.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing dependencies (npm ci)"
  # onnxruntime-node's postinstall would download CUDA parts from a host we cannot reach.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/services.sh
bash scripts/datasets.sh
# promtool for the deploy checks (extracted from Debian's prometheus package, not installed).
promtool=$(bash scripts/ensure-promtool.sh)
echo "promtool: $promtool ready"

# Prisma client: regenerated when the schema changed (generate never runs the engine binary
# it insists on locating, so any existing file satisfies it).
generated=libs/db/src/generated/prisma/client.ts
if [[ ! -f $generated || prisma/schema.prisma -nt $generated ]]; then
  step "generating the Prisma client"
  npm run --silent prisma:generate >/dev/null
fi

step "compiling TypeScript (tsc -b)"
npx tsc -b

npm run --silent migrate
