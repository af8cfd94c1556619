import fs from 'node:fs';
import path from 'node:path';

/** Lines around a source line, as the errors view shows them. */
export interface SourceSnippet {
  file: string;
  line: number;
  /** The first line's number. */
  start: number;
  lines: string[];
}

/** Why a source file was not read; `status` is the HTTP answer. */
export class SourceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_FILE = 4 * 1024 * 1024;

/**
 * Lines `line - context` .. `line + context` of a project file. The path must be relative and
 * stay below `root` both as written (no `..` segment, no absolute path, no NUL) and once
 * symbolic links are resolved (a link pointing outside the project is refused); files under
 * `node_modules` or a dot-folder are refused too, as are files over 4 MiB.
 */
export async function readSourceSnippet(root: string, file: string, line: number, context = 7): Promise<SourceSnippet> {
  if (typeof file !== 'string' || file === '' || file.includes('\0')) throw new SourceError(400, 'file is required');
  const normalized = file.replace(/\\/g, '/');
  if (path.isAbsolute(file) || path.posix.isAbsolute(normalized) || /^[a-z]:/i.test(normalized)) throw new SourceError(403, 'only paths relative to the project root');
  const segments = normalized.split('/');
  if (segments.some((s) => s === '..')) throw new SourceError(403, 'path leaves the project root');
  if (segments.some((s) => s === 'node_modules' || (s.startsWith('.') && s !== '.'))) throw new SourceError(403, 'not a project source file');
  const realRoot = await fs.promises.realpath(root);
  const real = await fs.promises.realpath(path.join(realRoot, normalized)).catch(() => undefined);
  if (!real) throw new SourceError(404, 'no such file');
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new SourceError(403, 'path leaves the project root');
  const st = await fs.promises.stat(real);
  if (!st.isFile()) throw new SourceError(404, 'not a file');
  if (st.size > MAX_FILE) throw new SourceError(413, 'file too large');
  const all = (await fs.promises.readFile(real, 'utf8')).split(/\r?\n/);
  const at = Math.max(1, Math.min(all.length, Math.floor(line) || 1));
  const start = Math.max(1, at - context);
  return { file: normalized, line: at, start, lines: all.slice(start - 1, Math.min(all.length, at + context)).map((l) => (l.length > 500 ? l.slice(0, 500) + '…' : l)) };
}
