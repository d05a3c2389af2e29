import { defineConfig } from 'tsup';

export default defineConfig({
  // The library, and the `ctrkit-cni` bin (package.json "bin") at dist/cni/main.js.
  entry: { index: 'src/index.ts', 'cni/main': 'src/cni/main.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Sibling packages stay imports of their published entry points, never inlined.
  external: [/^@ctrkit\//],
});
