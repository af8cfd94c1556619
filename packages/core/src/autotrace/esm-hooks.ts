import { fileURLToPath } from 'node:url';
import { instrumentModule } from './instrument-module.js';

/**
 * The ES module `load` hook for `module.register` (Node 20.6+; it runs in the loader thread).
 * It lets the next loader (tsx, for TypeScript) produce JavaScript first, then instruments ES
 * modules of the app. CommonJS modules are left to the `require` path (`cjs-hook.ts`), which
 * sees every CommonJS file whether it was required or imported.
 */
export async function load(
  url: string,
  context: { format?: string | null },
  nextLoad: (url: string, context?: unknown) => Promise<{ format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }>,
): Promise<{ format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }> {
  const result = await nextLoad(url, context);
  return instrumented(url, result);
}

/** The same hook for `module.registerHooks` (synchronous, in the main thread). */
export function loadSync(
  url: string,
  context: { format?: string | null },
  nextLoad: (url: string, context?: unknown) => { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null },
): { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null } {
  return instrumented(url, nextLoad(url, context));
}

function instrumented<R extends { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null }>(url: string, result: R): R {
  if (!url.startsWith('file:') || result.source == null) return result;
  const format = result.format === 'module' || result.format === 'module-typescript' ? 'module' : result.format === 'commonjs' || result.format === 'commonjs-typescript' ? 'commonjs' : undefined;
  if (!format) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
  const code = instrumentModule(source, fileURLToPath(url), format);
  return code === undefined ? result : { ...result, source: code };
}
