#!/usr/bin/env bash
# `npm run test:kernel-v2`: the system tests on a second, real kernel — Debian's own,
# booted under qemu with pure cgroup v2 and the ipip module (scripts/vm/README.md).
# Build and type-check happen on the host; only the tests run in the guest.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh
find packages examples -maxdepth 2 -type d -name .test-results-vm -exec rm -rf {} +
# The guest sees only what is passed with --env: forward guest-tests.sh's selection knobs.
vm_env=(--env CTRKIT_RESULTS_DIR=.test-results-vm)
for v in CTRKIT_VM_ALL CTRKIT_VM_DIRS CTRKIT_VM_TIMEOUT_MS; do
  [ -n "${!v:-}" ] && vm_env+=(--env "$v=${!v}")
done
status=0
# CTRKIT_VM_TIMEOUT bounds the whole VM run (boot included): CI has 90 minutes for
# everything and the host tests take 20-30 of them.
node scripts/vm/run.mjs --timeout "${CTRKIT_VM_TIMEOUT:-2700}" "${vm_env[@]}" \
  -- sh scripts/vm/guest-tests.sh || status=$?
if [ "$status" -ge 124 ]; then
  echo "test:kernel-v2: the VM failed (runner status $status)" >&2
  exit "$status"
fi
node scripts/summarize-tests.mjs --dir .test-results-vm || status=$?
exit "$status"
