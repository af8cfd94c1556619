import fs from 'node:fs';
import path from 'node:path';
import { FlattenMap, LEAST_UPPER_BOUND, originalPositionFor, sourceContentFor, type TraceMap } from '@jridgewell/trace-mapping';
import { urlToPath } from './parse-stack.js';
import { withFrame, type StackFrame } from './stack-frame.js';

/**
 * True when Node itself rewrites stack traces through source maps (`--enable-source-maps`,
 * `NODE_OPTIONS`, or `process.setSourceMapsEnabled(true)`): the frames are then already in the
 * original sources and mapping them again would be wrong.
 */
export function nodeAppliesSourceMaps(): boolean {
  const flag = (process as { sourceMapsEnabled?: unknown }).sourceMapsEnabled;
  if (typeof flag === 'boolean') return flag;
  return process.execArgv.includes('--enable-source-maps') || /(?:^|\s)--enable-source-maps(?:\s|$)/.test(process.env.NODE_OPTIONS ?? '');
}

/** Reads the JSON of a `data:` URL (`data:application/json;base64,...` or URL-encoded). */
function dataUrlJson(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
}

/** Where an external map lives: relative to the generated file, or a `file://` URL. `http(s)` maps are never fetched. */
export function mapFilePath(generatedFile: string, mapUrl: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(mapUrl) && !mapUrl.startsWith('file:')) return undefined;
  const target = mapUrl.startsWith('file:') ? urlToPath(mapUrl) : decodeURIComponent(mapUrl);
  return path.resolve(path.dirname(generatedFile), target);
}

/** A parsed map, or `null` when the map is missing or invalid. */
function parseMap(json: string | undefined, mapFile: string): TraceMap | null {
  if (json === undefined) return null;
  try {
    return FlattenMap(json, mapFile);
  } catch {
    return null;
  }
}

/**
 * Parsed source maps of generated files, read at most once per file, asynchronously (or, only
 * while the process exits, synchronously), in a bounded least-recently-used cache.
 */
export class SourceMapCache {
  private readonly maps = new Map<string, TraceMap | null>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(private readonly maxMaps = 50) {}

  /** The map of a generated file if loaded, `null` when it has none, `undefined` if not loaded yet. */
  get(generatedFile: string): TraceMap | null | undefined {
    const map = this.maps.get(generatedFile);
    if (map === undefined) return undefined;
    this.maps.delete(generatedFile);
    this.maps.set(generatedFile, map);
    return map;
  }

  load(generatedFile: string, mapUrl: string): Promise<void> {
    if (this.maps.has(generatedFile)) return Promise.resolve();
    let pending = this.loading.get(generatedFile);
    if (!pending) {
      pending = this.readAsync(generatedFile, mapUrl)
        .then((map) => this.store(generatedFile, map), () => this.store(generatedFile, null))
        .finally(() => this.loading.delete(generatedFile));
      this.loading.set(generatedFile, pending);
    }
    return pending;
  }

  loadSync(generatedFile: string, mapUrl: string): void {
    if (this.maps.has(generatedFile)) return;
    try {
      if (mapUrl.startsWith('data:')) return this.store(generatedFile, parseMap(dataUrlJson(mapUrl), generatedFile));
      const file = mapFilePath(generatedFile, mapUrl);
      this.store(generatedFile, file ? parseMap(fs.readFileSync(file, 'utf8'), file) : null);
    } catch {
      this.store(generatedFile, null);
    }
  }

  private async readAsync(generatedFile: string, mapUrl: string): Promise<TraceMap | null> {
    if (mapUrl.startsWith('data:')) return parseMap(dataUrlJson(mapUrl), generatedFile);
    const file = mapFilePath(generatedFile, mapUrl);
    return file ? parseMap(await fs.promises.readFile(file, 'utf8'), file) : null;
  }

  private store(generatedFile: string, map: TraceMap | null): void {
    this.maps.set(generatedFile, map);
    for (const key of this.maps.keys()) {
      if (this.maps.size <= this.maxMaps) break;
      if (key !== generatedFile) this.maps.delete(key);
    }
  }
}

/** Looks up a generated file's map in the cache (never reading). */
export type MapLookup = (generatedFile: string) => TraceMap | null | undefined;

/** The original position of one frame, or the frame unchanged when the map has no mapping for it. */
export function mapFrame(frame: StackFrame, map: TraceMap): StackFrame {
  if (frame.line === undefined) return frame;
  const needle = { line: frame.line, column: Math.max(0, (frame.column ?? 1) - 1) };
  let pos = originalPositionFor(map, needle);
  // A column past the last mapping of its line still belongs to the code before it; one before the first, to the code after it.
  if (pos.source === null) pos = originalPositionFor(map, { ...needle, bias: LEAST_UPPER_BOUND });
  if (pos.source === null || pos.line === null) return frame;
  return withFrame(frame, {
    file: urlToPath(pos.source),
    line: pos.line,
    column: (pos.column ?? 0) + 1,
    generated: { file: frame.file, line: frame.line, column: frame.column ?? 1 },
  });
}

/**
 * Maps in-app frames of compiled JavaScript back to their original sources (TypeScript, say)
 * through the source maps in the cache. Frames already mapped, without a map, or of files
 * Node mapped itself are returned as they are.
 */
export function mapFrames(frames: readonly StackFrame[], lookup: MapLookup): StackFrame[] {
  return frames.map((frame) => {
    if (frame.origin !== 'app' || frame.generated || frame.line === undefined) return frame;
    const map = lookup(frame.file);
    return map ? mapFrame(frame, map) : frame;
  });
}

/** The original source's text embedded in the map (`sourcesContent`), if any. */
export function embeddedSource(map: TraceMap, originalFile: string): string | undefined {
  for (const candidate of map.resolvedSources) {
    if (urlToPath(candidate) === originalFile) return sourceContentFor(map, candidate) ?? undefined;
  }
  return undefined;
}
