/** Why whole-app tracing left a file or function alone. */
export interface AutotraceDiagnostic {
  file: string;
  reason: string;
}

const KEY = Symbol.for('tracekit.autotrace.diagnostics');
const MAX_KEPT = 200;

function list(): AutotraceDiagnostic[] {
  const g = globalThis as Record<symbol, AutotraceDiagnostic[] | undefined>;
  return (g[KEY] ??= []);
}

/**
 * Notes that a file was loaded untouched (or partly instrumented), or (`verb: 'sample'`) that
 * calls of a function or of the whole program are sampled or dropped; once per file and reason.
 * Problems a user should know about (a parse failure, a file too large, a minified bundle)
 * print one line on stderr; the rest only with `TRACEKIT_DEBUG=true`. Never throws.
 */
export function reportSkip(file: string, reason: string, important: boolean, verb: 'skip' | 'sample' = 'skip'): void {
  try {
    const all = list();
    if (all.length < MAX_KEPT) all.push({ file, reason });
    const debug = /^(1|true|yes|on)$/i.test(process.env.TRACEKIT_DEBUG ?? '');
    if (important || debug) process.stderr.write(`tracekit: function tracing ${verb === 'skip' ? `left ${file} untouched` : `samples ${file}`}: ${reason}\n`);
  } catch {
    // diagnostics never break loading
  }
}

/** What was skipped so far in this thread (the ES module hooks of Node 20 run in their own thread and report on stderr only). */
export function autotraceDiagnostics(): readonly AutotraceDiagnostic[] {
  return list();
}
