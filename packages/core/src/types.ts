import type { Attributes, Span } from '@opentelemetry/api';
import type { AIOptions } from './ai/types.js';

/** Which exporter the pipeline uses. */
export type ExporterName = 'file' | 'otlp' | 'console' | 'none';

/** The OTLP/HTTP encoding: protobuf (default) or JSON. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Compression of OTLP request bodies. */
export type OtlpCompression = 'gzip' | 'none';

/** The file store's format: OTLP/JSON export requests (default) or flat FlowTrace-style event records. */
export type FileFormat = 'otlp' | 'events';

/** How redacted values are written. */
export type RedactionMode = 'mask' | 'remove' | 'hash';

/**
 * Limits and control of code monitoring (docs/code-monitoring.md); every field is optional.
 *
 * @example
 * tracekit.init({ codeMonitoring: { maxCapturesPerSecond: 2, maxCaptures: 20, expiryMs: 3_600_000 } });
 */
export interface CodeMonitoringOptions {
  /** Default `true` when the object is given. */
  enabled?: boolean;
  /** Captures a second per breakpoint or probe. Default 1. */
  maxCapturesPerSecond?: number;
  /** Captures per breakpoint or probe before it stops. Default 100. */
  maxCaptures?: number;
  /** Captures a second over all breakpoints and probes. Default 25. */
  globalMaxCapturesPerSecond?: number;
  /** A breakpoint or probe expires this long after it was armed, ms. Default 24 h. */
  expiryMs?: number;
  /** Default `.tracekit/breakpoints.json` (`TRACEKIT_BREAKPOINTS_FILE`). */
  breakpointsFile?: string;
  /** An endpoint polled every 30 s for breakpoints and probes (`TRACEKIT_BREAKPOINTS_URL`). */
  breakpointsUrl?: string;
  /** Allow line probes. Default `true`. */
  probes?: boolean;
  /** Walker: levels expanded (default 3), fields per object (20), items per collection (100), characters per string (255), characters per snapshot (65536). */
  maxDepth?: number;
  maxFields?: number;
  maxItems?: number;
  maxStringLength?: number;
  maxSnapshotBytes?: number;
  /** Hard deadline of one probe pause, ms, 1 to 15. Default 15. */
  maxPauseMs?: number;
}

/** Log correlation settings (docs/logs.md); every field is optional. */
export interface LogsOptions {
  /** Prefix `console.*` output written inside a traced request with `trace_id=… span_id=…`. Default `false` (`TRACEKIT_LOGS_CONSOLE`). */
  console?: boolean;
  /** Also export correlated log records (pino, winston, console) as OTLP log records, redacted. Default `false` (`TRACEKIT_LOGS_EXPORT`). */
  export?: boolean;
  /** Add the trace fields to pino loggers created after `init()` without a mixin of their own. Default `true` (`TRACEKIT_LOGS_AUTO_PINO`). */
  autoPino?: boolean;
}

