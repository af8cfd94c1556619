import fs from 'node:fs';
import path from 'node:path';
import { readStore } from '../read-store.js';
import { renderTraces } from '../tree.js';
import { defaultStoreFile, type Command } from './command.js';

/** `tracekit view [file]`: every trace in the store, as trees. */
const view: Command = {
  summary: 'view [file]        print every trace in the store as a tree (default .tracekit/traces.jsonl)',
  run([fileArg]) {
    const file = path.resolve(fileArg ?? defaultStoreFile());
    if (!fs.existsSync(file)) {
      process.stderr.write(`tracekit: no store at ${file} (run your app with TraceKit first)\n`);
      return 1;
    }
    const { spans, skipped } = readStore(file);
    process.stdout.write(renderTraces(spans, { color: process.stdout.isTTY }) + '\n');
    if (skipped > 0) process.stderr.write(`tracekit: skipped ${skipped} malformed line(s)\n`);
    return 0;
  },
};

export default view;
