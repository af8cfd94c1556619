import type { ReadableSpan, SpanExporter } from './types.js';

/** Keeps exported spans in memory: the test seam of the pipeline. */
export class InMemorySpanExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];

  export(spans: ReadableSpan[]): Promise<void> {
    this.spans.push(...spans);
    return Promise.resolve();
  }

  exportSync(spans: ReadableSpan[]): void {
    this.spans.push(...spans);
  }

  reset(): void {
    this.spans.length = 0;
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
