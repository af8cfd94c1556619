import fs from 'node:fs';
import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { configError, type ValueSource } from './config-errors.js';
import type { ExporterName, RedactionMode, RedactionOptions, TracekitOptions } from './types.js';

/** The configuration after options, environment and defaults are merged and validated. */
export interface ResolvedConfig {
  serviceName: string;
  enabled: boolean;
  sampleRate: number;
  exporter: ExporterName;
  file: string;
  maxFileBytes: number;
  maxFiles: number;
  endpoint: string | undefined;
  apiKey: string | undefined;
  headers: Record<string, string>;
  redaction: { enabled: boolean; mode: RedactionMode; keys: string[]; patterns: Array<string | RegExp> };
  codeMonitoring: boolean;
  debug: boolean;
  handleShutdown: boolean;
  shutdownTimeoutMs: number;
  maxQueueSize: number;
  maxBatchSize: number;
  batchDelayMs: number;
  resourceAttributes: Attributes;
  /** Errors and code discovery (docs/errors.md). */
  captureUncaught: boolean;
  sourceContextLines: number;
  maxFrames: number;
  appRoot: string;
  inventoryIntervalMs: number;
}

export const EXPORTERS = ['file', 'otlp', 'console', 'none'] as const;
export const REDACTION_MODES = ['mask', 'remove', 'hash'] as const;

/** The option names `init()` accepts; anything else is a typo and fails fast. */
export const OPTION_NAMES: readonly string[] = [
  'serviceName', 'enabled', 'sampleRate', 'exporter', 'file', 'maxFileBytes', 'maxFiles', 'endpoint', 'apiKey', 'headers',
  'redaction', 'codeMonitoring', 'debug', 'handleShutdown', 'shutdownTimeoutMs', 'maxQueueSize', 'maxBatchSize',
  'batchDelayMs', 'resourceAttributes',
  // errors and code discovery (docs/errors.md)
  'captureUncaught', 'sourceContextLines', 'maxFrames', 'appRoot', 'inventoryIntervalMs',
];

type Env = Record<string, string | undefined>;

