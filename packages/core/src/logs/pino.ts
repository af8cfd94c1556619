import { format } from 'node:util';
import { currentTraceFields, type TraceFields } from './fields.js';
import { exportEnabled, exportLogRecord, logAttributes, pinoSeverity } from './export.js';

/** A pino `mixin` function. */
export type PinoMixin = (mergeObject: object, level: number, logger?: unknown) => object;

const TRACE_KEYS: ReadonlySet<string> = new Set(['trace_id', 'span_id', 'trace_flags', 'request_id']);

/**
 * A pino `mixin` that adds `trace_id`, `span_id`, `trace_flags` and `request_id` to every
 * line logged inside a traced request (the innermost active span). Pass your own mixin to
 * keep it: its fields are merged after TraceKit's.
 *
 * @example
 * import pino from 'pino';
 * const logger = pino({ mixin: tracekit.pinoMixin() });
 */
export function pinoMixin(mixin?: PinoMixin): PinoMixin {
  if (mixin && (mixin as { [TRACEKIT_MIXIN]?: true })[TRACEKIT_MIXIN]) return mixin;
  const tracekitMixin: PinoMixin = (mergeObject, level, logger) => {
    const fields = currentTraceFields();
    const own = mixin ? mixin(mergeObject, level, logger) : undefined;
    if (!fields) return own ?? {};
    return own ? { ...fields, ...own } : fields;
  };
  (tracekitMixin as { [TRACEKIT_MIXIN]?: true })[TRACEKIT_MIXIN] = true;
  return tracekitMixin;
}

/** Marks TraceKit's mixin, so it is never wrapped twice. */
export const TRACEKIT_MIXIN = Symbol.for('tracekit.pinoMixin');

/** pino's `hooks.logMethod`. */
export type LogMethodHook = (this: unknown, args: unknown[], method: (...args: unknown[]) => void, level: number) => void;

/**
 * A `hooks.logMethod` that hands each record to TraceKit's log pipeline when `logs.export` is
 * on, then calls the app's own hook (if any) or pino's method.
 */
export function tracekitLogMethod(own?: LogMethodHook): LogMethodHook {
  return function tracekitLogMethodHook(args, method, level) {
    if (exportEnabled()) exportPinoRecord(args, level, currentTraceFields());
    return own ? own.call(this, args, method, level) : method.apply(this, args);
  };
}

/**
 * pino options for correlation and, with `logs: { export: true }`, OTLP export: `mixin` as
 * {@link pinoMixin}, and `hooks.logMethod`, which hands each record (message, fields, level) to
 * TraceKit's log pipeline before pino writes it. Spread them into your options.
 *
 * @example
 * const logger = pino({ ...tracekit.pinoOptions(), level: 'debug' });
 */
export function pinoOptions(mixin?: PinoMixin): { mixin: PinoMixin; hooks: { logMethod: LogMethodHook } } {
  return {
    mixin: pinoMixin(mixin),
    hooks: { logMethod: tracekitLogMethod() },
  };
}

function exportPinoRecord(args: unknown[], level: number, fields: TraceFields | undefined): void {
  try {
    const first = args[0];
    const hasObject = typeof first === 'object' && first !== null;
    const rest = hasObject ? args.slice(1) : args;
    const message = rest.length > 0 ? format(...rest) : first instanceof Error ? first.message : '';
    const attributes = hasObject ? logAttributes(first instanceof Error ? { err: first } : (first as Record<string, unknown>), TRACE_KEYS) : {};
    const severity = pinoSeverity(level);
    exportLogRecord('pino', severity.number, severity.text, message, attributes, fields);
  } catch {
    // never into the app
  }
}
