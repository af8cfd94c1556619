import path from 'node:path';
import picomatch from 'picomatch';
import { configError, type ValueSource } from '../config/config-errors.js';
import { pick, toInteger, toNumberInRange, type Env } from '../config/env.js';

/**
 * Which files and functions whole-app tracing instruments, and how it records them. The hooks
 * read it from the environment when a module loads; `init()` validates the same settings and
 * applies its options to what is recorded (see docs/function-tracing.md).
 */
export interface FunctionTracingConfig {
  /** The project root that globs are relative to (`TRACEKIT_APP_ROOT`, else the working directory). */
  root: string;
  /** File globs (relative to the root) and `file::Class.method` regexes to instrument. Empty: every file under the root. */
  include: FilterRule[];
  /** File globs and `file::Class.method` regexes to leave alone, after the defaults. */
  exclude: FilterRule[];
  /** Calls at least this slow (ms) become INTERNAL spans. Default 1 (`TRACEKIT_FUNCTION_SPAN_THRESHOLD_MS`). */
  functionSpanThresholdMs: number;
  /** Characters kept of each argument, return value and exception preview. Default 256 (`TRACEKIT_MAX_PREVIEW_LENGTH`). */
  maxPreviewLength: number;
}

/** A file glob, or (written `/…/` or containing `::`) a regex tested on `file::Class.method`. */
export interface FilterRule {
  source: string;
  /** Tests a root-relative path (globs), or a path plus `::` and a qualified name (regexes). */
  test(file: string, qualifiedName?: string): boolean;
  /** True for `file::Class.method` regexes, which select functions rather than files. */
  byFunction: boolean;
}

/**
 * What is never instrumented: dependencies, tests, build tools' configuration and TraceKit
 * itself. `TRACEKIT_TRACE_EXCLUDE` and `traceExclude` add to this list.
 */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/node_modules/**',
  '**/*.{test,spec}.*',
  '**/{test,tests,__tests__,__mocks__,fixtures}/**',
  '**/*.config.{js,cjs,mjs,ts,cts,mts}',
  '**/.*rc.{js,cjs}',
  '**/.tracekit/**',
];

/** Builds one include or exclude rule; throws a `TracekitConfigError` naming `label` for a bad pattern. */
export function filterRule(pattern: string, label: string): FilterRule {
  const text = pattern.trim();
  const isRegex = text.length > 2 && text.startsWith('/') && text.lastIndexOf('/') > 0;
  if (isRegex || text.includes('::')) {
    let re: RegExp;
    try {
      re = isRegex ? new RegExp(text.slice(1, text.lastIndexOf('/')), text.slice(text.lastIndexOf('/') + 1).replace('g', '')) : new RegExp(text);
    } catch (err) {
      throw configError('TK_CONFIG_PATTERN', { label, value: pattern }, (err as Error).message);
    }
    const byFunction = text.includes('::');
    return { source: text, byFunction, test: (file, name) => re.test(name === undefined ? file : `${file}::${name}`) };
  }
  if (text === '') throw configError('TK_CONFIG_STRING', { label, value: pattern });
  const match = picomatch(text, { dot: true });
  return { source: text, byFunction: false, test: (file) => match(file) };
}

function toRules(s: ValueSource | undefined): FilterRule[] {
  if (!s) return [];
  // The environment gives a comma-separated list; an option must be an array.
  const list = typeof s.value === 'string' && !s.label.startsWith('options.') ? s.value.split(',').filter((p) => p.trim() !== '') : s.value;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
    throw configError('TK_CONFIG_OBJECT', s, 'an array of globs or regexes (a comma-separated list in the environment)');
  }
  return (list as string[]).map((p) => filterRule(p, s.label));
}

/**
 * Resolves and validates the function-tracing settings: options first (`traceInclude`,
 * `traceExclude`, `functionSpanThresholdMs`, `maxPreviewLength`), then the environment.
 */
export function resolveFunctionTracing(options: object, env: Env, cwd: string = process.cwd()): FunctionTracingConfig {
  const rootSource = pick(options, 'appRoot', env, 'TRACEKIT_APP_ROOT');
  const root = path.resolve(cwd, typeof rootSource?.value === 'string' ? rootSource.value : '.');
  return {
    root,
    include: toRules(pick(options, 'traceInclude', env, 'TRACEKIT_TRACE_INCLUDE')),
    exclude: toRules(pick(options, 'traceExclude', env, 'TRACEKIT_TRACE_EXCLUDE')),
    functionSpanThresholdMs: toNumberInRange(pick(options, 'functionSpanThresholdMs', env, 'TRACEKIT_FUNCTION_SPAN_THRESHOLD_MS'), 1, 0, 3_600_000),
    maxPreviewLength: toInteger(pick(options, 'maxPreviewLength', env, 'TRACEKIT_MAX_PREVIEW_LENGTH'), 256, 16),
  };
}

const DEFAULT_EXCLUDE_RULES = DEFAULT_EXCLUDE.map((g) => filterRule(g, 'default exclude'));

/** The path of `file` relative to the root with `/` separators, or undefined when it is outside the root. */
export function relativeToRoot(config: Pick<FunctionTracingConfig, 'root'>, file: string): string | undefined {
  const rel = path.relative(config.root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * True when the file's functions should be instrumented: under the root, not excluded by the
 * defaults or `exclude`, and matched by a file glob of `include` (when there are any). Function
 * regexes are checked per function by {@link selectsFunction}.
 */
export function selectsFile(config: FunctionTracingConfig, file: string): boolean {
  const rel = relativeToRoot(config, file);
  if (rel === undefined) return false;
  if (/(^|\/)@tracekit\//.test(file.split(path.sep).join('/'))) return false;
  if (DEFAULT_EXCLUDE_RULES.some((r) => r.test(rel))) return false;
  if (config.exclude.some((r) => !r.byFunction && r.test(rel))) return false;
  const fileIncludes = config.include.filter((r) => !r.byFunction);
  return fileIncludes.length === 0 || fileIncludes.some((r) => r.test(rel));
}

/** True when a function (`Class.method`, `name`) of a selected file is instrumented, by the `file::name` regexes. */
export function selectsFunction(config: FunctionTracingConfig, rel: string, qualifiedName: string): boolean {
  if (config.exclude.some((r) => r.byFunction && r.test(rel, qualifiedName))) return false;
  const fnIncludes = config.include.filter((r) => r.byFunction);
  return fnIncludes.length === 0 || fnIncludes.some((r) => r.test(rel, qualifiedName));
}
