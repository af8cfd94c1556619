import fs from 'node:fs';
import path from 'node:path';
import remapping from '@jridgewell/remapping';
import { decodedMappings, LEAST_UPPER_BOUND, originalPositionFor, TraceMap, type SourceMapInput } from '@jridgewell/trace-mapping';

/** A source map the file already carries (a compiler's, or tsx's inline one), and where its comment is. */
export interface InputMap {
  map: SourceMapInput & { sources: Array<string | null>; sourceRoot?: string };
  /** The `//# sourceMappingURL=` comment's range, to be replaced by the instrumented file's own. */
  commentStart: number;
  commentEnd: number;
}

const COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)[ \t]*(?:\r?\n)?$/;

/**
 * Reads the map named by the file's last `sourceMappingURL` comment: an inline `data:` URL or a
 * file beside it. Any failure means "no map": the instrumented file then maps to itself.
 */
export function readInputMap(code: string, file: string): InputMap | undefined {
  const tail = code.length > 4096 ? code.slice(-4096 - 1024 * 1024) : code;
  const at = tail.lastIndexOf('sourceMappingURL=');
  if (at < 0) return undefined;
  const lineStart = tail.lastIndexOf('\n', at) + 1;
  const match = COMMENT.exec(tail.slice(lineStart));
  if (!match?.[1]) return undefined;
  const offset = code.length - tail.length;
  const url = match[1];
  try {
    let text: string;
    if (url.startsWith('data:')) {
      const comma = url.indexOf(',');
      const meta = url.slice(5, comma);
      const data = url.slice(comma + 1);
      text = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
    } else {
      text = fs.readFileSync(path.resolve(path.dirname(file), decodeURIComponent(url)), 'utf8');
    }
    const map = JSON.parse(text) as InputMap['map'];
    if (!Array.isArray(map.sources)) return undefined;
    // Sources relative to the map's own location become absolute, so stack traces name real files.
    const base = url.startsWith('data:') ? path.dirname(file) : path.dirname(path.resolve(path.dirname(file), decodeURIComponent(url)));
    const root = map.sourceRoot ? path.resolve(base, map.sourceRoot) : base;
    map.sources = map.sources.map((s) => (s === null ? s : s.startsWith('file://') ? s : path.resolve(root, s)));
    map.sourceRoot = undefined;
    return { map, commentStart: offset + lineStart + match.index, commentEnd: code.length };
  } catch {
    return undefined;
  }
}

/** The instrumented file's map composed with the file's own, so positions lead to the original source. */
export function composeMaps<G extends SourceMapInput>(generated: G, input: InputMap | undefined): G | ReturnType<typeof remapping> {
  // Without a map of its own, the file's original is what the transform read: nothing to compose.
  if (!input) return generated;
  return remapping([generated, input.map], () => null);
}

/** Looks up original positions of the loaded code through its input map (1-based lines, 0-based columns). */
export class OriginalPositions {
  private readonly tracer: TraceMap | undefined;

  constructor(
    private readonly file: string,
    input: InputMap | undefined,
  ) {
    this.tracer = input ? new TraceMap(input.map) : undefined;
  }

  /**
   * Whether any code between two generated positions (1-based lines, 0-based columns, end
   * excluded) maps back to an original source. Code a compiler wrote on its own (esbuild's
   * `__name`, `__defProp`, `__export`, `__publicField` helpers) has no mapping. Without a map
   * of its own, everything in the file is its own source.
   */
  /**
   * Whether the map marks positions inside lines (compilers map each token), rather than only
   * where lines start (webpack's `cheap` maps): only then does a function's own range tell.
   */
  get fineGrained(): boolean {
    if (this.fine === undefined) this.fine = this.tracer !== undefined && decodedMappings(this.tracer).some((segments) => segments.length > 1);
    return this.fine;
  }

  private fine: boolean | undefined;

  mapsRange(startLine: number, startColumn: number, endLine: number, endColumn: number): boolean {
    if (!this.tracer) return true;
    const lines = decodedMappings(this.tracer);
    for (let l = startLine; l <= endLine && l <= lines.length; l++) {
      const segments = lines[l - 1];
      if (!segments) continue;
      // Segments are sorted by column; tsx writes a whole file on one line, so find the first one by halves.
      let i = 0;
      if (l === startLine && startColumn > 0) {
        let hi = segments.length;
        while (i < hi) {
          const mid = (i + hi) >>> 1;
          if (segments[mid]![0] < startColumn) i = mid + 1;
          else hi = mid;
        }
      }
      for (; i < segments.length; i++) {
        const seg = segments[i]!;
        if (l === endLine && seg[0] >= endColumn) break;
        if (seg.length >= 4) return true;
      }
    }
    return false;
  }

  at(line: number, column: number): { file: string; line: number; column: number } {
    if (!this.tracer) return { file: this.file, line, column };
    const pos = originalPositionFor(this.tracer, { line, column });
    if (pos.line === null || pos.source === null) {
      // A column before the first mapping of its line: the nearest mapping to its right.
      const left = originalPositionFor(this.tracer, { line, column, bias: LEAST_UPPER_BOUND });
      if (left.line === null || left.source === null) return { file: this.file, line, column };
      return { file: toPath(left.source), line: left.line, column: left.column ?? 0 };
    }
    return { file: toPath(pos.source), line: pos.line, column: pos.column ?? 0 };
  }
}

function toPath(source: string): string {
  if (source.startsWith('file://')) {
    try {
      return new URL(source).pathname;
    } catch {
      return source;
    }
  }
  return source;
}
