import fs from 'node:fs';
import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { configError, type ValueSource } from './config-errors.js';
import type { RedactionConfig } from '../redaction/redactor.js';
import type { BodyCaptureConfig } from '../redaction/body-capture.js';
import { resolveCaptureBody, resolveRedaction } from '../redaction/resolve.js';
import type { ResolvedSamplingRule } from '../sampling/rules.js';
import { resolveSampling } from '../sampling/resolve.js';
import { resolveCodeMonitoring, type MonitoringConfig } from '../monitoring/options.js';
import type { ExporterName, FileFormat, OtlpCompression, OtlpProtocol, RedactionMode, RedactionOptions, TracekitOptions } from '../types.js';

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
  /** Sampling beyond `sampleRate` (docs/sampling.md). */
  samplingRules: ResolvedSamplingRule[];
  rateLimit: number | undefined;
  keepErrors: boolean;
  keepSlowerThanMs: number | undefined;
  parentBased: boolean;
  /** Redaction, with the user's patterns compiled and vetted (docs/redaction.md). */
  redaction: RedactionConfig;
  /** Opt-in body capture. */
  captureBody: BodyCaptureConfig;
  codeMonitoring: boolean;
  /** Code monitoring's limits and control (docs/code-monitoring.md). */
  monitoring: MonitoringConfig;
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
  /** Full URL of the OTLP traces endpoint (`…/v1/traces`), when OTLP is configured. */
  tracesEndpoint: string | undefined;
  /** Full URL of the OTLP logs endpoint (`…/v1/logs`), when OTLP is configured. */
  logsEndpoint: string | undefined;
  protocol: OtlpProtocol;
  compression: OtlpCompression;
  exportTimeoutMs: number;
  maxExportRetries: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  spool: boolean;
  spoolDir: string;
  spoolMaxBytes: number;
  spoolMaxAgeMs: number;
  fileFormat: FileFormat;
  useGlobalTracerProvider: boolean;
}

export const EXPORTERS = ['file', 'otlp', 'console', 'none'] as const;
export const REDACTION_MODES = ['mask', 'remove', 'hash'] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export const OTLP_COMPRESSIONS = ['gzip', 'none'] as const;
export const FILE_FORMATS = ['otlp', 'events'] as const;

/** The option names `init()` accepts; anything else is a typo and fails fast. */
export const OPTION_NAMES: readonly string[] = [
  'serviceName', 'enabled', 'sampleRate', 'exporter', 'file', 'maxFileBytes', 'maxFiles', 'endpoint', 'apiKey', 'headers',
  'redaction', 'codeMonitoring', 'debug', 'handleShutdown', 'shutdownTimeoutMs', 'maxQueueSize', 'maxBatchSize',
  'batchDelayMs', 'resourceAttributes',
  // sampling and body capture (docs/sampling.md, docs/redaction.md)
  'samplingRules', 'rateLimit', 'keepErrors', 'keepSlowerThanMs', 'parentBased', 'captureBody',
  // errors and code discovery (docs/errors.md)
  'captureUncaught', 'sourceContextLines', 'maxFrames', 'appRoot', 'inventoryIntervalMs',
  // export pipeline (docs/export.md)
  'tracesEndpoint', 'logsEndpoint', 'protocol', 'compression', 'exportTimeoutMs', 'maxExportRetries', 'retryInitialDelayMs',
  'retryMaxDelayMs', 'spool', 'spoolDir', 'spoolMaxBytes', 'spoolMaxAgeMs', 'fileFormat', 'useGlobalTracerProvider',
];

export type Env = Record<string, string | undefined>;

