import path from 'node:path';
import { readStore, type StoredSpan } from '../read-store.js';
import { renderTraces } from '../tree.js';
import { storeFileGenerations } from '../ui/server/store-files.js';
import { defaultStoreFile, type Command } from './command.js';

/**
 * The files `view` reads for `file`: its rotated files, whatever the store is called
 * (`traces.3.jsonl` … `traces.1.jsonl`, or `spans.2.jsonl`, `spans.1.jsonl` for
 * `TRACEKIT_FILE=spans.jsonl`, oldest first), then itself, as `open` and `ui` read them; a
 * rotated file named on its own, alone.
 */
export function viewFiles(file: string): Promise<string[]> {
  return storeFileGenerations(file);
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
