#!/usr/bin/env bash
# Builds the console unless the last build is newer than every input (sources, config,
# the GraphQL SDL it generates its types from, the lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=apps/console/.next/BUILD_ID
if [[ -f $stamp ]] && [[ -z $(find apps/console/src apps/console/*.ts apps/console/package.json schema/schema.graphql package-lock.json -newer "$stamp" -print -quit 2>/dev/null) ]]; then
  exit 0
fi
printf '\033[1msetup:\033[0m building the console (next build)\n'
npm run --silent build -w apps/console
