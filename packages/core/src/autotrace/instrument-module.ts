import { resolveFunctionTracing, relativeToRoot, selectsFile, selectsFunction, type FunctionTracingConfig } from './options.js';
import { TransformCache } from './cache.js';
import { reportSkip } from './diagnostics.js';
import { INSTRUMENTED_MARKER, transformSource } from './transform.js';

/** Files larger than this are loaded untouched (2 MB). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A bundle's tell: long lines. Above this average line length, a file counts as minified. */
const MINIFIED_AVERAGE_LINE = 300;

interface LoaderState {
  config: FunctionTracingConfig | undefined;
  cache: TransformCache | undefined;
  settings: string;
}

let state: LoaderState | undefined;

function loaderState(): LoaderState {
  if (state) return state;
  try {
    const config = resolveFunctionTracing({}, process.env);
    const settings = JSON.stringify([config.root, config.include.map((r) => r.source), config.exclude.map((r) => r.source)]);
    state = { config, cache: new TransformCache(config.root), settings };
  } catch (err) {
    // A bad TRACEKIT_TRACE_INCLUDE / _EXCLUDE: init() reports it as a TracekitConfigError; loading goes on untouched.
    process.stderr.write(`tracekit: function tracing is off: ${(err as Error).message}\n`);
    state = { config: undefined, cache: undefined, settings: '' };
  }
  return state;
}

function looksMinified(code: string): boolean {
  if (code.length < 4096) return false;
  let lines = 1;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lines++;
  return code.length / lines > MINIFIED_AVERAGE_LINE;
}

/**
 * The instrumented source of a module the app loads, or `undefined` to load it untouched:
 * files outside the selection, already instrumented, over {@link MAX_FILE_BYTES}, minified, or
 * that do not parse (one diagnostic each). Results are cached on disk. Never throws.
 */
export function instrumentModule(code: string, file: string, format: 'module' | 'commonjs'): string | undefined {
  // With synchronous hooks a CommonJS file passes both the load hook and the compile hook: a
  // file left alone once is not looked at (or reported) again.
  const seenKey = `${file}\0${code.length}`;
  if (leftAlone.has(seenKey)) return undefined;
  const out = instrumentOnce(code, file, format);
  if (out === undefined && leftAlone.size < 10_000) leftAlone.add(seenKey);
  return out;
}

const leftAlone = new Set<string>();

function instrumentOnce(code: string, file: string, format: 'module' | 'commonjs'): string | undefined {
  try {
    const { config, cache, settings } = loaderState();
    if (!config || !selectsFile(config, file)) return undefined;
    if (code.includes(INSTRUMENTED_MARKER)) return undefined;
    const rel = relativeToRoot(config, file) ?? file;
    if (code.length > MAX_FILE_BYTES) {
      reportSkip(rel, `larger than 2 MB (${code.length} characters)`, true);
      return undefined;
    }
    if (/\.min\.[cm]?js$/.test(file) || looksMinified(code)) {
      reportSkip(rel, 'looks minified', true);
      return undefined;
    }
    const key = cache?.key(file, format, settings, code);
    const hit = key ? cache?.get(key) : undefined;
    if (hit !== undefined) return hit;
    const hasFunctionRules = config.include.some((r) => r.byFunction) || config.exclude.some((r) => r.byFunction);
    const result = transformSource({ code, file, format, select: hasFunctionRules ? (name) => selectsFunction(config, rel, name) : undefined });
    if (!result.ok) {
      reportSkip(rel, result.reason, result.reason.startsWith('does not parse'));
      return undefined;
    }
    if (result.skipped > 0) reportSkip(rel, `${result.skipped} function(s) left alone (a var and a function declaration share a name)`, false);
    if (key) cache?.set(key, result.code);
    return result.code;
  } catch (err) {
    reportSkip(file, `instrumentation failed (${(err as Error).message})`, true);
    return undefined;
  }
}
