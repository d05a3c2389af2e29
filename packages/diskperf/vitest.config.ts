import { ctrkitVitestConfig } from '../../vitest.shared.js';

// The system project runs after the unit project (sequence.groupOrder): the probe's
// timing comparison with fio must not share the two cores with this package's own
// CPU-heavy simulator tests.
const config = ctrkitVitestConfig(import.meta.dirname);
type Project = { test?: { name?: string; sequence?: { groupOrder?: number } } };
for (const p of (config.test?.projects ?? []) as Project[]) {
  if (p.test) p.test.sequence = { ...p.test.sequence, groupOrder: p.test.name === 'system' ? 1 : 0 };
}

export default config;
