// Prints one closing line over every runner: "tests: N passed, N failed" (Vitest, then each Playwright run:
// the browser tests and the network lab).
import { existsSync, readFileSync } from 'node:fs';

const [vitestFile, ...playwrightFiles] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

if (vitestFile && existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += (v.numFailedTests ?? 0) + (v.numRuntimeErrorTestSuites ?? 0);
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else {
  failed += 1;
  console.error('no Vitest results');
}
for (const playwrightFile of playwrightFiles) {
  if (existsSync(playwrightFile)) {
    const p = JSON.parse(readFileSync(playwrightFile, 'utf8'));
    passed += p.stats?.expected ?? 0;
    failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0) + (p.errors?.length ?? 0);
    skipped += p.stats?.skipped ?? 0;
  } else {
    failed += 1;
    console.error(`no Playwright results in ${playwrightFile}`);
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
