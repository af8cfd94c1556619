import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ExpressionError, fileInside, parseExpression, parseLocation, parseTemplate, type ProbeEntry } from '@tracekit/core/adapter';
import type { Command } from './command.js';
import { breakpointsFile, readDocument, table, writeDocument } from './breakpoints-store.js';

const USAGE = `usage: tracekit probe add <file:line> [--condition <expr>] [--capture <expr,…>] [--log "<template {expr}>"]
       tracekit probe ls
       tracekit probe rm <id>
       (all take --file .tracekit/breakpoints.json)`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

function add(file: string, args: string[]): number {
  const location = args[0];
  const loc = location ? parseLocation(location) : undefined;
  if (!location || !loc) {
    process.stderr.write(`tracekit: expected <file:line>\n${USAGE}\n`);
    return 2;
  }
  const root = process.cwd();
  const abs = fileInside(root, loc.file);
  if (!abs) {
    process.stderr.write(`tracekit: ${loc.file} is outside the project (${root})\n`);
    return 1;
  }
  if (!fs.existsSync(abs)) {
    process.stderr.write(`tracekit: ${loc.file} does not exist\n`);
    return 1;
  }
  const probe: ProbeEntry = { id: `p_${randomBytes(4).toString('hex')}`, location: `${path.relative(root, abs).split(path.sep).join('/')}:${loc.line}`, enabled: true };
  const condition = option(args, 'condition');
  const capture = option(args, 'capture');
  const log = option(args, 'log');
  try {
    if (condition !== undefined) parseExpression((probe.condition = condition));
    if (capture !== undefined) for (const c of (probe.capture = capture.split(',').map((s) => s.trim()).filter(Boolean))) parseExpression(c);
    if (log !== undefined) parseTemplate((probe.log = log));
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    process.stderr.write(`tracekit: invalid expression: ${e.message}\n`);
    return 1;
  }
  const doc = readDocument(file, root);
  doc.probes.push(probe);
  writeDocument(file, doc);
  process.stdout.write(`${probe.id} added at ${probe.location} (the app sets it within 2 s; see its status with: tracekit probe ls)\n`);
  return 0;
}

/** `tracekit probe …`: line probes in `.tracekit/breakpoints.json` (docs/code-monitoring.md). */
const probe: Command = {
  summary: 'probe add <file:line>|ls|rm <id>   line probes: a snapshot or a log line with no code change',
  run(argv) {
    const { file, rest } = breakpointsFile(argv);
    const [action = 'ls', ...args] = rest;
    if (action === 'add') return add(file, args);
    const doc = readDocument(file, process.cwd());
    if (action === 'ls') {
      if (doc.probes.length === 0) {
        process.stdout.write(`no probes in ${file}\n`);
        return 0;
      }
      const rows = [['ID', 'STATUS', 'HITS', 'LOCATION', 'WHAT']];
      for (const p of doc.probes) {
        const what = [p.condition ? `if ${p.condition}` : '', p.log ? `log "${p.log}"` : p.capture ? `capture ${p.capture.join(', ')}` : 'capture locals'].filter(Boolean).join('; ');
        const status = !p.enabled && !p.status ? 'disabled' : `${p.status ?? 'pending'}${p.error ? ` (${p.error})` : ''}`;
        rows.push([p.id, status, String(p.hits ?? 0), p.location, what]);
      }
      process.stdout.write(`${table(rows)}\n`);
      return 0;
    }
    if (action === 'rm') {
      const id = args[0];
      const before = doc.probes.length;
      doc.probes = doc.probes.filter((p) => p.id !== id);
      if (doc.probes.length === before) {
        process.stderr.write(`tracekit: no probe ${id ?? '(none given)'} in ${file}\n`);
        return 1;
      }
      writeDocument(file, doc);
      process.stdout.write(`${id} removed\n`);
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  },
};

export default probe;
