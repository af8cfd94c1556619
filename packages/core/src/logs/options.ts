import { configError } from '../config/config-errors.js';
import { pick, toBoolean, type Env } from '../config/env.js';
import type { LogsOptions, TracekitOptions } from '../types.js';

/** Resolved log-correlation settings (docs/logs.md). */
export interface LogsSettings {
  /** Prefix `console.*` lines written inside a traced request with the trace IDs. Default `false`. */
  console: boolean;
  /** Also export correlated pino / winston / console records as OTLP log records. Default `false`. */
  export: boolean;
  /** Add the pino mixin automatically to pino loggers created after `init()`. Default `true`. */
  autoPino: boolean;
}

const KEYS = ['console', 'export', 'autoPino'];

/**
 * Resolves `logs` (an object) and `TRACEKIT_LOGS_CONSOLE`, `TRACEKIT_LOGS_EXPORT`,
 * `TRACEKIT_LOGS_AUTO_PINO`. Throws a `TracekitConfigError` naming the option or variable.
 */
export function resolveLogsSettings(options: TracekitOptions, env: Env): { logs: LogsSettings } {
  const raw = options.logs;
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.logs', value: raw }, '{ console?: boolean, export?: boolean, autoPino?: boolean }');
  }
  const o: LogsOptions = raw ?? {};
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) throw configError('TK_CONFIG_UNKNOWN_OPTION', { label: `options.logs.${key}`, value: undefined }, KEYS.map((k) => `logs.${k}`));
  }
  const sub = (key: keyof LogsOptions, envVar: string, dflt: boolean) => {
    const v = o[key];
    return toBoolean(v !== undefined ? { label: `options.logs.${key}`, value: v } : pick({}, key, env, envVar), dflt);
  };
  return {
    logs: {
      console: sub('console', 'TRACEKIT_LOGS_CONSOLE', false),
      export: sub('export', 'TRACEKIT_LOGS_EXPORT', false),
      autoPino: sub('autoPino', 'TRACEKIT_LOGS_AUTO_PINO', true),
    },
  };
}
