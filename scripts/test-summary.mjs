// Prints one closing line for the whole monorepo test run, from the JSON reports vitest wrote.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const clean = process.argv.includes('--clean');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of ['packages', 'tests']) {
  const base = path.join(root, dir);
  if (!fs.existsSync(base)) continue;
  for (const name of fs.readdirSync(base)) {
    const report = path.join(base, name, '.vitest-report.json');
    if (!fs.existsSync(report)) continue;
    if (clean) {
      fs.rmSync(report);
      continue;
    }
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
if (clean) process.exit(0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
