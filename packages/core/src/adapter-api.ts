/**
 * `@tracekit/core/adapter`: what TraceKit's own adapters, the CLI and tools build on. Not part of
 * the public API and not covered by semver: apps import `@tracekit/core` (or an adapter package).
 */
export * from './index.js';
export { ensureClient } from './client.js';
export type { ClientInternals } from './client.js';
export { resolveConfig, OPTION_NAMES } from './config/config.js';
export type { ResolvedConfig } from './config/config.js';
export { CONFIG_ERROR_CODES } from './config/config-errors.js';
export type { ConfigErrorCode } from './config/config-errors.js';
export { TRACK_EVENT_NAME } from './tracing/track-event.js';
export { createAdapter } from './lifecycle/adapter.js';
export type { AdapterRuntime } from './lifecycle/adapter.js';
export { RequestScope } from './lifecycle/lifecycle.js';
export { handlerName } from './lifecycle/handler-name.js';
export type { ResponseInfo, ScopeSettings } from './lifecycle/lifecycle.js';
export { nodeRequestInfo, nodeResponseInfo, webRequestInfo, onResponseDone, endWithNodeResponse, type ResponseWatcher } from './http/node-request.js';
export { parseTraceparent, parseTracestate, formatTraceparent } from './http/propagation.js';
export { isValidRequestId, resolveRequestId } from './http/request-id.js';
export { httpStatusOf, isErrorException, isErrorStatus } from './errors/error-policy.js';
export { errorType, errorMessage, exceptionAttributes, exceptionStacktrace, relatedErrors } from './errors/exception.js';
export type { RelatedError } from './errors/exception.js';
export { registrationSite } from './errors/call-site.js';
export type { CodeLocation } from './errors/call-site.js';
export { parseStack, parseStackLine } from './errors/parse-stack.js';
export type { StackFrame, FrameOrigin, SourceContext } from './errors/stack-frame.js';
export type { FrameJson } from './errors/frames-attribute.js';
export { CODE_INVENTORY_EVENT } from './errors/code-inventory.js';
export { EXCEPTION_EVENT } from './errors/process-errors.js';
export { activeRequest, runIn, suppressTracing, isTracingSuppressed } from './context/context.js';
export type { RequestState } from './context/request-state.js';
export { TracekitSpan } from './tracing/span.js';
/** For bench/ledger.mjs (the cost ledger in docs/performance.md). */
export { newSpanId, newTraceId } from './tracing/ids.js';
export { requestAttributes } from './http/http-attributes.js';
export { traceLineBytesEncoder } from './export/otlp-json-bytes.js';
export { LinkedContext } from './context/linked-context.js';
export { safeCall } from './lifecycle/hooks.js';
export { warnOnce } from './diag.js';
export { compilePathRules } from './http/ignore.js';
export { toOtlpTraceRequest } from './export/otlp-json.js';
export { traceRequestEncoder, traceLineEncoder, spanJson } from './export/otlp-json-string.js';
export { InMemorySpanExporter } from './export/memory-exporter.js';
export { OtlpHttpExporter } from './export/otlp-exporter.js';
export type { OtlpExporterOptions } from './export/otlp-exporter.js';
export { encodeTraces, encodeTracesOfficial, encodeLogs } from './export/otlp-encoding.js';
export { ConsoleSpanExporter } from './export/console-exporter.js';
export { EventsFileExporter, toFlowEvents } from './export/events-exporter.js';
export type { FlowEvent, FlowEventName } from './export/events-exporter.js';
export { registeredTracerProvider } from './tracing/sdk-interop.js';
export type { SpanExporter, ReadableSpan, ExportMeta } from './export/types.js';
export type { LogRecordData, LogExporter } from './export/log-types.js';
export { SEVERITY } from './export/log-types.js';
export { TracekitSampler, SAMPLING_COUNTERS } from './sampling/sampler.js';
export { traceIdRatioValue } from './sampling/trace-id-ratio.js';
export { UnsampledSpan } from './sampling/unsampled-span.js';
export { createRedactor } from './redaction/redactor.js';
export type { Redactor, RedactionConfig } from './redaction/redactor.js';
export { SECRET_KEYS } from './redaction/keys.js';
export { BUILTIN_PATTERN_NAMES } from './redaction/builtin-patterns.js';
export { BODY_ATTRIBUTES, captureNodeBodies, teeNodeResponse, bodyText } from './redaction/body-capture.js';
export type { BodyCaptureConfig } from './redaction/body-capture.js';
export type { RequestInfo } from './types.js';
// Code monitoring's control file, for `tracekit breakpoints` and `tracekit probe` (docs/code-monitoring.md).
export { parseBreakpoints, serializeBreakpoints, parseLocation, fileInside } from './monitoring/breakpoints-file.js';
export { parseExpression, parseTemplate, ExpressionError } from './monitoring/expression.js';
export type { BreakpointEntry, ProbeEntry, ProbeStatus, BreakpointsDocument } from './monitoring/model.js';
