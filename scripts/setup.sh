#!/usr/bin/env bash
# Everything a fresh machine needs before tests or the demo: Debian packages, npm
# dependencies (the native addon is compiled from source here), and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# node-gyp finds Node's headers under /usr on Debian's Node; no header download.
export npm_config_nodedir=${npm_config_nodedir:-/usr}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx turbo run build --output-logs=errors-only
