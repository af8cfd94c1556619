import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/** A built asset, held in memory (the whole UI is a few files of tens of kilobytes). */
export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

function moduleDir(): string {
  // The CommonJS build has __dirname; the ES module build has import.meta.url.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

/**
 * The folder of the built front end: `dist/ui` beside the bundled server, or, when running from
 * the sources (tests), the package's `dist/ui`. The package build writes it (scripts/build-ui.mjs).
 */
export function defaultAssetsDir(): string {
  const here = moduleDir();
  const candidates = [path.join(here, 'ui'), path.resolve(here, '../../../dist/ui'), path.resolve(here, '../dist/ui')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

/** Loads every file of the assets folder (one level) into memory. */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const body = fs.readFileSync(file);
    assets.set(`/${name}`, { type: TYPES[path.extname(name)] ?? 'application/octet-stream', body, etag: `"${body.length.toString(36)}-${fs.statSync(file).mtimeMs.toString(36)}"` });
  }
  return assets;
}