/** The first option or environment variable that is set, with its label. */
function pick(options: object, key: string, env: Env, ...vars: string[]): ValueSource | undefined {
  const v = (options as Record<string, unknown>)[key];
  if (v !== undefined) return { label: `options.${key}`, value: v };
  for (const name of vars) {
    const e = env[name];
    if (e !== undefined && e.trim() !== '') return { label: name, value: e.trim() };
  }
  return undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function toBoolean(s: ValueSource | undefined, dflt: boolean): boolean {
  if (!s) return dflt;
  if (typeof s.value === 'boolean') return s.value;
  if (typeof s.value === 'string') {
    const v = s.value.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  throw configError('TK_CONFIG_BOOLEAN', s);
}

export function toNumberInRange(s: ValueSource | undefined, dflt: number, min: number, max: number): number {
  if (!s) return dflt;
  const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && s.value !== '' ? Number(s.value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw configError('TK_CONFIG_NUMBER_RANGE', s, min, max);
  return n;
}

export function toInteger(s: ValueSource | undefined, dflt: number, min: number): number {
  if (!s) return dflt;
  const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && s.value !== '' ? Number(s.value) : NaN;
  if (!Number.isInteger(n) || n < min) throw configError('TK_CONFIG_INTEGER', s, min);
  return n;
}

export function toEnum<T extends string>(s: ValueSource | undefined, dflt: T, accepted: readonly T[]): T {
  if (!s) return dflt;
  const v = typeof s.value === 'string' ? s.value.toLowerCase() : s.value;
  if (typeof v === 'string' && (accepted as readonly string[]).includes(v)) return v as T;
  throw configError('TK_CONFIG_ENUM', s, accepted);
}

export function toText(s: ValueSource | undefined): string | undefined {
  if (!s) return undefined;
  if (typeof s.value !== 'string' || s.value.trim() === '') throw configError('TK_CONFIG_STRING', s);
  return s.value.trim();
}

function toUrl(s: ValueSource | undefined): string | undefined {
  const text = toText(s);
  if (text === undefined || !s) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError('TK_CONFIG_URL', s);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError('TK_CONFIG_URL', s);
  return text.replace(/\/+$/, '');
}

/** Parses `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, values URL-encoded) or validates a headers object. */
export function toHeaders(s: ValueSource | undefined): Record<string, string> {
  if (!s) return {};
  const out: Record<string, string> = {};
  if (typeof s.value === 'string') {
    for (const part of s.value.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw configError('TK_CONFIG_HEADERS', s);
      const key = part.slice(0, eq).trim();
      let value: string;
      try {
        value = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        throw configError('TK_CONFIG_HEADERS', s);
      }
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw configError('TK_CONFIG_HEADERS', s);
      out[key.toLowerCase()] = value;
    }
    return out;
  }
  if (typeof s.value !== 'object' || s.value === null || Array.isArray(s.value)) throw configError('TK_CONFIG_OBJECT', s, 'an object of header names to string values');
  for (const [k, v] of Object.entries(s.value)) {
    if (typeof v !== 'string') throw configError('TK_CONFIG_OBJECT', s, 'an object of header names to string values');
    out[k.toLowerCase()] = v;
  }
  return out;
}

/** The app's package.json name, looked up from the working directory. */
function packageName(cwd: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { name?: unknown };
    return typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}

function resolveRedaction(options: TracekitOptions, env: Env): ResolvedConfig['redaction'] {
  const raw = options.redaction;
  if (raw !== undefined && raw !== false && (typeof raw !== 'object' || raw === null)) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.redaction', value: raw }, 'false or an object { mode, keys, patterns }');
  }
  const opts: RedactionOptions = raw === false || raw === undefined ? {} : raw;
  const mode = toEnum(
    opts.mode !== undefined ? { label: 'options.redaction.mode', value: opts.mode } : pick({}, 'mode', env, 'TRACEKIT_REDACTION_MODE'),
    'mask',
    REDACTION_MODES,
  );
  const keys = opts.keys ?? [];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.redaction.keys', value: keys }, 'an array of key names');
  }
  const patterns: Array<string | RegExp> = [...(opts.patterns ?? [])];
  const envPatterns = env.TRACEKIT_REDACT;
  if (envPatterns !== undefined && envPatterns.trim() !== '') {
    for (const p of envPatterns.split(',').map((x) => x.trim()).filter(Boolean)) patterns.push(p);
  }
  for (const p of patterns) {
    if (p instanceof RegExp) continue;
    const label = (opts.patterns ?? []).includes(p) ? 'options.redaction.patterns' : 'TRACEKIT_REDACT';
    if (typeof p !== 'string') throw configError('TK_CONFIG_PATTERN', { label, value: p }, 'expected a regular expression source string');
    try {
      new RegExp(p);
    } catch (e) {
      throw configError('TK_CONFIG_PATTERN', { label, value: p }, `not a valid regular expression (${(e as Error).message})`);
    }
  }
  return { enabled: raw !== false, mode, keys, patterns };
}

/**
 * Merges options (first), environment variables (second) and defaults, and validates each value.
 * Throws a {@link TracekitConfigError} naming the option or variable and the accepted values.
 */
export function resolveConfig(options: TracekitOptions = {}, env: Env = process.env, cwd: string = process.cwd()): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options', value: options }, 'an object of options');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw configError('TK_CONFIG_UNKNOWN_OPTION', { label: `options.${key}`, value: undefined }, OPTION_NAMES);
  }
  const endpoint = toUrl(pick(options, 'endpoint', env, 'TRACEKIT_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'));
  const fileSource = pick(options, 'file', env, 'TRACEKIT_FILE');
  const file = path.resolve(cwd, toText(fileSource) ?? path.join('.tracekit', 'traces.jsonl'));
  const resourceAttributes = options.resourceAttributes ?? {};
  if (typeof resourceAttributes !== 'object' || resourceAttributes === null) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.resourceAttributes', value: resourceAttributes }, 'an object of attributes');
  }
  return {
    serviceName: toText(pick(options, 'serviceName', env, 'TRACEKIT_SERVICE_NAME', 'OTEL_SERVICE_NAME')) ?? packageName(cwd) ?? 'node-app',
    enabled: toBoolean(pick(options, 'enabled', env, 'TRACEKIT_ENABLED'), true),
    sampleRate: toNumberInRange(pick(options, 'sampleRate', env, 'TRACEKIT_SAMPLE_RATE'), 1, 0, 1),
    exporter: toEnum(pick(options, 'exporter', env, 'TRACEKIT_EXPORTER'), endpoint ? 'otlp' : 'file', EXPORTERS),
    file,
    maxFileBytes: toInteger(pick(options, 'maxFileBytes', env, 'TRACEKIT_MAX_FILE_BYTES'), 10 * 1024 * 1024, 1024),
    maxFiles: toInteger(pick(options, 'maxFiles', env, 'TRACEKIT_MAX_FILES'), 5, 0),
    endpoint,
    apiKey: toText(pick(options, 'apiKey', env, 'TRACEKIT_API_KEY')),
    headers: toHeaders(pick(options, 'headers', env, 'OTEL_EXPORTER_OTLP_HEADERS')),
    redaction: resolveRedaction(options, env),
    codeMonitoring: toBoolean(pick(options, 'codeMonitoring', env, 'TRACEKIT_CODE_MONITORING'), false),
    debug: toBoolean(pick(options, 'debug', env, 'TRACEKIT_DEBUG'), false),
    handleShutdown: toBoolean(pick(options, 'handleShutdown', env), true),
    shutdownTimeoutMs: toInteger(pick(options, 'shutdownTimeoutMs', env, 'TRACEKIT_SHUTDOWN_TIMEOUT_MS'), 5000, 0),
    maxQueueSize: toInteger(pick(options, 'maxQueueSize', env, 'TRACEKIT_MAX_QUEUE_SIZE'), 2048, 1),
    maxBatchSize: toInteger(pick(options, 'maxBatchSize', env, 'TRACEKIT_MAX_BATCH_SIZE'), 512, 1),
    batchDelayMs: toInteger(pick(options, 'batchDelayMs', env, 'TRACEKIT_BATCH_DELAY_MS'), 1000, 1),
    resourceAttributes,
    captureUncaught: toBoolean(pick(options, 'captureUncaught', env, 'TRACEKIT_CAPTURE_UNCAUGHT'), false),
    sourceContextLines: toInteger(pick(options, 'sourceContextLines', env, 'TRACEKIT_SOURCE_CONTEXT_LINES'), 5, 0),
    maxFrames: toInteger(pick(options, 'maxFrames', env, 'TRACEKIT_MAX_FRAMES'), 50, 1),
    appRoot: path.resolve(cwd, toText(pick(options, 'appRoot', env, 'TRACEKIT_APP_ROOT')) ?? '.'),
    inventoryIntervalMs: toInteger(pick(options, 'inventoryIntervalMs', env, 'TRACEKIT_INVENTORY_INTERVAL_MS'), 60_000, 0),
  };
}
