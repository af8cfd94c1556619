import { framesAttribute } from '../errors/frames-attribute.js';
import { defaultOwnFileTest } from '../errors/own-frames.js';
import { resolveFrames, type PipelineSettings } from '../errors/resolve-frames.js';
import type { SourceCache } from '../errors/source-cache.js';
import { nodeAppliesSourceMaps, type SourceMapCache } from '../errors/source-maps.js';

/** Rounds of loading: generated files, then their maps. */
const MAX_ROUNDS = 3;

/** Frames texts of stacks seen before: a breakpoint is usually reached by the same few paths. */
const texts = new Map<string, string>();
const MAX_TEXTS = 256;

/** What the stack of a capture depends on. */
export interface StackSettings {
  appRoot: string;
  maxFrames: number;
}

/**
 * A capture's stack in the frame format of errors (`tracekit.error.frames`, docs/errors.md):
 * parsed, TraceKit's frames dropped, in-app marked and mapped through source maps. Without source
 * context (a snapshot shows variables, not code). Returns at once when the caches hold what is
 * needed, else after reading the missing files asynchronously.
 */
export function snapshotFrames(stack: string, settings: StackSettings, caches: { sources: SourceCache; maps: SourceMapCache }): string | Promise<string> {
  const known = texts.get(stack);
  if (known !== undefined) return known;
  const pipeline: PipelineSettings = {
    appRoot: settings.appRoot,
    contextLines: 0,
    maxFrames: settings.maxFrames,
    isOwn: defaultOwnFileTest(),
    applyMaps: !nodeAppliesSourceMaps(),
  };
  let resolved = resolveFrames(stack, pipeline, caches.sources, caches.maps);
  if (resolved.missing.length === 0) return remember(stack, framesAttribute(resolved.frames));
  return (async () => {
    for (let round = 0; round < MAX_ROUNDS && resolved.missing.length > 0; round++) {
      await Promise.all(resolved.missing.map((m) => (m.kind === 'source' ? caches.sources.load(m.file) : caches.maps.load(m.file, m.mapUrl))));
      resolved = resolveFrames(stack, pipeline, caches.sources, caches.maps);
    }
    return framesAttribute(resolved.frames);
  })();
}

/** Keeps a complete result (every file it needed was read) for the next capture with the same stack. */
function remember(stack: string, text: string): string {
  if (texts.size >= MAX_TEXTS) texts.delete(texts.keys().next().value as string);
  texts.set(stack, text);
  return text;
}
