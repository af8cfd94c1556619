import fs from 'node:fs';
import path from 'node:path';
import { allGeneratedPositionsFor, FlattenMap, LEAST_UPPER_BOUND, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import { urlToPath } from '../errors/parse-stack.js';
import { mapFilePath } from '../errors/source-maps.js';

/** A script the debugger reported (`Debugger.scriptParsed`). */
export interface ParsedScript {
  url: string;
  sourceMapURL?: string;
}

/** Where to set the V8 breakpoint for a probe, or why it cannot be set (yet). */
export type ProbeTarget =
  | { kind: 'set'; url: string; line: number; column?: number }
  | { kind: 'pending'; urlRegex: string; line: number }
  /** A TypeScript (or other mapped) file whose compiled module has not loaded yet: tried again as scripts load. */
  | { kind: 'wait'; reason: string }
  | { kind: 'error'; reason: string };

const JS = /\.[cm]?js$/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A path as V8 names the script: the path (CommonJS) or a `file://` URL (ES modules). */
function urlPattern(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  return `^(?:file://)?${escape(slashed.startsWith('/') ? slashed : `/${slashed}`).replace(/^\\\//, '/?')}$`;
}

/**
 * Source maps of loaded scripts, read at most once each (in the probe worker, never on the
 * app's thread), and the resolution of a probe's `file:line` to the generated script position.
 */
export class ProbeLocator {
  private readonly maps = new Map<string, TraceMap | null>();

  private mapOf(script: ParsedScript): TraceMap | null {
    let map = this.maps.get(script.url);
    if (map !== undefined) return map;
    map = null;
    try {
      const generated = urlToPath(script.url);
      const src = script.sourceMapURL!;
      if (src.startsWith('data:')) {
        const comma = src.indexOf(',');
        const payload = src.slice(comma + 1);
        map = FlattenMap(src.slice(0, comma).endsWith(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload), generated);
      } else {
        const file = mapFilePath(generated, src);
        if (file && fs.statSync(file).size < 16 * 1024 * 1024) map = FlattenMap(fs.readFileSync(file, 'utf8'), file);
      }
    } catch {
      map = null;
    }
    this.maps.set(script.url, map);
    return map;
  }

  /**
   * Resolves `file:line` (an absolute path). JavaScript files are set by URL (pending until the
   * script loads; an error if the file does not exist). Other files (TypeScript) are looked up
   * in the source maps of the loaded scripts; the first generated position of that line wins.
   */
  resolve(file: string, line: number, scripts: Iterable<ParsedScript>): ProbeTarget {
    if (!fs.existsSync(file)) return { kind: 'error', reason: `${file} does not exist` };
    const lines = lineCount(file);
    if (lines !== undefined && line > lines) return { kind: 'error', reason: `${path.basename(file)} has ${lines} lines; line ${line} does not exist` };
    if (JS.test(file)) {
      for (const s of scripts) if (urlToPath(s.url) === file) return { kind: 'set', url: s.url, line };
      return { kind: 'pending', urlRegex: urlPattern(file), line };
    }
    let sawSource = false;
    for (const s of scripts) {
      if (!s.sourceMapURL || s.url.startsWith('node:')) continue;
      const map = this.mapOf(s);
      if (!map) continue;
      const source = map.resolvedSources.find((r) => urlToPath(r) === file || path.resolve(urlToPath(r)) === file);
      if (source === undefined) continue;
      sawSource = true;
      // The first mapping at or after the line's start, kept only if it maps back to that line.
      const positions = allGeneratedPositionsFor(map, { source, line, column: 0, bias: LEAST_UPPER_BOUND });
      const first = positions
        .filter((p) => p.line !== null && originalPositionFor(map, { line: p.line, column: p.column }).line === line)
        .sort((a, b) => a.line - b.line || a.column - b.column)[0];
      if (first) return { kind: 'set', url: s.url, line: first.line, column: first.column };
    }
    if (sawSource) return { kind: 'error', reason: `line ${line} of ${path.basename(file)} has no code in the compiled JavaScript (source map)` };
    return { kind: 'wait', reason: `waiting for a loaded script with a source map for ${path.basename(file)} (compile with source maps)` };
  }
}

function lineCount(file: string): number | undefined {
  try {
    if (fs.statSync(file).size > 8 * 1024 * 1024) return undefined;
    return fs.readFileSync(file, 'utf8').split('\n').length;
  } catch {
    return undefined;
  }
}
