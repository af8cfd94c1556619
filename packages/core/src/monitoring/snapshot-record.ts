import type { Attributes } from '@opentelemetry/api';
import { SEVERITY, type LogRecordData } from '../export/log-types.js';
import type { CaptureContext } from './request-context.js';
import type { WalkResult } from './walker.js';

/** The OTLP `event_name` of snapshots, and the name of the span event that points at one. */
export const SNAPSHOT_EVENT = 'tracekit.snapshot';

/** What the record says about where the capture was taken. */
export interface SnapshotSource {
  /** `api` (`captureSnapshot`) or `probe` (a line probe). */
  kind: 'api' | 'probe';
  /** The breakpoint or probe ID. */
  id: string;
  label?: string;
  file: string;
  line: number;
  function?: string;
  /** Line probes: how long the app was paused. */
  pauseMs?: number;
}

/** The OTLP `event_name` of a log probe's message. */
export const PROBE_LOG_EVENT = 'tracekit.probe.log';

/** A new snapshot ID: 16 hex digits, unique in the process (and, in practice, across processes). */
export function snapshotId(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += Math.floor(random() * 0x10000).toString(16).padStart(4, '0');
  return out;
}

/**
 * Builds the OTLP log record of one capture: `event.name` `tracekit.snapshot`, the variables as
 * the JSON body, and attributes for the breakpoint (or probe), the code location (`code.*`), the
 * omissions, the request context and the stack (frames as in `tracekit.error.frames`). The
 * stack is filled in by the caller once its frames are resolved.
 */
export function snapshotRecord(id: string, time: number, source: SnapshotSource, walked: WalkResult, context: CaptureContext): LogRecordData {
  const attributes: Attributes = {
    'event.name': SNAPSHOT_EVENT,
    'tracekit.snapshot.id': id,
    'tracekit.snapshot.source': source.kind,
    [source.kind === 'api' ? 'tracekit.breakpoint.id' : 'tracekit.probe.id']: source.id,
    'code.file.path': source.file,
    'code.line.number': source.line,
  };
  if (source.label !== undefined) attributes['tracekit.snapshot.label'] = source.label;
  if (source.function) attributes['code.function.name'] = source.function;
  if (source.pauseMs !== undefined) attributes['tracekit.probe.pause_ms'] = Math.round(source.pauseMs * 1000) / 1000;
  if (walked.omittedTotal > 0) {
    attributes['tracekit.snapshot.omitted_count'] = walked.omittedTotal;
    attributes['tracekit.snapshot.omitted'] = JSON.stringify(walked.omissions);
  }
  Object.assign(attributes, context.attributes);
  return {
    time,
    eventName: SNAPSHOT_EVENT,
    severityNumber: SEVERITY.INFO,
    severityText: 'INFO',
    body: JSON.stringify(walked.value),
    // The walker redacted every field with the client's redactor (key names and value patterns).
    bodyRedacted: true,
    attributes,
    traceId: context.traceId,
    spanId: context.spanId,
  };
}

/** The record of a log probe's message (already redacted): `event.name` `tracekit.probe.log`, with the request context read at its pause. */
export function probeLogRecord(time: number, probeId: string, file: string, line: number, message: string, pauseMs: number, context?: CaptureContext): LogRecordData {
  const record: LogRecordData = {
    time,
    eventName: PROBE_LOG_EVENT,
    severityNumber: SEVERITY.INFO,
    severityText: 'INFO',
    body: message,
    attributes: {
      'event.name': PROBE_LOG_EVENT,
      'tracekit.probe.id': probeId,
      'code.file.path': file,
      'code.line.number': line,
      'tracekit.probe.pause_ms': Math.round(pauseMs * 1000) / 1000,
    },
  };
  if (context) {
    Object.assign(record.attributes, context.attributes);
    record.traceId = context.traceId;
    record.spanId = context.spanId;
  }
  return record;
}
