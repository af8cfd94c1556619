import fs from 'node:fs';

/** Largest file a resource detector reads (mountinfo of a busy host is a few KiB). */
const MAX_BYTES = 64 * 1024;

/**
 * Reads a small text file synchronously, at most 64 KiB; `undefined` when the file does not
 * exist or cannot be read. Never throws. Used only at `init()`: the files are in `/proc`,
 * the Kubernetes service-account mount or the app's own directory, so a read takes microseconds.
 */
export function readSmallFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.allocUnsafe(MAX_BYTES);
    let total = 0;
    while (total < MAX_BYTES) {
      const n = fs.readSync(fd, buf, total, MAX_BYTES - total, null);
      if (n === 0) break;
      total += n;
    }
    return buf.toString('utf8', 0, total);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing to do
      }
    }
  }
}
