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
export { captureSnapshot } from './monitoring/capture-snapshot.js';
export type { CodeInventoryEntry } from './errors/code-inventory.js';
export { VERSION } from './version.js';
export type { SamplingRule, CaptureBodyOptions, CodeMonitoringOptions } from './types.js';
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
