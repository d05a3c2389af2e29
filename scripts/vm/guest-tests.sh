#!/bin/sh
# Runs inside the VM (scripts/vm/run.mjs): the system tests of the packages whose
# kernel features the host lacks (pure cgroup v2, ipip) or that exercise the kernel
# directly. Reports go to <package>/.test-results-vm/ (CTRKIT_RESULTS_DIR).
set -u
status=0
for p in ${CTRKIT_VM_PACKAGES:-sys cgroups netns snapshotter runtime}; do
  [ -d "packages/$p/test" ] || continue
  echo "== kernel-v2: packages/$p (system tests)"
  (cd "packages/$p" && npx vitest run --project system) || status=1
done
exit $status
