import Module from 'node:module';
import { instrumentModule } from './instrument-module.js';

const PATCHED = Symbol.for('tracekit.autotrace.cjs');

type Compile = (this: unknown, content: string, filename: string, ...rest: unknown[]) => unknown;

/**
 * Instruments CommonJS modules where Node compiles them (`Module.prototype._compile`), so a
 * `require`d file, an imported CommonJS file, and a TypeScript file that tsx's `require` hook
 * has already turned into JavaScript are all seen once, as the JavaScript that runs.
 * Idempotent; returns a function that removes the wrapper.
 */
export function installCjsHook(): () => void {
  const proto = (Module as unknown as { prototype: Record<string | symbol, unknown> }).prototype;
  if (proto[PATCHED]) return () => undefined;
  const original = proto._compile as Compile;
  const wrapped: Compile = function (this: unknown, content, filename, ...rest) {
    const code = typeof content === 'string' && typeof filename === 'string' ? instrumentModule(content, filename, 'commonjs') : undefined;
    return original.call(this, code ?? content, filename, ...rest);
  };
  proto._compile = wrapped;
  proto[PATCHED] = true;
  return () => {
    if (proto._compile === wrapped) proto._compile = original;
    proto[PATCHED] = false;
  };
}
