import type { Attributes } from '@opentelemetry/api';
import type { TracekitSpan } from '../tracing/span.js';

/** A finished span as exporters see it (after metadata and redaction were applied). */
export type ReadableSpan = TracekitSpan;

/** The resource and scope every batch is exported with. */
export interface ExportMeta {
  resource: Attributes;
  scope: { name: string; version: string };
}

/**
 * Sends batches of finished spans somewhere. One class per file; `export` rejects when the
 * batch was not delivered, so the pipeline can count (and later retry or spool) it.
 */
export interface SpanExporter {
  export(spans: ReadableSpan[]): Promise<void>;
  /** Writes a last batch synchronously while the process exits; optional. */
  exportSync?(spans: ReadableSpan[]): void;
  shutdown(): Promise<void>;
}
