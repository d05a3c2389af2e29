#!/usr/bin/env bash
# `npm run test:kernel-v2`: the system tests on a second, real kernel — Debian's own,
# booted under qemu with pure cgroup v2 and the ipip module (scripts/vm/README.md).
# Build and type-check happen on the host; only the tests run in the guest.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh
find packages examples -maxdepth 2 -type d -name .test-results-vm -exec rm -rf {} +
status=0
node scripts/vm/run.mjs --timeout "${CTRKIT_VM_TIMEOUT:-3000}" --env CTRKIT_RESULTS_DIR=.test-results-vm \
  -- sh scripts/vm/guest-tests.sh || status=$?
if [ "$status" -ge 124 ]; then
  echo "test:kernel-v2: the VM failed (runner status $status)" >&2
  exit "$status"
fi
node scripts/summarize-tests.mjs --dir .test-results-vm || status=$?
exit "$status"
