// Registers the conformance cases with a test runner (vitest, node:test, mocha: anything
// with describe/it/afterEach), like containerd's exported snapshotter testsuite.
import type { Snapshotter } from '../snapshots/snapshotter.js';
import type { ConformanceCase } from './case.js';
import { fsCases } from './cases-fs.js';
import { storeCases } from './cases-store.js';
import { createContext } from './context.js';

/** The parts of a test runner the suite needs. */
export interface TestRunner {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

export interface SnapshotterSuiteOptions {
  /** Opens the store under test at `root` (an empty directory the suite owns). */
  open(root: string): Promise<Snapshotter>;
  /** Run only these cases (by name). @default every case */
  readonly only?: readonly string[];
}

/** Every case, in containerd's order of concern: the metadata model, then files through mounts. */
export const conformanceCases: readonly ConformanceCase[] = [...storeCases, ...fsCases];

/**
 * Defines one test per conformance case. Each test gets a fresh store in a temporary
 * directory; every mount it made is unmounted and the directory removed, even on failure.
 * The cases mount snapshots, so they must run as root.
 *
 * @example
 * import { describe, it } from 'vitest';
 * defineSnapshotterSuite({ describe, it }, 'overlayfs', { open: (root) => Snapshotter.open(root, { driver: 'overlayfs' }) });
 */
export function defineSnapshotterSuite(runner: TestRunner, name: string, opts: SnapshotterSuiteOptions): void {
  const cases = opts.only ? conformanceCases.filter((c) => opts.only!.includes(c.name)) : conformanceCases;
  runner.describe(name, () => {
    for (const c of cases) {
      runner.it(
        c.name,
        async () => {
          const { ctx, dispose } = await createContext(opts);
          try {
            await c.run(ctx);
          } finally {
            await dispose();
          }
        },
        c.timeoutMs ?? 60_000,
      );
    }
  });
}
