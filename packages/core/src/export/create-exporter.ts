import type { ResolvedConfig } from '../config.js';
import { ConsoleSpanExporter } from './console-exporter.js';
import { FileSpanExporter } from './file-exporter.js';
import { NoopSpanExporter } from './none-exporter.js';
import type { ExportMeta, SpanExporter } from './types.js';

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
