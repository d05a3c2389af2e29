// Compiles the addon from source with node-gyp (the install script: runs under `npm ci`).
// No network: it uses the Node headers already on the machine (Debian's nodejs ships
// them under /usr/include/node) unless npm_config_nodedir says otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function nodeGyp() {
  // npm exports the path of its bundled node-gyp to scripts it runs.
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) {
    return process.env.npm_config_node_gyp;
  }
  const require = createRequire(import.meta.url);
  for (const id of ['node-gyp/bin/node-gyp.js', '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js']) {
    try {
      return require.resolve(id);
    } catch {}
  }
  throw new Error('@ctrkit/sys: node-gyp not found; install npm (it bundles node-gyp) or `npm i -g node-gyp`');
}

const nodedirArgs = [];
const nodedir = process.env.npm_config_nodedir;
if (nodedir) nodedirArgs.push(`--nodedir=${nodedir}`);
else if (existsSync('/usr/include/node/node_api.h')) nodedirArgs.push('--nodedir=/usr');

function gyp(...args) {
  const result = spawnSync(process.execPath, [nodeGyp(), ...args, ...nodedirArgs], { cwd: pkgDir, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('@ctrkit/sys: building the native addon failed (needs g++, make and python3)');
    process.exit(result.status ?? 1);
  }
}

// Incremental: npm reruns this install script for the workspace on every `npm install`
// in the monorepo, and a clean rebuild would delete build/ under running tests. make only
// relinks what changed, and replaces the .node file in one step.
// CTRKIT_SYS_REBUILD=1 forces a clean rebuild.
const makefile = join(pkgDir, 'build', 'Makefile');
const stale = () => statSync(join(pkgDir, 'binding.gyp')).mtimeMs > statSync(makefile).mtimeMs;
if (process.env.CTRKIT_SYS_REBUILD === '1') gyp('rebuild');
else {
  if (!existsSync(makefile) || stale()) gyp('configure');
  gyp('build');
}
