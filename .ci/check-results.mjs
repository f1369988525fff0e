// Fails CI when any test was skipped or none ran; prints the plain closing line.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = [];
for (const file of results.testResults) {
  for (const test of file.assertionResults) {
    if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo') {
      skipped.push(`${file.name}: ${test.fullName}`);
    }
  }
}
const passed = results.numPassedTests;
const failed = results.numFailedTests;
if (skipped.length > 0) {
  console.error(`Skipped in CI (real-backend suites must run):\n  ${skipped.join('\n  ')}`);
}
if (passed === 0) console.error('No test ran.');
console.log(`${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(skipped.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
