import { debug, warnOnce } from '../diag.js';

/** Counters the pipeline keeps (the names differ per signal; see {@link CounterNames}). */
export type PipelineCounters = Record<string, number>;

/** Which counters a pipeline increments. */
export interface CounterNames {
  received: string;
  exported: string;
  dropped: string;
  failures: string;
}

export const SPAN_COUNTERS: CounterNames = { received: 'spansEnded', exported: 'spansExported', dropped: 'spansDropped', failures: 'exportFailures' };
export const LOG_COUNTERS: CounterNames = { received: 'logsEmitted', exported: 'logsExported', dropped: 'logsDropped', failures: 'logExportFailures' };

/** Where a batch goes: a span or log exporter. */
export interface BatchExporter<T> {
  export(items: T[]): Promise<void>;
  exportSync?(items: T[]): void;
  shutdown(): Promise<void>;
}

export interface BatchOptions {
  maxQueueSize: number;
  maxBatchSize: number;
  batchDelayMs: number;
}

/** Applied to each item, off the request path, just before it is exported (metadata, redaction). */
export type Preparer<T> = (item: T) => void;

/**
 * The bounded queue between the request path and an exporter, for spans and log records alike.
 * `add` only pushes (or drops and counts, when full); batches leave on a timer or when a batch
 * is full, one export at a time.
 */
export class BatchProcessor<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly exporter: BatchExporter<T>,
    private readonly options: BatchOptions,
    private readonly counters: PipelineCounters,
    private readonly prepare: Preparer<T>,
    private readonly names: CounterNames = SPAN_COUNTERS,
  ) {
    for (const key of Object.values(names)) counters[key] ??= 0;
  }

  get queueSize(): number {
    return this.queue.length;
  }

  /** The SpanSink interface: a span ended. */
  onEnd(item: T): void {
    this.add(item);
  }

  add(item: T): void {
    this.counters[this.names.received]!++;
    if (this.closed || this.queue.length >= this.options.maxQueueSize) {
      this.counters[this.names.dropped]!++;
      warnOnce(`TK_QUEUE_FULL_${this.names.dropped}`, `export queue full (${this.options.maxQueueSize} items): ${this.names.dropped} counts what is dropped; see client.stats()`);
      return;
    }
    this.queue.push(item);
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

  private take(): T[] {
    const batch = this.queue.length <= this.options.maxBatchSize ? this.queue : this.queue.slice(0, this.options.maxBatchSize);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.options.maxBatchSize);
    for (const item of batch) {
      try {
        this.prepare(item);
      } catch (e) {
        debug(`preparing an item for export failed: ${String(e)}`);
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
        this.counters[this.names.exported]! += batch.length;
      },
      (err: unknown) => {
        this.counters[this.names.failures]!++;
        warnOnce(`TK_EXPORT_FAILED_${this.names.failures}`, `export of ${batch.length} items failed: ${err instanceof Error ? err.message : String(err)}`);
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
        this.counters[this.names.exported]! += batch.length;
      } catch {
        this.counters[this.names.failures]!++;
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
