#!/bin/sh
# Runs inside the VM (scripts/vm/run.mjs): the system tests of the packages whose
# kernel features the host lacks (pure cgroup v2, ipip) or that exercise the kernel
# directly. Reports go to <package>/.test-results-vm/ (CTRKIT_RESULTS_DIR).
set -u
status=0
for d in ${CTRKIT_VM_DIRS:-packages/sys packages/cgroups packages/netns packages/snapshotter packages/runtime examples/pod-network}; do
  [ -d "$d/test" ] || continue
  echo "== kernel-v2: $d (system tests)"
  (cd "$d" && npx vitest run --project system) || status=1
done
exit $status
