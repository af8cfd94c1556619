import type { SpanExporter } from './types.js';

/** Discards every span (`exporter: 'none'`): tracing context and request IDs without output. */
export class NoopSpanExporter implements SpanExporter {
  export(): Promise<void> {
    return Promise.resolve();
  }

  exportSync(): void {}

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
