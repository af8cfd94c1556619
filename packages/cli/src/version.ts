import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's version, read from its package.json (found upwards from the running module). */
export function cliVersion(): string {
  let dir = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@tracekit/cli') return pkg.version ?? '0.0.0';
    } catch {
      // not here: look further up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
