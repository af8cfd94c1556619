import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VERSION } from '../version.js';

/** Bumped whenever the transform's output changes, so old cache entries are never used. */
export const TRANSFORM_VERSION = 4;

/**
 * The on-disk cache of instrumented files: `node_modules/.cache/tracekit/` under the app root
 * (the convention Babel, ESLint and others follow), else the system temp directory;
 * `TRACEKIT_TRACE_CACHE_DIR` overrides it and `TRACEKIT_TRACE_CACHE=false` turns it off. An
 * entry's name is a hash of TraceKit's version, the transform's version, the file's path, its
 * format, the selection settings and its content, so a changed file or setting never hits a
 * stale entry. Errors mean "no cache"; nothing here throws.
 */
export class TransformCache {
  readonly dir: string | undefined;

  constructor(root: string, env: Record<string, string | undefined> = process.env) {
    if (/^(0|false|no|off)$/i.test(env.TRACEKIT_TRACE_CACHE ?? '')) {
      this.dir = undefined;
      return;
    }
    const modules = path.join(root, 'node_modules');
    this.dir = env.TRACEKIT_TRACE_CACHE_DIR
      ? path.resolve(root, env.TRACEKIT_TRACE_CACHE_DIR)
      : fs.existsSync(modules)
        ? path.join(modules, '.cache', 'tracekit')
        : path.join(process.env.TMPDIR ?? '/tmp', 'tracekit-cache');
  }

  key(file: string, format: string, settings: string, code: string): string {
    return createHash('sha256').update(`${VERSION}\0${TRANSFORM_VERSION}\0${file}\0${format}\0${settings}\0`).update(code).digest('hex').slice(0, 40);
  }

  get(key: string): string | undefined {
    if (!this.dir) return undefined;
    try {
      return fs.readFileSync(path.join(this.dir, `${key}.js`), 'utf8');
    } catch {
      return undefined;
    }
  }

  set(key: string, code: string): void {
    if (!this.dir) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // Written aside and renamed, so a concurrent reader never sees half a file.
      const tmp = path.join(this.dir, `${key}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, path.join(this.dir, `${key}.js`));
    } catch {
      // a read-only disk only costs the next start the transform
    }
  }
}
