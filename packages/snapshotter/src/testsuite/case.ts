// One conformance case: a name (containerd's test name) and a body that throws on failure.
import type { CaseContext } from './context.js';

export interface ConformanceCase {
  readonly name: string;
  readonly run: (ctx: CaseContext) => Promise<void>;
  /** Cases that build many layers need more time than a test runner's default. */
  readonly timeoutMs?: number;
}
