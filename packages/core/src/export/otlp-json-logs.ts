import { msToNanoString } from '../tracing/time.js';
import type { LogRecordData } from './log-types.js';
import { toAnyValue, toKeyValues } from './otlp-json.js';
import type { ExportMeta } from './types.js';

/** One log record in OTLP/JSON. */
export function toOtlpLogRecord(r: LogRecordData) {
  const time = msToNanoString(r.time);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    eventName: r.eventName,
    ...(r.body !== undefined ? { body: toAnyValue(r.body) } : {}),
    attributes: toKeyValues(r.attributes),
    droppedAttributesCount: 0,
    flags: r.traceId ? 1 : 0,
    traceId: r.traceId ?? '',
    spanId: r.spanId ?? '',
  };
}

/** An `ExportLogsServiceRequest` in the OTLP/JSON encoding. */
export function toOtlpLogsRequest(records: LogRecordData[], meta: ExportMeta) {
  return {
    resourceLogs: [
      {
        resource: { attributes: toKeyValues(meta.resource), droppedAttributesCount: 0 },
        scopeLogs: [{ scope: { name: meta.scope.name, version: meta.scope.version }, logRecords: records.map(toOtlpLogRecord) }],
      },
    ],
  };
}
