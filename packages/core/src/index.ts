export { init, getClient, flush, shutdown, ensureClient, TracekitClient } from './client.js';
export type { ClientInternals } from './client.js';
export { resolveConfig, OPTION_NAMES } from './config.js';
export type { ResolvedConfig } from './config.js';
export { TracekitConfigError, CONFIG_ERROR_CODES } from './config-errors.js';
export type { ConfigErrorCode } from './config-errors.js';
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
} from './manual.js';
export type { TraceOptions } from './manual.js';
export { trackEvent, TRACK_EVENT_NAME } from './track-event.js';
export { createAdapter } from './adapter.js';
export type { AdapterRuntime } from './adapter.js';
export { RequestScope } from './lifecycle.js';
export type { ResponseInfo, ScopeSettings } from './lifecycle.js';
export { nodeRequestInfo, webRequestInfo, onResponseDone, endWithNodeResponse } from './node-request.js';
export { parseTraceparent, parseTracestate, formatTraceparent } from './propagation.js';
export { isValidRequestId, resolveRequestId } from './request-id.js';
export { httpStatusOf, isErrorException, isErrorStatus } from './error-policy.js';
export { errorType, errorMessage, exceptionAttributes, exceptionStacktrace, relatedErrors } from './exception.js';
export type { RelatedError } from './exception.js';
export { registrationSite } from './errors/call-site.js';
export type { CodeLocation } from './errors/call-site.js';
export { parseStack, parseStackLine } from './errors/parse-stack.js';
export type { StackFrame, FrameOrigin, SourceContext } from './errors/stack-frame.js';
export type { FrameJson } from './errors/frames-attribute.js';
export { CODE_INVENTORY_EVENT } from './errors/code-inventory.js';
export type { CodeInventoryEntry } from './errors/code-inventory.js';
export { EXCEPTION_EVENT } from './errors/process-errors.js';
export { activeRequest, suppressTracing, isTracingSuppressed } from './context.js';
export type { RequestState } from './request-state.js';
export { TracekitSpan } from './span.js';
export { safeCall } from './hooks.js';
export { warnOnce } from './diag.js';
export { compilePathRules } from './ignore.js';
export { toOtlpTraceRequest } from './export/otlp-json.js';
export { traceRequestEncoder, traceLineEncoder, spanJson } from './export/otlp-json-string.js';
export { InMemorySpanExporter } from './export/memory-exporter.js';
export { OtlpHttpExporter } from './export/otlp-exporter.js';
export type { OtlpExporterOptions } from './export/otlp-exporter.js';
export { encodeTraces, encodeTracesOfficial, encodeLogs } from './export/otlp-encoding.js';
export { ConsoleSpanExporter } from './export/console-exporter.js';
export { EventsFileExporter, toFlowEvents } from './export/events-exporter.js';
export type { FlowEvent, FlowEventName } from './export/events-exporter.js';
export { registeredTracerProvider } from './sdk-interop.js';
export type { SpanExporter, ReadableSpan, ExportMeta } from './export/types.js';
export type { LogRecordData, LogExporter } from './export/log-types.js';
export { SEVERITY } from './export/log-types.js';
export { VERSION } from './version.js';
export { TracekitSampler, SAMPLING_COUNTERS } from './sampler.js';
export { traceIdRatioValue } from './sampling/trace-id-ratio.js';
export { UnsampledSpan } from './sampling/unsampled-span.js';
export { createRedactor } from './redaction.js';
export type { Redactor, RedactionConfig } from './redaction.js';
export { SECRET_KEYS } from './redaction/keys.js';
export { BUILTIN_PATTERN_NAMES } from './redaction/builtin-patterns.js';
export { BODY_ATTRIBUTES, captureNodeBodies, teeNodeResponse, bodyText } from './redaction/body-capture.js';
export type { BodyCaptureConfig } from './redaction/body-capture.js';
export type { SamplingRule, CaptureBodyOptions } from './types.js';
export type {
  TracekitOptions,
  RedactionOptions,
  RedactionMode,
  ExporterName,
  RequestMetadata,
  RequestInfo,
  ClientStats,
  SpanStatusInput,
  AdapterOptions,
  OtlpProtocol,
  OtlpCompression,
  FileFormat,
} from './types.js';
