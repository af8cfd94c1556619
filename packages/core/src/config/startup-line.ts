import path from 'node:path';
import type { ResolvedConfig } from './config.js';

/** The startup diagnostic (with `debug`): where the data goes, and where to look at it. */
export function startupLine(config: ResolvedConfig): string {
  const where =
    config.exporter === 'file' ? `traces in ${config.file}` : config.exporter === 'otlp' ? `traces to ${config.tracesEndpoint ?? config.endpoint ?? 'the OTLP endpoint'}` : `exporter ${config.exporter}`;
  const viewer =
    config.exporter === 'file'
      ? `browse them with \`npx @tracekit/cli ui\` (http://127.0.0.1:4318, reads ${path.dirname(config.file)})`
      : config.exporter === 'otlp'
        ? 'the local viewer `npx @tracekit/cli ui` is an OTLP receiver on http://127.0.0.1:4318'
        : 'the local viewer: `npx @tracekit/cli ui`';
  return `started ${config.serviceName}${config.enabled ? '' : ' (disabled: nothing is recorded)'}: ${where}; ${viewer}`;
}