/** Options of {@link init}. Every option also has an environment variable (see the README). */
export interface TracekitOptions {
  /** Service name on every span. Default: `TRACEKIT_SERVICE_NAME`, `OTEL_SERVICE_NAME`, the app's package.json name, else `node-app`. */
  serviceName?: string;
  /** Master switch. Default `true` (`TRACEKIT_ENABLED`). */
  enabled?: boolean;
  /**
   * Head sampling rate from 0 to 1, deterministic on the trace ID (the same trace gets the same
   * decision in every service with the same rate). Default `1` (`TRACEKIT_SAMPLE_RATE`). See docs/sampling.md.
   */
  sampleRate?: number;
  /**
   * Sampling rules, first match wins, before `sampleRate`: `{ route?, path?, method?, rate }`.
   * Default none (`TRACEKIT_SAMPLING_RULES`, a JSON array).
   *
   * @example
   * samplingRules: [{ path: '/health', rate: 0 }, { path: '/checkout/**', rate: 1 }, { method: 'POST', rate: 0.5 }]
   */
  samplingRules?: SamplingRule[];
  /** At most this many traces a second are kept by `sampleRate` and rules (a token bucket). Default no limit (`TRACEKIT_RATE_LIMIT`). */
  rateLimit?: number;
  /** Keep a request that failed (5xx, an escaped or recorded exception) even when sampling dropped it. Default `true` (`TRACEKIT_KEEP_ERRORS`). */
  keepErrors?: boolean;
  /** Keep a request at least this slow (ms) even when sampling dropped it. Default off (`TRACEKIT_KEEP_SLOWER_THAN_MS`). */
  keepSlowerThanMs?: number;
  /** Follow the sampled flag of an incoming `traceparent` (over rules and `sampleRate`). Default `true` (`TRACEKIT_PARENT_BASED`). */
  parentBased?: boolean;
  /**
   * Record request and response bodies (opt-in), redacted JSON-aware before export and cut at
   * `maxBytes` (default 4096). `true` captures both. Default off (`TRACEKIT_CAPTURE_BODY`:
   * `request`, `response`, `both`; `TRACEKIT_CAPTURE_BODY_MAX_BYTES`).
   */
  captureBody?: boolean | CaptureBodyOptions;
  /** Where spans go. Default `otlp` when an endpoint is set, else `file` (`TRACEKIT_EXPORTER`). */
  exporter?: ExporterName;
  /** The JSONL store. Default `.tracekit/traces.jsonl` under the working directory (`TRACEKIT_FILE`). */
  file?: string;
  /** Rotate the store when it reaches this size in bytes. Default 10 MiB. */
  maxFileBytes?: number;
  /** Rotated files kept beside the store. Default 5. */
  maxFiles?: number;
  /** OTLP/HTTP endpoint (`TRACEKIT_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`). */
  endpoint?: string;
  /** Sent to the endpoint as a header (`TRACEKIT_API_KEY`). */
  apiKey?: string;
  /** Extra headers for the endpoint (`OTEL_EXPORTER_OTLP_HEADERS`, `k=v,k2=v2`). */
  headers?: Record<string, string>;
  /** Redaction settings; on by default. `false` turns it off. */
  redaction?: false | RedactionOptions;
  /**
   * Code monitoring: `captureSnapshot` and line probes (docs/code-monitoring.md). `true`, or an
   * object of limits (which turns it on unless `enabled: false`). Default `false`
   * (`TRACEKIT_CODE_MONITORING`; `TRACEKIT_BREAKPOINTS_URL`, `TRACEKIT_BREAKPOINTS_FILE`).
   */
  codeMonitoring?: boolean | CodeMonitoringOptions;
  /** Diagnostics on stderr (`TRACEKIT_DEBUG`). Default `false`. */
  debug?: boolean;
  /** Flush on SIGTERM, SIGINT and exit. Default `true`. */
  handleShutdown?: boolean;
  /** Upper bound for the flush at shutdown, in ms. Default 5000. */
  shutdownTimeoutMs?: number;
  /** Spans held in memory before overflow drops them. Default 2048. */
  maxQueueSize?: number;
  /** Spans per export batch. Default 512. */
  maxBatchSize?: number;
  /** How long a span may wait in the queue before it is exported, in ms. Default 1000. */
  batchDelayMs?: number;
  /** Extra resource attributes; they win over detected ones and `OTEL_RESOURCE_ATTRIBUTES` (docs/runtime.md). */
  resourceAttributes?: Attributes;
  /** `deployment.environment.name` on the resource. Default `TRACEKIT_ENVIRONMENT`, else `NODE_ENV`. */
  environment?: string;
  /** Per-route RED and runtime metrics (docs/metrics.md). Default `true` (`TRACEKIT_METRICS`). */
  metrics?: boolean;
  /** How often metrics are exported, ms. Default 10000 (`TRACEKIT_METRICS_INTERVAL_MS`). */
  metricsIntervalMs?: number;
  /** Log correlation: console prefix, OTLP export of log records, automatic pino mixin (docs/logs.md). */
  logs?: LogsOptions;
  /**
   * Record uncaught exceptions and unhandled rejections (as a span and a `tracekit.exception` log
   * record) and flush them synchronously, leaving Node's own behaviour (output, exit code) as it is.
   * Default `false` (`TRACEKIT_CAPTURE_UNCAUGHT`).
   */
  captureUncaught?: boolean;
  /** Lines of source shown before and after each in-app frame of an error; 0 reads no source. Default 5 (`TRACEKIT_SOURCE_CONTEXT_LINES`). */
  sourceContextLines?: number;
  /** Stack frames kept per error (the innermost). Default 50 (`TRACEKIT_MAX_FRAMES`). */
  maxFrames?: number;
  /** The app's root: frames under it (outside `node_modules`) are in-app, and files are shown relative to it. Default: the working directory (`TRACEKIT_APP_ROOT`). */
  appRoot?: string;
  /** How often changed code-inventory entries are written to the logs store, in ms; 0 writes them only at shutdown. Default 60000 (`TRACEKIT_INVENTORY_INTERVAL_MS`). */
  inventoryIntervalMs?: number;
  /** Full OTLP traces URL, used as is. Default: `endpoint` + `/v1/traces` (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). */
  tracesEndpoint?: string;
  /** Full OTLP logs URL, used as is. Default: `endpoint` + `/v1/logs` (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`). */
  logsEndpoint?: string;
  /** OTLP encoding. Default `http/protobuf` (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
  protocol?: OtlpProtocol;
  /** OTLP request compression. Default `none`, as in OpenTelemetry; `gzip` saves ~80% of the bytes for ~2 µs of CPU per span (`OTEL_EXPORTER_OTLP_COMPRESSION`). */
  compression?: OtlpCompression;
  /** Upper bound of one OTLP request, in ms. Default 10000 (`TRACEKIT_EXPORT_TIMEOUT_MS`, `OTEL_EXPORTER_OTLP_TIMEOUT`). */
  exportTimeoutMs?: number;
  /** Retries of a batch on network errors, 429, 502, 503 and 504. Default 3 (`TRACEKIT_EXPORT_MAX_RETRIES`). */
  maxExportRetries?: number;
  /** Backoff cap of the first retry, in ms (full jitter, doubling). Default 500 (`TRACEKIT_RETRY_INITIAL_DELAY_MS`). */
  retryInitialDelayMs?: number;
  /** Largest backoff, in ms; a longer `Retry-After` sends the batch to the spool. Default 15000 (`TRACEKIT_RETRY_MAX_DELAY_MS`). */
  retryMaxDelayMs?: number;
  /** Keep undeliverable OTLP batches on disk and replay them later. Default `true` (`TRACEKIT_SPOOL`). */
  spool?: boolean;
  /** The spool directory. Default `.tracekit/spool` under the working directory (`TRACEKIT_SPOOL_DIR`). */
  spoolDir?: string;
  /** The spool's size bound in bytes; the oldest files go first. Default 64 MiB (`TRACEKIT_SPOOL_MAX_BYTES`). */
  spoolMaxBytes?: number;
  /** Spool files older than this (ms) are dropped. Default 24 h (`TRACEKIT_SPOOL_MAX_AGE_MS`). */
  spoolMaxAgeMs?: number;
  /** The file store's format. Default `otlp`; `events` writes `.tracekit/events.jsonl` (`TRACEKIT_FILE_FORMAT`). */
  fileFormat?: FileFormat;
  /**
   * Send spans through an OpenTelemetry SDK the app registered before `init()` (a global
   * TracerProvider) instead of TraceKit's own pipeline. Default `true` (`TRACEKIT_USE_GLOBAL_TRACER_PROVIDER`).
   */
  useGlobalTracerProvider?: boolean;
  /** AI and LLM calls: detection, declared providers, price overrides (see docs/ai.md). */
  ai?: AIOptions;
  /**
   * Record prompts and completions of AI calls as `gen_ai.input.messages` / `gen_ai.output.messages`
   * (redacted, then cut at `ai.maxContentLength`). Default `false` (`TRACEKIT_CAPTURE_AI_CONTENT`).
   */
  captureAIContent?: boolean;
  /**
   * Whole-app function tracing (`tracekit run`, `node --import @tracekit/core/auto`): file globs
   * relative to the app root, or `/regex/` on `file::Class.method`, to record. Which files are
   * instrumented is decided when they load, by `TRACEKIT_TRACE_INCLUDE`; this option filters
   * what is recorded. Default: every instrumented function. See docs/function-tracing.md.
   */
  traceInclude?: string[];
  /** Globs or `/regex/` on `file::Class.method` not to record (`TRACEKIT_TRACE_EXCLUDE` at load time). Default none beyond the built-in exclusions. */
  traceExclude?: string[];
  /** Instrumented calls at least this slow (ms) become INTERNAL spans; throwing calls always do. Default 1 (`TRACEKIT_FUNCTION_SPAN_THRESHOLD_MS`). */
  functionSpanThresholdMs?: number;
  /** Characters kept of each argument, return value and exception preview. Default 256, at least 16 (`TRACEKIT_MAX_PREVIEW_LENGTH`). */
  maxPreviewLength?: number;
}

