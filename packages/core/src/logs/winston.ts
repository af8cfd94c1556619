import { currentTraceFields } from './fields.js';
import { exportEnabled, exportLogRecord, logAttributes, namedSeverity } from './export.js';

/** A winston (logform) format: any object with `transform`. */
export interface WinstonFormat {
  transform<T extends object>(info: T, opts?: unknown): T | boolean;
}

const SKIP: ReadonlySet<string> = new Set(['level', 'message', 'trace_id', 'span_id', 'trace_flags', 'request_id', 'timestamp']);

/**
 * A winston format that adds `trace_id`, `span_id`, `trace_flags` and `request_id` to every
 * record logged inside a traced request, and, with `logs: { export: true }`, hands the record to
 * TraceKit's log pipeline. Put it first in `format.combine` (TraceKit needs no winston import).
 *
 * @example
 * import winston from 'winston';
 * const logger = winston.createLogger({
 *   format: winston.format.combine(tracekit.winstonFormat(), winston.format.json()),
 *   transports: [new winston.transports.Console()],
 * });
 */
export function winstonFormat(): WinstonFormat {
  return {
    transform<T extends object>(info: T): T {
      try {
        const fields = currentTraceFields();
        if (fields) Object.assign(info, fields);
        if (exportEnabled()) {
          const record = info as Record<string | symbol, unknown>;
          const level = String(record[Symbol.for('level')] ?? record.level ?? 'info');
          const message = typeof record.message === 'string' ? record.message : String(record.message ?? '');
          exportLogRecord('winston', namedSeverity(level), level, message, logAttributes(record as Record<string, unknown>, SKIP), fields);
        }
      } catch {
        // never into the app
      }
      return info;
    },
  };
}
