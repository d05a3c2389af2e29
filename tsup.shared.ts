// The one tsup configuration every workspace builds with: ESM for Node 20 with source
// maps, declarations for libraries, and sibling @ctrkit packages kept as imports of
// their published entry points, never inlined.
import { defineConfig, type Options } from 'tsup';

/** A library: `entry` as tsup takes it, with .d.ts files. */
export function libraryConfig(entry: Options['entry']) {
  return defineConfig({ ...base, entry, dts: true });
}

/** A command-line program: one entry with a shebang, no declarations. */
export function cliConfig(entry = 'src/cli.ts') {
  return defineConfig({ ...base, entry: [entry], banner: { js: '#!/usr/bin/env node' } });
}

const base: Options = {
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: [/^@ctrkit\//],
};
