import path from 'node:path';
import { configError } from '../config/config-errors.js';
import { pick, toBoolean, toInteger, toText, type Env } from '../config/env.js';
import type { CodeMonitoringOptions, TracekitOptions } from '../types.js';
import { CAPTURE_LIMITS, PROBE_LIMITS, WALK_LIMITS, type WalkLimits } from './limits.js';
import type { CaptureLimits } from './rate-limits.js';

/** Code monitoring's resolved settings (docs/code-monitoring.md). */
export interface MonitoringConfig {
  limits: CaptureLimits;
  walk: WalkLimits;
  /** `.tracekit/breakpoints.json` under the working directory unless set. */
  breakpointsFile: string;
  /** The polled endpoint (`TRACEKIT_BREAKPOINTS_URL`), if any. */
  breakpointsUrl: string | undefined;
  /** Line probes allowed (they still need a probe in the file to start the debugger). */
  probes: boolean;
  /** Hard deadline of one probe pause, ms (1 to 15). */
  maxPauseMs: number;
}

const KEYS = [
  'enabled', 'maxCapturesPerSecond', 'maxCaptures', 'globalMaxCapturesPerSecond', 'expiryMs', 'breakpointsFile', 'breakpointsUrl', 'probes',
  'maxDepth', 'maxFields', 'maxItems', 'maxStringLength', 'maxSnapshotBytes', 'maxPauseMs',
];

function url(label: string, value: unknown): string | undefined {
  const text = toText(value === undefined ? undefined : { label, value });
  if (text === undefined) return undefined;
  try {
    const u = new URL(text);
    if (u.protocol === 'http:' || u.protocol === 'https:') return text;
  } catch {
    // fall through
  }
  throw configError('TK_CONFIG_URL', { label, value });
}

function range(label: string, value: unknown, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  const n = toInteger({ label, value }, dflt, min);
  if (n > max) throw configError('TK_CONFIG_NUMBER_RANGE', { label, value }, min, max);
  return n;
}

/**
 * Resolves `codeMonitoring` (`true`, `false` or an object of limits) and
 * `TRACEKIT_CODE_MONITORING`, `TRACEKIT_BREAKPOINTS_URL`, `TRACEKIT_BREAKPOINTS_FILE`.
 * Throws a `TracekitConfigError` naming the option and what it accepts.
 */
export function resolveCodeMonitoring(options: TracekitOptions, env: Env, cwd: string): { codeMonitoring: boolean; monitoring: MonitoringConfig } {
  const raw = options.codeMonitoring;
  let o: CodeMonitoringOptions = {};
  let on: boolean;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    o = raw;
    for (const key of Object.keys(o)) {
      if (!KEYS.includes(key)) throw configError('TK_CONFIG_UNKNOWN_OPTION', { label: `options.codeMonitoring.${key}`, value: undefined }, KEYS.map((k) => `codeMonitoring.${k}`));
    }
    on = o.enabled === undefined ? true : toBoolean({ label: 'options.codeMonitoring.enabled', value: o.enabled }, true);
  } else if (raw !== undefined && typeof raw !== 'boolean') {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.codeMonitoring', value: raw }, 'true, false or an object of code monitoring limits');
  } else {
    on = toBoolean(pick(options, 'codeMonitoring', env, 'TRACEKIT_CODE_MONITORING'), false);
  }
  const p = (k: keyof CodeMonitoringOptions) => `options.codeMonitoring.${k}`;
  const fileSource = o.breakpointsFile !== undefined ? { label: p('breakpointsFile'), value: o.breakpointsFile } : pick({}, 'x', env, 'TRACEKIT_BREAKPOINTS_FILE');
  return {
    codeMonitoring: on,
    monitoring: {
      limits: {
        perBreakpointPerSecond: range(p('maxCapturesPerSecond'), o.maxCapturesPerSecond, CAPTURE_LIMITS.perBreakpointPerSecond, 1, 1000),
        maxCapturesPerBreakpoint: range(p('maxCaptures'), o.maxCaptures, CAPTURE_LIMITS.maxCapturesPerBreakpoint, 1, 1_000_000),
        globalPerSecond: range(p('globalMaxCapturesPerSecond'), o.globalMaxCapturesPerSecond, CAPTURE_LIMITS.globalPerSecond, 1, 10_000),
        expiryMs: range(p('expiryMs'), o.expiryMs, CAPTURE_LIMITS.expiryMs, 1000, 365 * 24 * 3600 * 1000),
      },
      walk: {
        maxDepth: range(p('maxDepth'), o.maxDepth, WALK_LIMITS.maxDepth, 0, 10),
        maxFields: range(p('maxFields'), o.maxFields, WALK_LIMITS.maxFields, 1, 1000),
        maxItems: range(p('maxItems'), o.maxItems, WALK_LIMITS.maxItems, 1, 10_000),
        maxString: range(p('maxStringLength'), o.maxStringLength, WALK_LIMITS.maxString, 16, 65_536),
        maxBytes: range(p('maxSnapshotBytes'), o.maxSnapshotBytes, WALK_LIMITS.maxBytes, 1024, 1024 * 1024),
      },
      breakpointsFile: path.resolve(cwd, toText(fileSource) ?? path.join('.tracekit', 'breakpoints.json')),
      breakpointsUrl: o.breakpointsUrl !== undefined ? url(p('breakpointsUrl'), o.breakpointsUrl) : url('TRACEKIT_BREAKPOINTS_URL', env.TRACEKIT_BREAKPOINTS_URL?.trim() || undefined),
      probes: o.probes === undefined ? true : toBoolean({ label: p('probes'), value: o.probes }, true),
      maxPauseMs: range(p('maxPauseMs'), o.maxPauseMs, PROBE_LIMITS.pauseBudgetMs, 1, PROBE_LIMITS.pauseBudgetMs),
    },
  };
}
