import { createHash } from 'node:crypto';
import { classifyFile, normaliseRoot } from '../errors/in-app.js';
import { defaultOwnFileTest, type OwnFileTest } from '../errors/own-frames.js';
import { parseStack } from '../errors/parse-stack.js';
import { SourceCache } from '../errors/source-cache.js';
import { mapFrame, nodeAppliesSourceMaps, SourceMapCache } from '../errors/source-maps.js';
import type { StackFrame } from '../errors/stack-frame.js';

/** Where a `captureSnapshot` call is: the app's frame that called it. */
export interface CallSite {
  /** Absolute path (after Node's own source maps, when enabled); `file://` URLs already turned into paths. */
  file: string;
  /** Relative to the app root with `/` separators when under it, else absolute. */
  relativeFile: string;
  line: number;
  column: number;
  function: string;
}

/** Frames looked at: enough to get past wrappers between the app and `captureSnapshot`. */
const DEPTH = 16;

/** The raw stack text of the current call, `skip` and the frames above it left out. */
export function stackHere(skip: (...args: never[]) => unknown, depth = DEPTH): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  try {
    Error.captureStackTrace(holder, skip);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder.stack ?? '';
}

/** The site of a frame relative to `appRoot` (Windows paths compared with `/`). */
function siteOf(frame: StackFrame, appRoot: string): CallSite {
  const { relativeFile } = classifyFile(frame.file, normaliseRoot(appRoot));
  return { file: frame.file, relativeFile: relativeFile ?? frame.file.replace(/\\/g, '/'), line: frame.line ?? 0, column: frame.column ?? 1, function: frame.function };
}

/**
 * The first frame of `stack` that is neither TraceKit's, nor Node's, nor a native built-in: the
 * app's code that called `captureSnapshot`. Runs once per breakpoint (the caller caches the
 * result by label), never per capture.
 */
export function callSiteFrom(stack: string, appRoot: string, isOwn: OwnFileTest = defaultOwnFileTest()): CallSite | undefined {
  for (const frame of parseStack(stack)) {
    if (frame.native || frame.line === undefined || frame.file === '<anonymous>' || isOwn(frame.file)) continue;
    if (frame.file.startsWith('node:')) continue;
    return siteOf(frame, appRoot);
  }
  return undefined;
}

/** A breakpoint's ID: stable for the same label at the same generated position across restarts. */
export function breakpointId(label: string, site: CallSite | undefined): string {
  const where = site ? `${site.relativeFile}:${site.line}` : '?';
  return `bp_${createHash('sha1').update(`${label}\n${where}`).digest('hex').slice(0, 12)}`;
}

/** Compiled JavaScript that may carry a source map. */
const COMPILED = /\.[cm]?js$/;

/**
 * Maps call sites of compiled JavaScript to their original TypeScript line through source maps,
 * reading each generated file and its map once, asynchronously, off the request path.
 */
export class SiteMapper {
  private readonly sources = new SourceCache({ maxFiles: 50 });
  private readonly maps = new SourceMapCache(50);

  constructor(private readonly appRoot: string) {}

  /** The original site, or `site` unchanged when there is no map (or Node already maps stacks). */
  async original(site: CallSite): Promise<CallSite> {
    if (nodeAppliesSourceMaps() || !COMPILED.test(site.file)) return site;
    await this.sources.load(site.file);
    const source = this.sources.get(site.file);
    if (!source || source.mapUrl === undefined) return site;
    await this.maps.load(site.file, source.mapUrl);
    const map = this.maps.get(site.file);
    if (!map) return site;
    const frame = mapFrame({ function: site.function, file: site.file, line: site.line, column: site.column }, map);
    return frame.generated ? siteOf(frame, this.appRoot) : site;
  }

  /** The loaded map of a generated file (for stacks of captures), loading it when needed. */
  get caches(): { sources: SourceCache; maps: SourceMapCache } {
    return { sources: this.sources, maps: this.maps };
  }
}
