import type { AttributeValue, Attributes } from '@opentelemetry/api';

/** OpenTelemetry log severities TraceKit uses. */
export const SEVERITY = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 } as const;

/**
 * One log record (custom events, code-inventory entries, snapshots), exported as an OTLP log
 * record to `.tracekit/logs.jsonl` or `/v1/logs`.
 */
export interface LogRecordData {
  /** Epoch milliseconds. */
  time: number;
  /** The record's kind, as the OTLP `event_name` (e.g. `tracekit.event`, `tracekit.code_inventory`). */
  eventName: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue | undefined;
  attributes: Attributes;
  traceId?: string;
  spanId?: string;
  /**
   * Set by a producer that already redacted the body field by field with the same redactor (the
   * snapshot walker): the pipeline then redacts only the attributes, not the body a second time.
   */
  bodyRedacted?: true;
}

/** Sends batches of log records somewhere. */
export interface LogExporter {
  export(records: LogRecordData[]): Promise<void>;
  exportSync?(records: LogRecordData[]): void;
  shutdown(): Promise<void>;
}
