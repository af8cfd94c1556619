import fs from 'node:fs';
import path from 'node:path';
import { parseStoreLine } from '../read-store.js';
import { renderTraces } from '../tree.js';
import { defaultStoreFile, type Command } from './command.js';

/** `tracekit tail [file]`: prints traces as the app writes them, until Ctrl-C. */
const tail: Command = {
  summary: 'tail [file]        print traces as they are written (Ctrl-C to stop)',
  run([fileArg]) {
    const file = path.resolve(fileArg ?? defaultStoreFile());
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
    return new Promise<number>(() => undefined);
  },
};

export default tail;
