#!/usr/bin/env bash
# `npm run demo`: sets up what is missing (Debian packages, npm ci, the build), then runs
# ctr-lite's demo: a busybox image built offline from the host's busybox-static, run
# with a memory limit in a routed pod network (a namespace plays the host), with its
# output, cgroup stats and network wiring printed, then removed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "npm run demo: needs root (mounts, cgroups, network namespaces, runc)" >&2
  exit 1
fi
bash scripts/setup.sh
exec node examples/ctr-lite/dist/cli.js demo "$@"
