// Sums the vitest JSON reports every package wrote to .test-results/ and prints the
// closing line `N passed, N failed, N skipped`. A test file that failed to load (no
// tests ran, but the file errored) counts as one failure, so it can never pass silently.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'examples', 'tools', '.'];
const seen = new Set();
let passed = 0;
let failed = 0;
let skipped = 0;
const extra = process.argv.slice(2); // more report files (e.g. the kernel-v2 VM run)

function add(file) {
  if (seen.has(file) || !existsSync(file)) return;
  seen.add(file);
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  for (const suite of r.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).every((a) => a.status !== 'failed')) {
      failed += 1;
      console.error(`load failure: ${suite.name}: ${(suite.message ?? '').split('\n')[0]}`);
    }
  }
}

for (const root of roots) {
  if (!existsSync(root)) continue;
  const dirs = root === '.' ? ['bench'] : readdirSync(root).map((d) => join(root, d));
  for (const dir of dirs) add(join(dir, '.test-results', 'vitest.json'));
}
for (const f of extra) add(f);
if (seen.size === 0) {
  console.error('summarize-tests: no test reports found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
