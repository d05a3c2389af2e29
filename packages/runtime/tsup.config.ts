import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/supervisor.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Sibling packages stay imports of their published entry points, never inlined.
  external: [/^@ctrkit\//],
});
