import { capFrames } from './cap-frames.js';
import type { CapturedError } from './captured-error.js';
import { markInApp } from './in-app.js';
import type { OwnFileTest } from './own-frames.js';
import { dropOwnFrames } from './own-frames.js';
import { parseStack } from './parse-stack.js';
import type { SourceCache } from './source-cache.js';
import { addSourceContext } from './source-context.js';
import { embeddedSource, mapFrames, type SourceMapCache } from './source-maps.js';
import type { StackFrame } from './stack-frame.js';

/** How the pipeline runs. */
export interface PipelineSettings {
  /** In-app frames are under this directory. */
  appRoot: string;
  /** Lines of context before and after each in-app frame's line; 0 shows none and reads only compiled `.js` files, for their source maps. */
  contextLines: number;
  /** Frames kept per error. */
  maxFrames: number;
  /** TraceKit's own files, dropped from every stack. */
  isOwn: OwnFileTest;
  /** Map frames through source maps (false when Node already does). */
  applyMaps: boolean;
}

/** Files that may carry a `sourceMappingURL`. */
const COMPILED = /\.[cm]?js$/;

/** A file the pipeline needs before it can finish: a source file, or a generated file's map. */
export type Missing = { kind: 'source'; file: string } | { kind: 'map'; file: string; mapUrl: string };

/**
 * Runs the frame pipeline over a stack from what the caches hold, and reports what they lack:
 * parse, drop TraceKit's frames, cap, mark in-app, map through source maps, mark again (a map
 * can lead out of the app), add source context. The caller loads what is missing (off the
 * request path) and runs it again; a last run with things still missing simply leaves those
 * frames unmapped or without context.
 */
export function resolveFrames(stack: string | undefined, settings: PipelineSettings, sources: SourceCache, maps: SourceMapCache): { frames: StackFrame[]; missing: Missing[] } {
  const missing: Missing[] = [];
  if (stack === undefined) return { frames: [], missing };
  let frames = markInApp(capFrames(dropOwnFrames(parseStack(stack), settings.isOwn), settings.maxFrames), settings.appRoot);
  if (settings.contextLines < 1 && !settings.applyMaps) return { frames, missing };

  const needSource = (file: string) => {
    if (sources.get(file) === undefined && !missing.some((m) => m.kind === 'source' && m.file === file)) missing.push({ kind: 'source', file });
  };
  // Without context, only compiled JavaScript is read, for its sourceMappingURL comment.
  const wanted = settings.contextLines > 0 ? () => true : (file: string) => COMPILED.test(file);
  for (const frame of frames) if (frame.origin === 'app' && frame.line !== undefined && wanted(frame.file)) needSource(frame.file);

  if (settings.applyMaps) {
    frames = mapFrames(frames, (file) => {
      const source = sources.get(file);
      if (!source || source.mapUrl === undefined) return null;
      const map = maps.get(file);
      if (map === undefined) missing.push({ kind: 'map', file, mapUrl: source.mapUrl });
      return map;
    });
    frames = markInApp(frames, settings.appRoot);
    for (const frame of frames) {
      if (!frame.generated || frame.origin !== 'app' || sources.get(frame.file) !== undefined) continue;
      const map = maps.get(frame.generated.file);
      const text = map ? embeddedSource(map, frame.file) : undefined;
      if (text !== undefined) sources.put(frame.file, text);
      else if (settings.contextLines > 0) needSource(frame.file);
    }
  }
  return { frames: addSourceContext(frames, sources, settings.contextLines), missing };
}

/** All frames of one capture: the error's own, each related error's, and what the caches lack for them. */
export interface ResolvedCapture {
  main: StackFrame[];
  related: StackFrame[][];
  missing: Missing[];
}

/** {@link resolveFrames} over an error and its related errors (causes, `AggregateError` members). */
export function resolveCapture(capture: CapturedError, settings: PipelineSettings, sources: SourceCache, maps: SourceMapCache): ResolvedCapture {
  const main = resolveFrames(capture.stack, settings, sources, maps);
  const missing = [...main.missing];
  const related = capture.related.map((r) => {
    const result = resolveFrames(r.stack, settings, sources, maps);
    missing.push(...result.missing);
    return result.frames;
  });
  return { main: main.frames, related, missing };
}
