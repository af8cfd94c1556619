import fs from 'node:fs';
import path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { configError, type ValueSource } from './config-errors.js';
import type { RedactionConfig } from '../redaction/redactor.js';
import type { BodyCaptureConfig } from '../redaction/body-capture.js';
import { resolveCaptureBody, resolveRedaction } from '../redaction/resolve.js';
import type { ResolvedSamplingRule } from '../sampling/rules.js';
import { resolveSampling } from '../sampling/resolve.js';
import { resolveFunctionTracing, type FunctionTracingConfig } from '../autotrace/options.js';
import { resolveCodeMonitoring, type MonitoringConfig } from '../monitoring/options.js';
import { resolveAIConfig, type ResolvedAIConfig } from '../ai/ai-config.js';
import { resolveResourceSettings, type ResourceSettings } from '../resource/options.js';
import { resolveMetricsSettings, type MetricsSettings } from '../metrics/options.js';
import { resolveLogsSettings, type LogsSettings } from '../logs/options.js';
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
  /** Resource detection, metrics and log correlation (docs/runtime.md, docs/metrics.md, docs/logs.md). */
  resource: ResourceSettings;
  metrics: MetricsSettings;
  logs: LogsSettings;
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
  /** AI calls: detection, providers, prices, content capture (docs/ai.md). */
  ai: ResolvedAIConfig;
  /** Whole-app function tracing (docs/function-tracing.md). */
  functionTracing: FunctionTracingConfig;
}

export const EXPORTERS = ['file', 'otlp', 'console', 'none'] as const;
export { REDACTION_MODES } from '../redaction/resolve.js';
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export const OTLP_COMPRESSIONS = ['gzip', 'none'] as const;
export const FILE_FORMATS = ['otlp', 'events'] as const;

/** The option names `init()` accepts; anything else is a typo and fails fast. */
export const OPTION_NAMES: readonly string[] = [
  'serviceName', 'enabled', 'sampleRate', 'exporter', 'file', 'maxFileBytes', 'maxFiles', 'endpoint', 'apiKey', 'headers',
  'redaction', 'codeMonitoring', 'debug', 'handleShutdown', 'shutdownTimeoutMs', 'maxQueueSize', 'maxBatchSize',
  'batchDelayMs', 'resourceAttributes',
  // resource, metrics, log correlation (docs/runtime.md, docs/metrics.md, docs/logs.md)
  'environment', 'metrics', 'metricsIntervalMs', 'logs',
  // sampling and body capture (docs/sampling.md, docs/redaction.md)
  'samplingRules', 'rateLimit', 'keepErrors', 'keepSlowerThanMs', 'parentBased', 'captureBody',
  // errors and code discovery (docs/errors.md)
  'captureUncaught', 'sourceContextLines', 'maxFrames', 'appRoot', 'inventoryIntervalMs',
  // export pipeline (docs/export.md)
  'tracesEndpoint', 'logsEndpoint', 'protocol', 'compression', 'exportTimeoutMs', 'maxExportRetries', 'retryInitialDelayMs',
  'retryMaxDelayMs', 'spool', 'spoolDir', 'spoolMaxBytes', 'spoolMaxAgeMs', 'fileFormat', 'useGlobalTracerProvider',
  // AI calls (docs/ai.md)
  'ai', 'captureAIContent',
  // whole-app function tracing (docs/function-tracing.md)
  'traceInclude', 'traceExclude', 'functionSpanThresholdMs', 'maxPreviewLength',
];

export { pick, toBoolean, toNumberInRange, toInteger, toEnum, toText, toUrl, toHeaders, type Env } from './env.js';
import { pick, toBoolean, toNumberInRange, toInteger, toEnum, toText, toUrl, toHeaders, type Env } from './env.js';

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
    ...resolveResourceSettings(options, env),
    ...resolveMetricsSettings(options, env),
    ...resolveLogsSettings(options, env),
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
    ai: resolveAIConfig(options, env, cwd),
    functionTracing: resolveFunctionTracing(options, env, cwd),
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