/** Redaction options (see the redaction guide). */
export interface RedactionOptions {
  /** `mask` (default), `remove` or `hash`. */
  mode?: RedactionMode;
  /** Extra key names to redact (case-insensitive, `-` and `_` alike). */
  keys?: string[];
  /**
   * Extra value patterns to redact (also `TRACEKIT_REDACT`), checked at `init()`: an invalid or
   * catastrophically slow pattern fails it. A named group `secret` redacts only that part.
   */
  patterns?: Array<string | RegExp>;
  /**
   * The HMAC key of `hash` mode, at least 16 characters (`TRACEKIT_REDACTION_KEY`). Default: a
   * random key per process, so hashes correlate within one process only.
   */
  hashKey?: string;
}

/** A sampling rule: every condition given must hold; the first matching rule's `rate` applies. */
export interface SamplingRule {
  /** The route template as the framework reports it (`/users/:id`); known only after routing. */
  route?: string;
  /** A path or glob (`/health`, `/checkout/*`, `/static/**`) or a RegExp, matched at the start. */
  path?: string | RegExp;
  /** An HTTP method or several (`GET`, `['POST', 'PUT']`). */
  method?: string | string[];
  /** From 0 (drop) to 1 (keep), tested on the trace ID like `sampleRate`. */
  rate: number;
}

