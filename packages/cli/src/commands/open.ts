import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readStore, type StoredSpan } from '../read-store.js';
import { renderTraces } from '../tree.js';
import { listStoreFiles, storeFileGenerations } from '../ui/server/store-files.js';
import { defaultStoreDir, type Command } from './command.js';

const TRACE_ID = /\b([0-9a-f]{32})\b/i;

/**
 * The trace files `open` reads, oldest first: the store the app writes (`TRACEKIT_FILE`, whatever
 * its name) and its rotated files, with the folder's default-named trace files (those the viewer
 * appends) before them; with `--dir`, that folder's default-named ones.
 */
async function traceFiles(dir: string, storeFile: string | undefined): Promise<string[]> {
  const named = (await listStoreFiles(dir)).filter((f) => f.kind === 'traces').map((f) => f.file);
  if (storeFile === undefined) return named;
  const own = await storeFileGenerations(path.resolve(storeFile));
  return [...named.filter((f) => !own.includes(f)), ...own];
}

/**
 * `tracekit open <trace-id | request-id | traceparent> [--dir .tracekit]`: finds the trace in the
 * store's trace files (rotated ones too) and prints it as a tree, then the viewer link for it.
 */
const open: Command = {
  summary: 'open <id>          print one trace (by trace ID, request ID or traceparent) and its viewer link',
  async run(args) {
    const { values, positionals } = parseArgs({ args, options: { dir: { type: 'string' }, port: { type: 'string' } }, allowPositionals: true, strict: true });
    const wanted = positionals[0]?.trim();
    if (!wanted) {
      process.stderr.write('Usage: tracekit open <trace-id | request-id | traceparent> [--dir .tracekit]\n');
      return 2;
    }
    const dir = defaultStoreDir(values.dir);
    const files = await traceFiles(dir, values.dir === undefined ? process.env.TRACEKIT_FILE : undefined);
    if (files.length === 0) {
      process.stderr.write(`tracekit: no trace files in ${dir} (run your app with TraceKit first, or pass --dir)\n`);
      return 1;
    }
    const spans: StoredSpan[] = [];
    for (const f of files) if (fs.existsSync(f)) spans.push(...readStore(f).spans);
    const traceId = TRACE_ID.exec(wanted)?.[1]?.toLowerCase() ?? spans.find((s) => s.attributes['tracekit.request_id'] === wanted)?.traceId;
    const found = traceId ? spans.filter((s) => s.traceId === traceId) : [];
    if (found.length === 0) {
      process.stderr.write(`tracekit: no trace ${JSON.stringify(wanted)} in ${dir}\n`);
      return 1;
    }
    process.stdout.write(renderTraces(found, { color: process.stdout.isTTY }) + '\n');
    process.stdout.write(`In the viewer (tracekit ui): http://127.0.0.1:${values.port ?? '4318'}/traces/${traceId}\n`);
    return 0;
  },
};

export default open;
