import Module from 'node:module';
import { debug } from '../diag.js';
import { pinoMixin, tracekitLogMethod, type LogMethodHook, type PinoMixin } from './pino.js';

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
interface ModuleInternals {
  _load: Load;
  _resolveFilename(request: string, parent: unknown): string;
  _cache: Record<string, { exports: unknown } | undefined>;
}

const WRAPPED = Symbol.for('tracekit.pinoWrapped');
const wrappers = new WeakMap<object, unknown>();
/** Whether the wrappers add the mixin: only while a client that asked for it runs. */
let enabled = false;

function isPinoMain(request: string): boolean {
  return request === 'pino' || /[\\/]node_modules[\\/]pino[\\/]pino\.js$/.test(request);
}

interface PinoOptions {
  mixin?: PinoMixin;
  hooks?: { logMethod?: LogMethodHook } & Record<string, unknown>;
}

/** A copy of a logger's options with TraceKit's mixin and export hook around the app's own. */
function withTracekit(options: PinoOptions): PinoOptions {
  const hooks = options.hooks && typeof options.hooks === 'object' ? options.hooks : {};
  return {
    ...options,
    mixin: pinoMixin(typeof options.mixin === 'function' ? options.mixin : undefined),
    hooks: { ...hooks, logMethod: tracekitLogMethod(typeof hooks.logMethod === 'function' ? hooks.logMethod : undefined) },
  };
}

/** pino's factory with TraceKit's mixin (and export hook) added to the options of every logger it creates. */
function wrapPino(pino: (...args: unknown[]) => unknown): unknown {
  const known = wrappers.get(pino);
  if (known) return known;
  const wrapper = function tracekitPino(this: unknown, ...args: unknown[]) {
    if (!enabled) return pino.apply(this, args);
    try {
      const first = args[0];
      // pino(), pino(options), pino(options, stream), pino(stream): a stream has `write`.
      if (first === undefined || first === null) args[0] = withTracekit({});
      else if (typeof first === 'object' && typeof (first as { write?: unknown }).write !== 'function') args[0] = withTracekit(first as PinoOptions);
      else if (typeof first === 'object') args.unshift(withTracekit({}));
    } catch {
      // leave the arguments as they were
    }
    return pino.apply(this, args);
  };
  for (const key of Reflect.ownKeys(pino)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    try {
      Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(pino, key)!);
    } catch {
      // a non-configurable property stays on the original only
    }
  }
  // pino exports itself as `default` and `pino` as well.
  for (const key of ['default', 'pino']) {
    if ((pino as unknown as Record<string, unknown>)[key] === pino) (wrapper as unknown as Record<string, unknown>)[key] = wrapper;
  }
  (wrapper as unknown as Record<symbol, unknown>)[WRAPPED] = true;
  wrappers.set(pino, wrapper);
  return wrapper;
}

/**
 * Adds TraceKit's pino mixin to loggers created with a pino loaded after `init()`, by wrapping
 * pino's factory when Node's CommonJS loader loads it (`Module._load`, the hook that
 * require-in-the-middle and APM agents use). It covers `require('pino')` on every Node line and
 * `import pino from 'pino'` on Node 24 (whose ESM loader loads CommonJS through the same
 * path); on Node 20 and 22 an ESM import keeps the original factory, so add
 * `mixin: tracekit.pinoMixin()` there (docs/logs.md). A logger's own `mixin` is kept (its fields
 * are merged after TraceKit's). Loggers created before `init()` are not changed. Returns the
 * function that removes the hook. Never throws.
 */
export function installPinoAutoMixin(): () => void {
  const M = Module as unknown as ModuleInternals;
  const original = M._load;
  if (typeof original !== 'function') return () => undefined;
  let active = true;
  enabled = true;
  const replaced: Array<{ filename: string; original: unknown; wrapped: unknown }> = [];
  const hooked: Load = function tracekitLoad(this: unknown, request, parent, isMain) {
    const exports = original.call(this, request, parent, isMain);
    if (!active || typeof request !== 'string' || typeof exports !== 'function' || !isPinoMain(request)) return exports;
    if ((exports as unknown as Record<symbol, unknown>)[WRAPPED]) return exports;
    try {
      const wrapped = wrapPino(exports as (...args: unknown[]) => unknown);
      const filename = M._resolveFilename(request, parent);
      const cached = M._cache[filename];
      if (cached && cached.exports === exports) {
        cached.exports = wrapped;
        replaced.push({ filename, original: exports, wrapped });
      }
      return wrapped;
    } catch (err) {
      debug(`logs: could not add the pino mixin automatically: ${String(err)}`);
      return exports;
    }
  };
  M._load = hooked;
  return () => {
    active = false;
    enabled = false;
    if (M._load === hooked) M._load = original;
    // Later requires get pino itself again; loggers created meanwhile keep their mixin.
    for (const r of replaced) {
      const cached = M._cache[r.filename];
      if (cached && cached.exports === r.wrapped) cached.exports = r.original;
    }
  };
}
