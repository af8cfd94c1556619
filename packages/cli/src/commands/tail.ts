import fs from 'node:fs';
import path from 'node:path';
import { parseStoreLine } from '../read-store.js';
import { renderTraces } from '../tree.js';
import { rotatedName } from '../ui/server/store-files.js';
import { defaultStoreFile, type Command } from './command.js';

/** The bytes of `file` from `start` to `end` (empty when the file is gone). */
function readRange(file: string, start: number, end: number): string {
  if (end <= start) return '';
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(end - start);
    const n = fs.readSync(fd, buf, 0, buf.length, start);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Rotated files looked through for the one the followed file became. */
const MAX_GENERATIONS = 100;

/** The inode and size of a file, if it exists. */
function statOf(file: string): { ino: number; size: number } | undefined {
  try {
    const st = fs.statSync(file);
    return { ino: st.ino, size: st.size };
  } catch {
    return undefined;
  }
}

/**
 * `tracekit tail [file]`: prints traces as the app writes them, until Ctrl-C. When the app
 * rotates the file (a new inode, or a smaller size), the lines written to the old file since the
 * last look are read from its rotated name (`<name>.<n><ext>`, whatever the store is called),
 * then any file rotated after it, before the new file from its start.
 */
const tail: Command = {
  summary: 'tail [file]        print traces as they are written (Ctrl-C to stop)',
  run([fileArg]) {
    const file = path.resolve(fileArg ?? defaultStoreFile());
    const first = statOf(file);
    let ino = first?.ino;
    let offset = first?.size ?? 0;
    let rest = '';
    process.stdout.write(`tracekit: following ${file}\n`);
    const print = (text: string, final: boolean) => {
      const lines = (rest + text).split('\n');
      rest = final ? '' : lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          process.stdout.write(renderTraces(parseStoreLine(line), { color: process.stdout.isTTY }) + '\n');
        } catch {
          // a partial or foreign line: skip it
        }
      }
    };
    fs.watchFile(file, { interval: 250 }, (cur) => {
      if (cur.ino === 0 && cur.size === 0) return; // not there (yet)
      if (ino !== undefined && (cur.ino !== ino || cur.size < offset)) {
        // Rotated, perhaps more than once since the last look: the old file is now `<name>.k<ext>`.
        // Its unread rest comes first, then the younger rotated files whole, oldest first.
        let k = 0;
        for (let n = 1; n <= MAX_GENERATIONS; n++) {
          const st = statOf(rotatedName(file, n));
          if (!st) break;
          if (st.ino === ino) {
            k = n;
            break;
          }
        }
        if (k === 0) rest = '';
        for (let n = k; n >= 1; n--) {
          const rotated = rotatedName(file, n);
          print(readRange(rotated, n === k ? offset : 0, statOf(rotated)?.size ?? 0), true);
        }
        offset = 0;
      }
      ino = cur.ino;
      if (cur.size === offset) return;
      print(readRange(file, offset, cur.size), false);
      offset = cur.size;
    });
    return new Promise<number>(() => undefined);
  },
};

export default tail;
