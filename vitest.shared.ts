// The one vitest configuration every package uses: two projects, `unit` and `system`.
// In-repo imports of @ctrkit/* resolve to each package's src/ through the
// `@ctrkit/source` export condition, so no sibling needs a build before its tests run.
import { resolve } from 'node:path';
import { defaultServerConditions, type UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';

const conditions = ['@ctrkit/source', ...defaultServerConditions];

export interface CtrkitVitestOptions {
  /** Run system test files one at a time (kernel timing tests, shared devices). @default true */
  readonly systemSequential?: boolean;
  /** Per-test timeout for system tests in ms. @default 60000 */
  readonly systemTimeoutMs?: number;
}

export function ctrkitVitestConfig(packageDir: string, options: CtrkitVitestOptions = {}): UserConfig {
  // The kernel-matrix run (scripts/vm) writes its reports beside the host's, not over them.
  const resultsDir = resolve(packageDir, process.env.CTRKIT_RESULTS_DIR ?? '.test-results');
  const shared = {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
  };
  return defineConfig({
    ...shared,
    test: {
      reporters: ['default', ['json', { outputFile: resolve(resultsDir, 'vitest.json') }]],
      projects: [
        {
          ...shared,
          test: {
            name: 'unit',
            root: packageDir,
            include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
            exclude: ['**/*.system.test.ts', '**/node_modules/**'],
            testTimeout: 20_000,
          },
        },
        {
          ...shared,
          test: {
            name: 'system',
            root: packageDir,
            include: ['test/**/*.system.test.ts'],
            testTimeout: options.systemTimeoutMs ?? 60_000,
            hookTimeout: options.systemTimeoutMs ?? 60_000,
            fileParallelism: !(options.systemSequential ?? true),
          },
        },
      ],
    },
  }) as UserConfig;
}
