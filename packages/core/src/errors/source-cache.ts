import fs from 'node:fs';

/** A source file as the error pipeline keeps it. */
export interface SourceFile {
  /** The file's lines; empty when the file is minified or too large to show context from. */
  lines: readonly string[];
  /** The `sourceMappingURL` comment's value (a path relative to the file, or a `data:` URL), if any. */
  mapUrl?: string;
}

/** Bounds of a {@link SourceCache}. */
export interface SourceCacheOptions {
  /** Files kept. Default 100. */
  maxFiles?: number;
  /** Characters kept over all files. Default 8 Mi. */
  maxChars?: number;
  /** Larger files are not read whole: only their tail, for a `sourceMappingURL`. Default 2 MiB. */
  maxFileBytes?: number;
}

/** The tail of a large file that is searched for a `sourceMappingURL` comment. */
const TAIL_BYTES = 4096;
const MAP_URL = /[#@]\s*sourceMappingURL=([^\s'"]+)\s*(?:\*\/)?\s*$/;

/** The `sourceMappingURL` of a generated file: the last such comment, which must end the file (trailing blank lines aside). */
export function findMapUrl(text: string): string | undefined {
  const at = text.lastIndexOf('sourceMappingURL=');
  if (at < 0) return undefined;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const m = MAP_URL.exec(text.slice(lineStart));
  return m ? m[1] : undefined;
}

/**
 * Minified code has no useful context: `.min.js` files, and files whose lines average more than
 * 300 characters (bundlers' output). A single long line in a normal file is clipped instead.
 */
export function looksMinified(file: string, text: string, lineCount: number): boolean {
  if (/\.min\.[cm]?js$/.test(file)) return true;
  return text.length > 5000 && text.length / Math.max(1, lineCount) > 300;
}

/** Builds the cached form of a file's text. */
export function toSourceFile(file: string, text: string): SourceFile {
  const mapUrl = findMapUrl(text);
  const lines = text.split(/\r?\n/);
  const source: SourceFile = { lines: looksMinified(file, text, lines.length) ? [] : lines };
  if (mapUrl !== undefined) source.mapUrl = mapUrl;
  return source;
}

type Entry = { file: SourceFile | null; chars: number };

/**
 * Source files read at most once each, asynchronously, and kept in a bounded least-recently-used
 * cache. A read never happens on the request path: `load` is awaited off it (before a span is
 * exported) and `loadSync` runs only when the process is exiting. Unreadable files are cached as
 * `null` so they are not retried on every error.
 */
export class SourceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<void>>();
  private chars = 0;
  private readonly maxFiles: number;
  private readonly maxChars: number;
  private readonly maxFileBytes: number;

  constructor(options: SourceCacheOptions = {}) {
    this.maxFiles = options.maxFiles ?? 100;
    this.maxChars = options.maxChars ?? 8 * 1024 * 1024;
    this.maxFileBytes = options.maxFileBytes ?? 2 * 1024 * 1024;
  }

  /** The file if loaded, `null` if it could not be read, `undefined` if not loaded yet. */
  get(file: string): SourceFile | null | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    // Map order is the recency order: move the entry to the end.
    this.entries.delete(file);
    this.entries.set(file, entry);
    return entry.file;
  }

  /** Stores a file's text obtained elsewhere (a source map's `sourcesContent`). */
  put(file: string, text: string): void {
    this.store(file, toSourceFile(file, text), text.length);
  }

  /** Reads a file asynchronously, once; concurrent calls share the read. Never rejects. */
  load(file: string): Promise<void> {
    if (this.entries.has(file)) return Promise.resolve();
    let pending = this.loading.get(file);
    if (!pending) {
      pending = this.readAsync(file).then(
        (r) => this.store(file, r.file, r.chars),
        () => this.store(file, null, 0),
      );
      pending = pending.finally(() => this.loading.delete(file));
      this.loading.set(file, pending);
    }
    return pending;
  }

  /** Reads a file synchronously: only for the process's last moments (an uncaught exception, `exit`). */
  loadSync(file: string): void {
    if (this.entries.has(file)) return;
    try {
      const size = fs.statSync(file).size;
      if (size > this.maxFileBytes) {
        const fd = fs.openSync(file, 'r');
        try {
          const buf = Buffer.alloc(TAIL_BYTES);
          const n = fs.readSync(fd, buf, 0, TAIL_BYTES, Math.max(0, size - TAIL_BYTES));
          this.store(file, this.tailOnly(buf.toString('utf8', 0, n)), 0);
        } finally {
          fs.closeSync(fd);
        }
        return;
      }
      const text = fs.readFileSync(file, 'utf8');
      this.store(file, toSourceFile(file, text), text.length);
    } catch {
      this.store(file, null, 0);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private tailOnly(tail: string): SourceFile {
    const mapUrl = findMapUrl(tail);
    return mapUrl !== undefined && !mapUrl.startsWith('data:') ? { lines: [], mapUrl } : { lines: [] };
  }

  private async readAsync(file: string): Promise<{ file: SourceFile; chars: number }> {
    const handle = await fs.promises.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > this.maxFileBytes) {
        const buf = Buffer.alloc(TAIL_BYTES);
        const { bytesRead } = await handle.read(buf, 0, TAIL_BYTES, Math.max(0, size - TAIL_BYTES));
        return { file: this.tailOnly(buf.toString('utf8', 0, bytesRead)), chars: 0 };
      }
      const text = await handle.readFile('utf8');
      return { file: toSourceFile(file, text), chars: text.length };
    } finally {
      await handle.close();
    }
  }

  private store(path: string, file: SourceFile | null, chars: number): void {
    const old = this.entries.get(path);
    if (old) {
      this.chars -= old.chars;
      this.entries.delete(path);
    }
    // Minified files keep no lines, so they cost nothing against the bound.
    const kept = file && file.lines.length === 0 ? 0 : chars;
    this.entries.set(path, { file, chars: kept });
    this.chars += kept;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxFiles && this.chars <= this.maxChars) break;
      if (key === path) continue;
      this.entries.delete(key);
      this.chars -= entry.chars;
    }
  }
}
