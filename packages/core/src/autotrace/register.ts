import Module from 'node:module';
import { installCjsHook } from './cjs-hook.js';
import { loadSync } from './esm-hooks.js';
import { CallFlusher } from './flusher.js';
import { installRecorder, type CallRecorder } from './recorder.js';

const KEY = Symbol.for('tracekit.autotrace.registered');

/** What {@link registerAutotrace} set up. */
export interface AutotraceHandle {
  recorder: CallRecorder;
  flusher: CallFlusher;
  /** `sync` with `module.registerHooks`, `async` with `module.register` plus the CommonJS compile hook. */
  hooks: 'sync' | 'async' | 'cjs-only';
}

function flag(value: string | undefined, dflt: boolean): boolean {
  if (value === undefined || value.trim() === '') return dflt;
  return !/^(0|false|no|off)$/i.test(value.trim());
}

/** This module's own URL, in the ES module build and in the CommonJS one (tsup shims it there). */
function here(): string {
  return import.meta.url;
}

/**
 * Turns whole-app function tracing on: installs the call recorder (`globalThis.__tkrec`), its
 * flusher, and the module hooks that instrument the app's files as they load. Uses
 * `module.registerHooks` where Node has it (synchronous, in this thread), else `module.register`
 * (Node 20.6+, a loader thread) for ES modules plus a CommonJS compile hook. `esm: false` (the
 * `--require` form in a CommonJS-only app) skips the ES module hooks. Idempotent.
 *
 * Runs before the app: `TRACEKIT_ENABLED=false` leaves the hooks in place and records nothing
 * (the instrumented functions' cost is then a check of one flag).
 */
export function registerAutotrace(options: { esm?: boolean } = {}): AutotraceHandle {
  const g = globalThis as Record<symbol, AutotraceHandle | undefined>;
  const existing = g[KEY];
  if (existing) return existing;
  const env = process.env;
  const recorder = installRecorder({
    enabled: flag(env.TRACEKIT_ENABLED, true) && flag(env.TRACEKIT_TRACE_FUNCTIONS, true),
    previews: flag(env.TRACEKIT_TRACE_PREVIEWS, (env.TRACEKIT_FILE_FORMAT ?? '').toLowerCase() === 'events'),
    maxPreviewLength: Number.parseInt(env.TRACEKIT_MAX_PREVIEW_LENGTH ?? '', 10) >= 16 ? Number.parseInt(env.TRACEKIT_MAX_PREVIEW_LENGTH!, 10) : 256,
  });
  const flusher = new CallFlusher(recorder);
  flusher.start();
  let hooks: AutotraceHandle['hooks'] = 'cjs-only';
  const mod = Module as unknown as {
    registerHooks?: (hooks: { load: typeof loadSync }) => unknown;
    register?: (specifier: string, parentURL?: string) => void;
  };
  if (typeof mod.registerHooks === 'function' && flag(env.TRACEKIT_SYNC_HOOKS, true)) {
    mod.registerHooks({ load: loadSync });
    hooks = 'sync';
  } else if (options.esm !== false && typeof mod.register === 'function') {
    mod.register(new URL(`./auto-hooks.${here().endsWith('.cjs') ? 'cjs' : 'js'}`, here()).href);
    hooks = 'async';
  }
  // CommonJS: with synchronous hooks too, for Node lines where `require` does not pass through them.
  installCjsHook();
  const handle = { recorder, flusher, hooks };
  g[KEY] = handle;
  return handle;
}
