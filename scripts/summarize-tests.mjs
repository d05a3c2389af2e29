// Sums the vitest JSON reports the packages wrote and prints the closing line
// `N passed, N failed, N skipped`. A test file that failed to load (no test failed, but
// the file errored) counts as one failure, so it can never pass silently.
// usage: node scripts/summarize-tests.mjs [--dir .test-results[,.test-results-vm]]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const dirArg = argv[argv.indexOf('--dir') + 1];
const reportDirs = argv.includes('--dir') && dirArg ? dirArg.split(',') : ['.test-results'];
const workspaces = ['packages', 'examples', 'tools']
  .filter((root) => existsSync(root))
  .flatMap((root) => readdirSync(root).map((d) => join(root, d)))
  .concat(['bench']);

let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const ws of workspaces) {
  for (const dir of reportDirs) {
    const file = join(ws, dir, 'vitest.json');
    if (!existsSync(file)) continue;
    reports += 1;
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
}
if (reports === 0) {
  console.error(`summarize-tests: no test reports found in ${reportDirs.join(', ')}`);
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