/** Which bodies `captureBody` records. */
export interface CaptureBodyOptions {
  /** Default false. */
  request?: boolean;
  /** Default false. */
  response?: boolean;
  /** Bytes kept of each body, after redaction. Default 4096. */
  maxBytes?: number;
}

/** Identifiers attached to every span of the current request by {@link setMetadata}. */
export interface RequestMetadata {
  userId?: string;
  sessionId?: string;
  chatId?: string;
  organizationId?: string;
  [key: string]: string | number | boolean | undefined;
}

/** What an adapter tells core about an incoming request. */
export interface RequestInfo {
  /** `GET`, `POST`, ... */
  method: string;
  /** The request target as received: path and query string. */
  target: string;
  /** Reads one request header by its lower-case name. */
  header(name: string): string | undefined;
  /** `http` or `https`. */
  scheme?: string;
  /** The server's port, when the adapter knows it from the socket. */
  serverPort?: number;
  /** The peer's address. */
  clientAddress?: string;
  /** `1.1`, `2`, ... */
  protocolVersion?: string;
}

/** Counters of the client, from `client.stats()`. */
export interface ClientStats {
  spansStarted: number;
  spansEnded: number;
  spansExported: number;
  spansDropped: number;
  /** Traces not exported because of sampling (`droppedBySampling` + `droppedByRateLimit`). */
  sampledOut: number;
  /** Traces kept by `sampleRate`. */
  keptByHead: number;
  /** Traces kept because an incoming `traceparent` was sampled. */
  keptByParent: number;
  /** Traces kept by a sampling rule. */
  keptByRule: number;
  /** Requests dropped by sampling but kept because they failed. */
  keptByTailError: number;
  /** Requests dropped by sampling but kept because they were slow. */
  keptByTailSlow: number;
  /** Traces dropped by `sampleRate`, a rule or an unsampled parent. */
  droppedBySampling: number;
  /** Traces sampling kept but `rateLimit` dropped. */
  droppedByRateLimit: number;
  exportFailures: number;
  hookErrors: number;
  queueSize: number;
  /** Bytes in the disk spool now (OTLP). */
  spoolBytes: number;
  /** Files in the disk spool now (OTLP). */
  spoolFiles: number;
  /** Retried OTLP span export requests. */
  exportRetries: number;
  /** Spans written to the disk spool because the endpoint did not take them. */
  spansSpooled: number;
  /** Spans the endpoint refused for good (4xx other than 429, or a partial success). */
  spansRejected: number;
  /** Spooled spans dropped by the spool's bounds (bytes, age). */
  spansSpoolDropped: number;
  /** Spool files found invalid and moved to `quarantine/`. */
  spoolQuarantined: number;
  /** AI calls recorded (detected, `instrumentAI`, `recordAICall`) since start. */
  aiCalls: number;
  /** AI calls that failed (HTTP 4xx/5xx, network errors, a stream that failed midway). */
  aiErrors: number;
  /** Input tokens of AI calls (cached ones included). */
  aiInputTokens: number;
  /** Output tokens of AI calls (reasoning included). */
  aiOutputTokens: number;
  /** Input tokens read from a provider's prompt cache. */
  aiCacheReadTokens: number;
  /** Input tokens written to a provider's prompt cache. */
  aiCacheWriteTokens: number;
  /** Cost of AI calls in USD, from the price table (calls of unknown models add nothing). */
  aiCostUsd: number;
  [counter: string]: number;
}

/** The status a user passes to `endSpan`. */
export type SpanStatusInput = 'ok' | 'error' | { code: 'ok' | 'error' | 'unset'; message?: string };

/** Options that every framework adapter accepts. */
export interface AdapterOptions<Req = unknown, Res = unknown> {
  /** Requests that get no span at all: paths, globs (`/health`, `/static/**`), regular expressions or a predicate. */
  ignore?: string | RegExp | Array<string | RegExp> | ((req: Req) => boolean);
  /** The header that carries the request ID in and out. Default `x-request-id`. */
  requestIdHeader?: string;
  /** Headers recorded as `http.request.header.*` / `http.response.header.*` (an allow-list; values are still redacted). */
  captureHeaders?: { request?: string[]; response?: string[] };
  /** Names the SERVER span; return `undefined` (or nothing) to keep the default `METHOD /route/template`. */
  spanName?: (req: Req) => string | undefined;
  /** Called when the SERVER span starts. A throw is caught and counted. */
  requestHook?: (span: Span, req: Req) => void;
  /** Called before the SERVER span ends. A throw is caught and counted. */
  responseHook?: (span: Span, res: Res) => void;
}
