// The one place that decides whether a system test runs or skips, and why.
import { type Feature, missing } from './features.js';

export interface Gate {
  /** True when every required feature is present: use with `describe.runIf(gate.ok)`. */
  readonly ok: boolean;
  /** Why the tests skip (empty when ok). */
  readonly reasons: readonly string[];
}

/**
 * Decides whether a group of system tests can run here. When a feature is missing the
 * reason is printed (and vitest counts the skipped tests). Under CI (`CI=true`) not
 * being root is a failure, not a skip: CI runs as root, so a skip would hide a broken runner.
 *
 * @example
 * const gate = requires('root', 'link:veth');
 * describe.runIf(gate.ok)('veth pairs', () => { ... });
 */
export function requires(...features: Feature[]): Gate {
  const reasons: string[] = [];
  for (const f of features) {
    const why = missing(f);
    if (why) reasons.push(`${f}: ${why}`);
  }
  if (reasons.length > 0) {
    if (process.env.CI === 'true' && features.includes('root') && missing('root')) {
      throw new Error(`system tests must run as root under CI=true (${reasons.join('; ')})`);
    }
    const where = testFileName();
    console.warn(`[skip] ${where}: ${reasons.join('; ')}`);
  }
  return { ok: reasons.length === 0, reasons };
}

function testFileName(): string {
  const stack = new Error().stack?.split('\n') ?? [];
  const line = stack.find((l) => /\.test\.ts/.test(l));
  const m = line?.match(/([^/\s(]+\.test\.ts)/);
  return m?.[1] ?? 'system test';
}
