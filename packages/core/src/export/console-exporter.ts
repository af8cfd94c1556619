import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from './types.js';

/** Development output: one line per finished span on stdout, children indented under their parent. */
export class ConsoleSpanExporter implements SpanExporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n')) {}

  export(spans: ReadableSpan[]): Promise<void> {
    this.exportSync(spans);
    return Promise.resolve();
  }

  exportSync(spans: ReadableSpan[]): void {
    const depth = new Map<string, number>();
    for (const span of spans) {
      const d = span.parentSpanId !== undefined && depth.has(span.parentSpanId) ? (depth.get(span.parentSpanId) ?? 0) + 1 : 0;
      depth.set(span.spanId, d);
      const status = span.attributes['http.response.status_code'];
      const kind = span.kind === SpanKind.SERVER ? 'HTTP' : SpanKind[span.kind];
      this.write(`${'  '.repeat(d)}${kind} ${span.name}${status !== undefined ? ` ${String(status)}` : ''} ${span.durationMs.toFixed(2)}ms trace=${span.traceId}`);
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
