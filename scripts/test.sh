#!/usr/bin/env bash
# `npm test`: setup, contract checks, then unit + integration tests (real Postgres and
# Redis, each test isolated in its own schema and Redis prefix), then browser tests in
# headless Chromium. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

printf '\033[1mtest:\033[0m checking committed contracts\n'
npm run --silent schema:check

bash scripts/build-console.sh
bash scripts/ensure-chromium.sh

mapfile -t unit < <(find libs apps/api workers -path '*/dist/*' -name '*.test.js' ! -name '*.int.test.js' -not -path '*/node_modules/*' | sort)
mapfile -t integration < <(find libs apps/api workers -path '*/dist/*' -name '*.int.test.js' -not -path '*/node_modules/*' | sort)
mapfile -t e2e < <(find e2e/dist -name '*.test.js' | sort)

printf '\033[1mtest:\033[0m %d unit, %d integration, %d browser test files\n' "${#unit[@]}" "${#integration[@]}" "${#e2e[@]}"
# One runner, so its summary ("# pass N / # fail N") covers the whole suite; files run as
# separate processes, two at a time on a two-core machine; browser tests last and alone
# would be nicer, but isolation makes them safe alongside.
node --test --test-concurrency=2 --test-reporter=spec "${unit[@]}" "${integration[@]}" "${e2e[@]}"
