// Entry point of @ctrkit/snapshotter/testsuite: the exported conformance suite.
export type { ConformanceCase } from './case.js';
export type { CaseContext } from './context.js';
export {
  conformanceCases,
  defineSnapshotterSuite,
  type SnapshotterSuiteOptions,
  type TestRunner,
} from './suite.js';
