#!/usr/bin/env bash
# `npm test`: sets up what is missing, then runs every package's unit and system tests
# (one package at a time: system tests share the kernel) and prints the closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
find . -path ./node_modules -prune -o -type d -name .test-results -print | xargs -r rm -rf
status=0
npx turbo run test --concurrency=1 --continue --output-logs=full || status=$?
node scripts/summarize-tests.mjs || status=$?
exit "$status"
