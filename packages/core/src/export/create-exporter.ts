import path from 'node:path';
import type { ResolvedConfig } from '../config/config.js';
import { LOG_COUNTERS, SPAN_COUNTERS, type PipelineCounters } from './batch-processor.js';
import { ConsoleSpanExporter } from './console-exporter.js';
import { EventsFileExporter } from './events-exporter.js';
import { FileSpanExporter } from './file-exporter.js';
import { FileLogExporter } from './file-log-exporter.js';
import type { LogExporter } from './log-types.js';
import { NoopSpanExporter } from './none-exporter.js';
import { encodeLogs, encodeTraces } from './otlp-encoding.js';
import { otlpTransformer } from './otlp-transformer.js';
import { OtlpHttpExporter, type ExportStager } from './otlp-exporter.js';
import { TracesProtobufStager } from './otlp-protobuf.js';
import { Spool } from './spool.js';
import type { ExportMeta, ReadableSpan, SpanExporter } from './types.js';

/** The OpenTelemetry default when `exporter: 'otlp'` is chosen without an endpoint. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/**
 * The headers of every OTLP request: `headers` / `OTEL_EXPORTER_OTLP_HEADERS`, and `apiKey` as
 * `Authorization: Bearer <apiKey>` (the form a Collector's bearer-token authenticator and most
 * vendors accept) unless the headers already carry an `authorization`.
 */
export function otlpHeaders(config: Pick<ResolvedConfig, 'headers' | 'apiKey'>): Record<string, string> {
  const headers = { ...config.headers };
  if (config.apiKey !== undefined && headers.authorization === undefined) headers.authorization = `Bearer ${config.apiKey}`;
  return headers;
}

/** The logs file beside the traces file: `.tracekit/logs.jsonl` by default. */
export function logsFileFor(tracesFile: string): string {
  return path.join(path.dirname(tracesFile), 'logs.jsonl');
}

/** The span and log exporters the configuration names; both OTLP exporters share one spool. */
export interface Exporters {
  spans: SpanExporter;
  logs: LogExporter;
}

/**
 * Builds the exporters. `counters` is the client's stats object: the OTLP exporters count
 * retries, spooled, rejected and replayed items there.
 */
export function createExporters(config: ResolvedConfig, meta: ExportMeta, counters: PipelineCounters): Exporters {
  const fileOptions = { maxBytes: config.maxFileBytes, maxFiles: config.maxFiles };
  const noLogs: LogExporter = { export: () => Promise.resolve(), exportSync: () => undefined, shutdown: () => Promise.resolve() };
  switch (config.exporter) {
    case 'none':
      return { spans: new NoopSpanExporter(), logs: noLogs };
    case 'console':
      return { spans: new ConsoleSpanExporter(), logs: noLogs };
    case 'otlp': {
      const spool = config.spool
        ? new Spool({ dir: config.spoolDir, maxBytes: config.spoolMaxBytes, maxAgeMs: config.spoolMaxAgeMs }, counters, (signal) =>
            signal === 'traces' ? SPAN_COUNTERS.spoolDropped : LOG_COUNTERS.spoolDropped,
          )
        : undefined;
      // Logs and collectors' partial-success answers go through the official serializers: loaded now, not on a request.
      otlpTransformer();
      const common = {
        protocol: config.protocol,
        compression: config.compression,
        headers: otlpHeaders(config),
        timeoutMs: config.exportTimeoutMs,
        retry: { maxRetries: config.maxExportRetries, initialDelayMs: config.retryInitialDelayMs, maxDelayMs: config.retryMaxDelayMs },
        spool,
        counters,
      };
      return {
        spans: new OtlpHttpExporter({
          ...common,
          signal: 'traces',
          url: config.tracesEndpoint ?? `${DEFAULT_OTLP_ENDPOINT}/v1/traces`,
          names: SPAN_COUNTERS,
          encode: (spans) => encodeTraces(spans, meta, config.protocol),
          // Protobuf (the default): each span encoded once its request has ended, not kept until the batch is due.
          ...(config.protocol === 'http/protobuf' ? { stager: protobufStager(meta) } : {}),
        }),
        logs: new OtlpHttpExporter({
          ...common,
          signal: 'logs',
          url: config.logsEndpoint ?? `${DEFAULT_OTLP_ENDPOINT}/v1/logs`,
          names: LOG_COUNTERS,
          encode: (records) => encodeLogs(records, meta, config.protocol),
        }),
      };
    }
    case 'file':
    default:
      return {
        spans: config.fileFormat === 'events' ? new EventsFileExporter(config.file, fileOptions, meta) : new FileSpanExporter(config.file, fileOptions, meta),
        logs: new FileLogExporter(logsFileFor(config.file), fileOptions, meta),
      };
  }
}

/** The OTLP span exporter's stager for protobuf (the pipeline hands it spans once their request has ended). */
function protobufStager(meta: ExportMeta): ExportStager<ReadableSpan> {
  const stager = new TracesProtobufStager(meta);
  return { stage: (spans) => stager.stage(spans), finish: () => stager.finish() };
}
