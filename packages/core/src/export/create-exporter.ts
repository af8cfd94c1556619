import type { ResolvedConfig } from '../config.js';
import { ConsoleSpanExporter } from './console-exporter.js';
import { FileSpanExporter } from './file-exporter.js';
import { NoopSpanExporter } from './none-exporter.js';
import type { ExportMeta, SpanExporter } from './types.js';
import { FileLogExporter } from './file-log-exporter.js';
import type { LogExporter } from './log-types.js';
import path from 'node:path';

/** The exporter named by the configuration. */
export function createExporter(config: ResolvedConfig, meta: ExportMeta): SpanExporter {
  switch (config.exporter) {
    case 'none':
      return new NoopSpanExporter();
    case 'console':
      return new ConsoleSpanExporter();
    case 'otlp':
      // Until the OTLP exporter lands, OTLP configuration keeps the local store.
      return new FileSpanExporter(config.file, { maxBytes: config.maxFileBytes, maxFiles: config.maxFiles }, meta);
    case 'file':
    default:
      return new FileSpanExporter(config.file, { maxBytes: config.maxFileBytes, maxFiles: config.maxFiles }, meta);
  }
}

/** The logs file beside the traces file: `.tracekit/logs.jsonl` by default. */
export function logsFileFor(tracesFile: string): string {
  return path.join(path.dirname(tracesFile), 'logs.jsonl');
}

/** The log exporter named by the configuration. */
export function createLogExporter(config: ResolvedConfig, meta: ExportMeta): LogExporter {
  switch (config.exporter) {
    case 'none':
    case 'console':
      return { export: () => Promise.resolve(), exportSync: () => undefined, shutdown: () => Promise.resolve() };
    default:
      return new FileLogExporter(logsFileFor(config.file), { maxBytes: config.maxFileBytes, maxFiles: config.maxFiles }, meta);
  }
}
