import { classifyFile } from './in-app.js';
import { defaultOwnFileTest } from './own-frames.js';
import { parseStack } from './parse-stack.js';

/** A place in the app's code: where a route was registered. */
export interface CodeLocation {
  /** Absolute path of the file (after Node's own source maps, when enabled). */
  filepath: string;
  /** 1-based line. */
  lineno: number;
  /** 1-based column. */
  column?: number;
}

/** Frames looked at: enough to get past a framework's registration helpers. */
const DEPTH = 24;

/**
 * Where the code that called into a framework is: the innermost frame of the current stack that
 * is not TraceKit's, not in `node_modules`, and not Node's own. Adapters call it once per route,
 * when the route is registered (Express `app.get(...)`, a Fastify `onRoute` hook), and put the
 * result on the SERVER span with `scope.setCodeLocation()`. Costs one stack capture (a few
 * microseconds), never a file read. `skip` omits the frames above that function (the adapter's
 * own wrapper). Returns `undefined` when no such frame exists (routes built from metadata, say).
 *
 * @example
 * // inside an adapter's patched route registration
 * route[kSite] ??= registrationSite(tracekitRegister);
 * // per request
 * if (route[kSite]) scope.setCodeLocation(route[kSite]);
 */
export function registrationSite(skip?: (...args: never[]) => unknown): CodeLocation | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = DEPTH;
  try {
    Error.captureStackTrace(holder, skip ?? registrationSite);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const isOwn = defaultOwnFileTest();
  for (const frame of parseStack(holder.stack ?? '')) {
    if (frame.native || frame.line === undefined || frame.file === '<anonymous>' || isOwn(frame.file)) continue;
    const { origin } = classifyFile(frame.file, '\u0000');
    if (origin === 'node' || origin === 'node_modules') continue;
    const site: CodeLocation = { filepath: frame.file, lineno: frame.line };
    if (frame.column !== undefined) site.column = frame.column;
    return site;
  }
  return undefined;
}
