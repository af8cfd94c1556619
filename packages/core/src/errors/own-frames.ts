import path from 'node:path';
import { parseStack } from './parse-stack.js';
import type { StackFrame } from './stack-frame.js';

/** The adapter packages that live beside `@tracekit/core` (in `node_modules/@tracekit/` or the monorepo's `packages/`). */
const SIBLINGS = ['express', 'fastify', 'koa', 'hono', 'nestjs', 'cli'];

/** Decides whether a file belongs to TraceKit itself. */
export type OwnFileTest = (file: string) => boolean;

/**
 * Builds the test for TraceKit's own files from the directory of the running core module
 * (`.../core/dist` or `.../core/src`): anything under core's package, and the built or source
 * files of the adapter packages beside it. Their tests and examples are not TraceKit's frames.
 */
export function ownFileTest(moduleDir: string): OwnFileTest {
  const sep = moduleDir.includes('\\') && !moduleDir.includes('/') ? '\\' : '/';
  const norm = (p: string) => (sep === '\\' ? p.replace(/\//g, '\\') : p);
  // `src/errors` (source) or `dist` (bundled): the package root is above the first `src`/`dist`.
  const parts = moduleDir.split(sep);
  const at = Math.max(parts.lastIndexOf('src'), parts.lastIndexOf('dist'));
  const coreRoot = at > 0 ? parts.slice(0, at).join(sep) : moduleDir;
  const packagesDir = coreRoot.slice(0, coreRoot.lastIndexOf(sep));
  const prefixes = [`${coreRoot}${sep}src${sep}`, `${coreRoot}${sep}dist${sep}`];
  for (const name of SIBLINGS) prefixes.push(norm(`${packagesDir}/${name}/src/`), norm(`${packagesDir}/${name}/dist/`));
  return (file) => {
    for (const prefix of prefixes) if (file.startsWith(prefix)) return true;
    return false;
  };
}

/** Drops TraceKit's own frames (its error handler, its wrappers) so they never show up as the culprit. */
export function dropOwnFrames(frames: readonly StackFrame[], isOwn: OwnFileTest): StackFrame[] {
  return frames.filter((frame) => !isOwn(frame.file));
}

/**
 * The directory of the module that calls this, as V8 reports it, found from a stack trace so it
 * works in ESM, CommonJS, bundles and under test runners alike.
 */
export function callerModuleDir(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  // The app may have set the limit to 0; one frame is all this needs.
  Error.stackTraceLimit = 10;
  try {
    Error.captureStackTrace(holder, callerModuleDir);
  } finally {
    Error.stackTraceLimit = limit;
  }
  // The first frame left is the caller's (here: this module's own defaultOwnFileTest).
  const frame = parseStack(holder.stack ?? '').find((f) => f.line !== undefined && f.file !== '<anonymous>');
  return frame ? path.dirname(frame.file) : undefined;
}

let defaultTest: OwnFileTest | undefined;

/** The own-file test for the running copy of `@tracekit/core`, computed once. */
export function defaultOwnFileTest(): OwnFileTest {
  if (!defaultTest) {
    const dir = callerModuleDir();
    defaultTest = dir ? ownFileTest(dir) : () => false;
  }
  return defaultTest;
}
