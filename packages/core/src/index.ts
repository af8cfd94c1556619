/**
 * `@tracekit/core`: the public API. Every adapter package re-exports exactly these names.
 * What adapters and tools need beyond them lives in `@tracekit/core/adapter` (not semver-covered).
 * `test/public-api.test.ts` fails when a name is added here without being added to its list.
 */
export { init, getClient, flush, shutdown, TracekitClient } from './client.js';
export { TracekitConfigError } from './config/config-errors.js';
export {
  getRequestId,
  getTraceId,
  getActiveSpan,
  setMetadata,
  clearMetadata,
  startSpan,
  endSpan,
  recordException,
  withSpan,
  traceFn as trace,
  Trace,
} from './tracing/manual.js';
export type { TraceOptions } from './tracing/manual.js';
export { trackEvent } from './tracing/track-event.js';
export { withMetadata } from './context/metadata.js';
export { instrumentAI } from './ai/instrument.js';
export { recordAICall, startAICall } from './ai/manual-call.js';
export type { AICallDetails, AICallHandle } from './ai/manual-call.js';
export type { AIOptions, AIPrice, AIProviderOption, AIApi } from './ai/types.js';
export { captureSnapshot } from './monitoring/capture-snapshot.js';
export type { CodeInventoryEntry } from './errors/code-inventory.js';
export { VERSION } from './version.js';
/**
 * Log correlation (docs/logs.md): `pinoMixin()` for pino's `mixin` option, `pinoOptions()` (mixin
 * plus the hook that exports records with `logs: { export: true }`), `winstonFormat()` for
 * winston's `format.combine`. Each adds `trace_id`, `span_id`, `trace_flags` and `request_id`
 * to records written inside a traced request.
 */
export { pinoMixin, pinoOptions } from './logs/pino.js';
export type { PinoMixin } from './logs/pino.js';
export { winstonFormat } from './logs/winston.js';
export type { WinstonFormat } from './logs/winston.js';
export type { SamplingRule, CaptureBodyOptions, CodeMonitoringOptions, LogsOptions } from './types.js';
export type {
  TracekitOptions,
  RedactionOptions,
  RedactionMode,
  ExporterName,
  RequestMetadata,
  ClientStats,
  SpanStatusInput,
  AdapterOptions,
  OtlpProtocol,
  OtlpCompression,
  FileFormat,
} from './types.js';
