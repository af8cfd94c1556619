import type { SpanExporter } from './types.js';

/**
 * Discards every span (`exporter: 'none'`): tracing context and request IDs without output.
 * It stages as the file store does, so a span is let go a tick after its request ended instead
 * of waiting in the queue for its batch (which kept every span of the last batch delay alive
 * and made the young generation copy them: docs/performance.md, round 6).
 */
export class NoopSpanExporter implements SpanExporter {
  export(): Promise<void> {
    return Promise.resolve();
  }

  exportSync(): void {}

  stage(): void {}

  sealStaged(): boolean {
    return true;
  }

  flushStaged(): Promise<void> {
    return Promise.resolve();
  }

  flushStagedSync(): void {}

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