/** The first option or environment variable that is set, with its label. */
export function pick(options: object, key: string, env: Env, ...vars: string[]): ValueSource | undefined {
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
  const tracesEndpoint = signalEndpoint(options, env, endpoint, 'tracesEndpoint', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'v1/traces');
  const logsEndpoint = signalEndpoint(options, env, endpoint, 'logsEndpoint', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', 'v1/logs');
  const fileFormat = toEnum(pick(options, 'fileFormat', env, 'TRACEKIT_FILE_FORMAT'), 'otlp', FILE_FORMATS);
  const fileSource = pick(options, 'file', env, 'TRACEKIT_FILE');
  const file = path.resolve(cwd, toText(fileSource) ?? path.join('.tracekit', fileFormat === 'events' ? 'events.jsonl' : 'traces.jsonl'));
  const resourceAttributes = options.resourceAttributes ?? {};
  if (typeof resourceAttributes !== 'object' || resourceAttributes === null) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.resourceAttributes', value: resourceAttributes }, 'an object of attributes');
  }
  return {
    serviceName: toText(pick(options, 'serviceName', env, 'TRACEKIT_SERVICE_NAME', 'OTEL_SERVICE_NAME')) ?? packageName(cwd) ?? 'node-app',
    enabled: toBoolean(pick(options, 'enabled', env, 'TRACEKIT_ENABLED'), true),
    sampleRate: toNumberInRange(pick(options, 'sampleRate', env, 'TRACEKIT_SAMPLE_RATE'), 1, 0, 1),
    exporter: toEnum(pick(options, 'exporter', env, 'TRACEKIT_EXPORTER'), tracesEndpoint ? 'otlp' : 'file', EXPORTERS),
    file,
    maxFileBytes: toInteger(pick(options, 'maxFileBytes', env, 'TRACEKIT_MAX_FILE_BYTES'), 10 * 1024 * 1024, 1024),
    maxFiles: toInteger(pick(options, 'maxFiles', env, 'TRACEKIT_MAX_FILES'), 5, 0),
    endpoint,
    apiKey: toText(pick(options, 'apiKey', env, 'TRACEKIT_API_KEY')),
    headers: toHeaders(pick(options, 'headers', env, 'OTEL_EXPORTER_OTLP_HEADERS')),
    ...resolveSampling(options, env),
    redaction: resolveRedaction(options, env),
    captureBody: resolveCaptureBody(options, env),
    ...resolveCodeMonitoring(options, env, cwd),
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
    tracesEndpoint,
    logsEndpoint,
    protocol: toEnum(pick(options, 'protocol', env, 'OTEL_EXPORTER_OTLP_PROTOCOL'), 'http/protobuf', OTLP_PROTOCOLS),
    compression: toEnum(pick(options, 'compression', env, 'OTEL_EXPORTER_OTLP_COMPRESSION'), 'none', OTLP_COMPRESSIONS),
    exportTimeoutMs: toInteger(pick(options, 'exportTimeoutMs', env, 'TRACEKIT_EXPORT_TIMEOUT_MS', 'OTEL_EXPORTER_OTLP_TIMEOUT'), 10_000, 1),
    maxExportRetries: toInteger(pick(options, 'maxExportRetries', env, 'TRACEKIT_EXPORT_MAX_RETRIES'), 3, 0),
    retryInitialDelayMs: toInteger(pick(options, 'retryInitialDelayMs', env, 'TRACEKIT_RETRY_INITIAL_DELAY_MS'), 500, 1),
    retryMaxDelayMs: toInteger(pick(options, 'retryMaxDelayMs', env, 'TRACEKIT_RETRY_MAX_DELAY_MS'), 15_000, 1),
    spool: toBoolean(pick(options, 'spool', env, 'TRACEKIT_SPOOL'), true),
    spoolDir: path.resolve(cwd, toText(pick(options, 'spoolDir', env, 'TRACEKIT_SPOOL_DIR')) ?? path.join('.tracekit', 'spool')),
    spoolMaxBytes: toInteger(pick(options, 'spoolMaxBytes', env, 'TRACEKIT_SPOOL_MAX_BYTES'), 64 * 1024 * 1024, 1024),
    spoolMaxAgeMs: toInteger(pick(options, 'spoolMaxAgeMs', env, 'TRACEKIT_SPOOL_MAX_AGE_MS'), 24 * 60 * 60 * 1000, 1000),
    fileFormat,
    useGlobalTracerProvider: toBoolean(pick(options, 'useGlobalTracerProvider', env, 'TRACEKIT_USE_GLOBAL_TRACER_PROVIDER'), true),
  };
}

/**
 * A signal's full OTLP URL. As in the OpenTelemetry specification, a signal-specific URL
 * (`tracesEndpoint`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is used as is, while the base
 * endpoint gets `/v1/traces` or `/v1/logs` appended. Options win over the environment.
 */
function signalEndpoint(options: TracekitOptions, env: Env, base: string | undefined, key: 'tracesEndpoint' | 'logsEndpoint', envVar: string, suffix: string): string | undefined {
  if (options[key] !== undefined) return toUrl({ label: `options.${key}`, value: options[key] });
  if (options.endpoint !== undefined) return base === undefined ? undefined : `${base}/${suffix}`;
  return toUrl(pick({}, key, env, envVar)) ?? (base === undefined ? undefined : `${base}/${suffix}`);
}
