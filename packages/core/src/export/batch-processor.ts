import { debug, warnOnce } from '../diag.js';
import type { TracekitSpan } from '../span.js';
import type { ReadableSpan, SpanExporter } from './types.js';

/** Counters the pipeline keeps. */
export interface PipelineCounters {
  spansEnded: number;
  spansExported: number;
  spansDropped: number;
  exportFailures: number;
}

export interface BatchOptions {
  maxQueueSize: number;
  maxBatchSize: number;
  batchDelayMs: number;
}

/** Applied to each span, off the request path, just before it is exported (metadata, redaction). */
export type SpanPreparer = (span: TracekitSpan) => void;

/**
 * The bounded queue between the request path and the exporter. `onEnd` only pushes (or drops
 * and counts, when full); batches leave on a timer or when a batch is full, one export at a time.
 */
export class BatchSpanProcessor {
  private queue: TracekitSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly options: BatchOptions,
    private readonly counters: PipelineCounters,
    private readonly prepare: SpanPreparer,
  ) {}

  get queueSize(): number {
    return this.queue.length;
  }

  onEnd(span: TracekitSpan): void {
    this.counters.spansEnded++;
    if (this.closed || this.queue.length >= this.options.maxQueueSize) {
      this.counters.spansDropped++;
      warnOnce('TK_QUEUE_FULL', `span queue full (${this.options.maxQueueSize} spans): spans are being dropped; see client.stats()`);
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.maxBatchSize) this.scheduleNow();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.exportNext();
      }, this.options.batchDelayMs);
      this.timer.unref();
    }
  }

  private scheduleNow(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.exportNext();
    });
  }

  private take(): ReadableSpan[] {
    const batch = this.queue.length <= this.options.maxBatchSize ? this.queue : this.queue.slice(0, this.options.maxBatchSize);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.options.maxBatchSize);
    for (const span of batch) {
      try {
        this.prepare(span);
      } catch (e) {
        debug(`preparing a span failed: ${String(e)}`);
      }
    }
    return batch;
  }

  /** Exports one batch, after the one in flight. */
  private exportNext(): Promise<void> {
    if (this.inFlight) return this.inFlight.then(() => this.exportNext());
    if (this.queue.length === 0) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.take();
    const run = this.exporter.export(batch).then(
      () => {
        this.counters.spansExported += batch.length;
      },
      (err: unknown) => {
        this.counters.exportFailures++;
        warnOnce('TK_EXPORT_FAILED', `export of ${batch.length} spans failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    this.inFlight = run.finally(() => {
      this.inFlight = undefined;
      if (this.queue.length >= this.options.maxBatchSize) this.scheduleNow();
      else if (this.queue.length > 0 && this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.exportNext();
        }, this.options.batchDelayMs);
        this.timer.unref();
      }
    });
    return this.inFlight;
  }

  /** Exports everything queued now. */
  async forceFlush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      if (this.inFlight) await this.inFlight;
      else await this.exportNext();
    }
  }

  /** Writes what is queued synchronously: only for the process's `exit` event. */
  flushSync(): void {
    if (this.queue.length === 0 || !this.exporter.exportSync) return;
    while (this.queue.length > 0) {
      const batch = this.take();
      try {
        this.exporter.exportSync(batch);
        this.counters.spansExported += batch.length;
      } catch {
        this.counters.exportFailures++;
      }
    }
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.exporter.shutdown();
  }
}
