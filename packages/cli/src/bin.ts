#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { readStore, parseStoreLine } from './read-store.js';
import { renderTraces } from './tree.js';

const USAGE = `Usage: tracekit <command> [file]

Commands:
  view [file]   print every trace in the store as a tree (default .tracekit/traces.jsonl)
  tail [file]   print traces as they are written (Ctrl-C to stop)
  help          this text`;

function defaultFile(): string {
  return process.env.TRACEKIT_FILE ?? path.join(process.cwd(), '.tracekit', 'traces.jsonl');
}

function view(file: string): number {
  if (!fs.existsSync(file)) {
    process.stderr.write(`tracekit: no store at ${file} (run your app with TraceKit first)\n`);
    return 1;
  }
  const { spans, skipped } = readStore(file);
  process.stdout.write(renderTraces(spans, { color: process.stdout.isTTY }) + '\n');
  if (skipped > 0) process.stderr.write(`tracekit: skipped ${skipped} malformed line(s)\n`);
  return 0;
}

function tail(file: string): void {
  let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let rest = '';
  process.stdout.write(`tracekit: following ${file}\n`);
  fs.watchFile(file, { interval: 250 }, (cur) => {
    if (cur.size < offset) offset = 0; // rotated
    if (cur.size === offset) return;
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(cur.size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    offset = cur.size;
    const lines = (rest + buf.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        process.stdout.write(renderTraces(parseStoreLine(line), { color: process.stdout.isTTY }) + '\n');
      } catch {
        // a partial or foreign line: skip it
      }
    }
  });
}

const [command = 'help', fileArg] = process.argv.slice(2);
const file = path.resolve(fileArg ?? defaultFile());
switch (command) {
  case 'view':
    process.exitCode = view(file);
    break;
  case 'tail':
    tail(file);
    break;
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(USAGE + '\n');
    break;
  default:
    process.stderr.write(`tracekit: unknown command "${command}"\n${USAGE}\n`);
    process.exitCode = 2;
}
