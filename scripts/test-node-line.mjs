#!/usr/bin/env node
// Runs the adapters' test suites (each one includes the conformance kit from
// @tracekit/core/testing), the tests/* suites, and core's runtime-sensitive tests (trace
// context, log correlation, metrics, resource detection) under another Node.js binary.
//
//   node scripts/test-node-line.mjs <path-to-node | major>   e.g. 24 or .cache/node-lines/24/.../node
//
// A major number is resolved (and installed if missing) with scripts/node-lines.mjs.
// The chosen binary's directory goes first on PATH, so child processes the tests spawn with
// `node` run on the same line. Needs the packages built (`npm test` or `npm run build` first).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/test-node-line.mjs <node binary | major>');
  process.exit(2);
}
const node = /^\d+$/.test(target)
  ? execFileSync(process.execPath, [path.join(root, 'scripts', 'node-lines.mjs'), target], { encoding: 'utf8' }).trim()
  : path.resolve(target);
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

/** A suite: a package directory, and optionally the test folders to run in it. */
const suites = ['packages/express', 'packages/fastify', 'packages/koa', 'packages/hono', 'packages/nestjs'];
const FILTERS = { 'packages/core': ['test/http', 'test/logs', 'test/metrics', 'test/resource', 'test/autotrace', 'test/ai'] };
suites.push('packages/core');
const testsDir = path.join(root, 'tests');
if (fs.existsSync(testsDir)) {
  for (const name of fs.readdirSync(testsDir).sort()) {
    if (fs.existsSync(path.join(testsDir, name, 'package.json'))) suites.push(`tests/${name}`);
  }
}

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const env = {
  ...process.env,
  PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
  NO_COLOR: '1',
};
const failed = [];
let passedTests = 0;
let failedTests = 0;
let skippedTests = 0;
console.log(`== Node ${version}: ${suites.length} suites (${node})`);
for (const suite of suites) {
  const started = Date.now();
  const res = spawnSync(node, [vitest, 'run', '--reporter=dot', ...(FILTERS[suite] ?? [])], {
    cwd: path.join(root, suite),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = out.split('\n').filter((l) => /^\s*(Test Files|Tests)\s/.test(l)).map((l) => l.trim().replace(/\s+/g, ' ')).join('; ');
  const tests = out.split('\n').find((l) => /^\s*Tests\s/.test(l)) ?? '';
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(tests)?.[1] ?? 0);
  passedTests += count('passed');
  failedTests += count('failed');
  skippedTests += count('skipped');
  if (res.status === 0) {
    const label = FILTERS[suite] ? `${suite} (${FILTERS[suite].join(', ')})` : suite;
    console.log(`ok   ${label} on ${version} (${secs} s) ${summary}`);
  } else {
    failed.push(suite);
    console.log(`FAIL ${suite} on ${version} (${secs} s, exit ${res.status ?? res.signal})`);
    console.log(out);
  }
}
if (failed.length > 0) {
  console.log(`== Node ${version}: ${failed.length} suite(s) failed: ${failed.join(', ')}`);
  if (failedTests === 0) failedTests = failed.length;
} else {
  console.log(`== Node ${version}: all ${suites.length} suites passed`);
}
console.log(`${passedTests} passed, ${failedTests} failed, ${skippedTests} skipped`);
process.exit(failed.length > 0 || passedTests === 0 ? 1 : 0);
