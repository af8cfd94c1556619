import fs from 'node:fs';
import path from 'node:path';
import { readStore, type StoredSpan } from '../read-store.js';
import { renderTraces } from '../tree.js';
import { listStoreFiles } from '../ui/server/store-files.js';
import { defaultStoreFile, type Command } from './command.js';

/**
 * The files `view` reads for `file`: for a store's live `traces.jsonl`, its rotated files
 * (`traces.3.jsonl` … `traces.1.jsonl`, oldest first) and then itself, as `open` and `ui` read
 * them; any other file alone.
 */
export async function viewFiles(file: string): Promise<string[]> {
  if (path.basename(file) !== 'traces.jsonl') return fs.existsSync(file) ? [file] : [];
  return (await listStoreFiles(path.dirname(file))).filter((f) => f.kind === 'traces').map((f) => f.file);
}

/** `tracekit view [file]`: every trace in the store (rotated files too), as trees. */
const view: Command = {
  summary: 'view [file]        print every trace in the store (rotated files too) as a tree',
  async run([fileArg]) {
    const file = path.resolve(fileArg ?? defaultStoreFile());
    const files = await viewFiles(file);
    if (files.length === 0) {
      process.stderr.write(`tracekit: no store at ${file} (run your app with TraceKit first)\n`);
      return 1;
    }
    const spans: StoredSpan[] = [];
    let skipped = 0;
    for (const f of files) {
      let read: ReturnType<typeof readStore>;
      try {
        read = readStore(f);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // rotated away since it was listed: its spans are in the next name
        throw err;
      }
      spans.push(...read.spans);
      skipped += read.skipped;
    }
    process.stdout.write(renderTraces(spans, { color: process.stdout.isTTY }) + '\n');
    if (skipped > 0) process.stderr.write(`tracekit: skipped ${skipped} malformed line(s)\n`);
    return 0;
  },
};

export default view;
