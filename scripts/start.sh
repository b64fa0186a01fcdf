#!/usr/bin/env bash
# `npm start`: the whole platform with demo data — setup, seed, build the console, then run
# API, workers and console together until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent seed
bash scripts/build-console.sh
exec node scripts/run-all.mjs
