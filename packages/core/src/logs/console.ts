import { format } from 'node:util';
import { currentTraceFields } from './fields.js';
import { exportEnabled, exportLogRecord, namedSeverity } from './export.js';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
type Method = (typeof METHODS)[number];
const INSTALLED = Symbol.for('tracekit.console');

/** `trace_id=… span_id=… request_id=…`: the prefix of a console line inside a traced request. */
export function consolePrefix(): string | undefined {
  const f = currentTraceFields();
  if (!f) return undefined;
  return `trace_id=${f.trace_id} span_id=${f.span_id} trace_flags=${f.trace_flags}${f.request_id ? ` request_id=${f.request_id}` : ''}`;
}

/**
 * Opt-in (`logs: { console: true }`): wraps `console.log`, `info`, `warn`, `error`, `debug` and
 * `trace` so output written inside a traced request starts with its trace fields, and (with
 * `logs.export`) is also exported as a log record. Output outside a request is unchanged. A
 * string first argument keeps its `%s` placeholders. Returns the function that restores the
 * original methods. Installing twice is a no-op.
 */
export function installConsoleCorrelation(options: { prefix: boolean }): () => void {
  const c = console as unknown as Record<string | symbol, unknown>;
  if (c[INSTALLED]) return () => undefined;
  const originals = new Map<Method, (...args: unknown[]) => void>();
  for (const name of METHODS) {
    const original = console[name] as (...args: unknown[]) => void;
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    const wrapped = function tracekitConsole(this: unknown, ...args: unknown[]) {
      let prefix: string | undefined;
      try {
        prefix = consolePrefix();
        if (prefix !== undefined && exportEnabled()) {
          const f = currentTraceFields();
          exportLogRecord('console', namedSeverity(name), name === 'log' ? 'info' : name, format(...args), {}, f);
        }
      } catch {
        prefix = undefined;
      }
      if (prefix === undefined || !options.prefix) return original.apply(this, args);
      if (typeof args[0] === 'string') return original.apply(this, [`${prefix} ${args[0]}`, ...args.slice(1)]);
      return original.apply(this, [prefix, ...args]);
    };
    console[name] = wrapped as (typeof console)[Method];
  }
  c[INSTALLED] = true;
  return () => {
    for (const [name, original] of originals) console[name] = original as (typeof console)[Method];
    delete c[INSTALLED];
  };
}
