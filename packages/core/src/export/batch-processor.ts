import { debug, isDebug, warnOnce } from '../diag.js';
import { nowMs } from '../tracing/time.js';
import { ChunkQueue } from './chunk-queue.js';
import { WaitingItems } from './waiting-items.js';

/** Counters the pipeline keeps (the names differ per signal; see {@link CounterNames}). */
export type PipelineCounters = Record<string, number>;

/** Which counters a pipeline (and its exporter) increments. */
export interface CounterNames {
  /** Items handed to the pipeline. */
  received: string;
  /** Items delivered (live or replayed from the spool). */
  exported: string;
  /** Items dropped because the queue was full. */
  dropped: string;
  /** Batches that were not delivered when they were exported. */
  failures: string;
  /** Retries of export requests. */
  retries: string;
  /** Items written to the disk spool. */
  spooled: string;
  /** Items the endpoint refused for good (4xx other than 429, partial success). */
  rejected: string;
  /** Items dropped from the spool by its bounds (bytes, age). */
  spoolDropped: string;
}

export const SPAN_COUNTERS: CounterNames = {
  received: 'spansEnded',
  exported: 'spansExported',
  dropped: 'spansDropped',
  failures: 'exportFailures',
  retries: 'exportRetries',
  spooled: 'spansSpooled',
  rejected: 'spansRejected',
  spoolDropped: 'spansSpoolDropped',
};
export const LOG_COUNTERS: CounterNames = {
  received: 'logsEmitted',
  exported: 'logsExported',
  dropped: 'logsDropped',
  failures: 'logExportFailures',
  retries: 'logExportRetries',
  spooled: 'logsSpooled',
  rejected: 'logsRejected',
  spoolDropped: 'logsSpoolDropped',
};

/**
 * Where a batch goes: a span or log exporter. `export` rejects when the batch was not
 * delivered (it may have been spooled); the optional hooks serve flushes with a deadline and
 * the process's `exit` event.
 */
export interface BatchExporter<T> {
  /** `deadline` (epoch ms) is set while a flush or shutdown must finish. */
  export(items: T[], deadline?: number): Promise<void>;
  /** Writes a batch synchronously (the `exit` event, or what a flush could not send in time). Throws when not delivered. */
  exportSync?(items: T[]): void;
  /** The process is exiting: keep whatever is still in flight (the OTLP exporter spools it). */
  drainSync?(): void;
  /** A flush must end by `deadline`; `undefined` when it is over. */
  setDeadline?(deadline: number | undefined): void;
  shutdown(): Promise<void>;
  /**
   * Staging (the file store): items are encoded soon after they arrive, a tick later, instead
   * of waiting in the queue for their batch, and the encoded batch is written as one. Items
   * then die young, which the garbage collector makes much cheaper than items that survive
   * into the old generation while their batch fills (docs/performance.md).
   */
  stage?(items: T[]): void;
  /**
   * Closes the batch being staged; it is sent before anything staged later. The pipeline seals
   * a full batch while an export is still in flight (a slow or unreachable endpoint), so that
   * the items behind it are encoded and let go too, instead of waiting in the queue as objects
   * (which the young generation then copies and grows for). Returns false when there was
   * nothing to seal.
   */
  sealStaged?(): boolean;
  /** Writes the oldest sealed batch, or else what was staged, as one batch. */
  flushStaged?(deadline?: number): Promise<void>;
  /** The same, synchronously. */
  flushStagedSync?(): void;
}

export interface BatchOptions {
  /** Default 2048. */
  maxQueueSize: number;
  /** Default 512. */
  maxBatchSize: number;
  /** Default 1000 ms. */
  batchDelayMs: number;
}

/** Applied to each item, off the request path, just before it is exported (metadata, redaction). */
export type Preparer<T> = (item: T) => void;

/**
 * Which queued items wait before they are prepared and exported (a span whose request is still
 * running: stage-after-request.ts). Waiting items are set aside, grouped by what they wait for.
 */
export interface WaitPolicy<T> {
  /** What the item waits for, or undefined when it may go now. `now` is read once per pass. */
  waitsFor(item: T, now: number): object | undefined;
  /** What an item ends by arriving (a request's SERVER span ends its request's wait), if anything. */
  ends(item: T): object | undefined;
}

/** Of a flush's time, what is kept back from the network for writing undelivered batches to disk. */
const SPOOL_RESERVE_MS = 250;

/** How often, at most, debug mode reports drops after the first warning. */
const DROP_REPORT_INTERVAL_MS = 1000;

/**
 * Waiting items leave with the next batch anyway once the queue is this full (a fraction of
 * `maxQueueSize`): long requests with many ended spans must not make new spans drop.
 */
const WAIT_UNTIL_QUEUE_FRACTION = 0.5;

/**
 * Items added since the last staging pass past which the next pass runs at the end of the
 * current task (a microtask) instead of in the check phase. A loaded server answers many
 * requests in one poll phase (one per socket with data); their spans all lived until the check
 * phase, and a young-generation collection in between copied them (and V8 sized its young
 * generation for them). Staging every 16 spans bounds that to about 8 requests' spans, and
 * keeps one pass for many requests. The request that crossed the bound is staged at the end of
 * its task rather than in the check phase: metadata set after its response finished, in that
 * loop turn, no longer reaches it.
 */
const STAGE_SOONER_AFTER = 16;

/**
 * The bounded queue between the request path and an exporter, for spans and log records alike.
 * `add` only pushes (or drops and counts, when full: one line on stderr the first time, one a
 * second at most with `TRACEKIT_DEBUG=1`); batches leave on a timer or when a batch is full,
 * one export at a time.
 */
export class BatchProcessor<T> {
  private readonly queue: ChunkQueue<T>;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private droppedHere = 0;
  private lastDropReport = 0;
  /** Items encoded by a staging exporter and not yet written. */
  private staged = 0;
  private stagingScheduled = false;
  /** Items added since the last staging pass, and whether a sooner pass is queued (STAGE_SOONER_AFTER). */
  private addedSincePass = 0;
  private soonScheduled = false;
  private readonly staging: boolean;
  /** Item counts of the sealed batches (BatchExporter.sealStaged), oldest first, and their sum. */
  private readonly sealed: number[] = [];
  private sealedTotal = 0;
  /** Items set aside by the wait policy (a span of a running request), not in `queue`. */
  private readonly waiting = new WaitingItems<T>();

  /**
   * `waits`: which items wait before they are prepared (spans of a request still running).
   * They are set aside while the items behind them go on, and come back when what they wait
   * for ends, once the policy no longer holds them (looked at when a batch is due), when the
   * queue is half full, or with a flush.
   */
  constructor(
    private readonly exporter: BatchExporter<T>,
    private readonly options: BatchOptions,
    private readonly counters: PipelineCounters,
    private readonly prepare: Preparer<T>,
    private readonly names: CounterNames = SPAN_COUNTERS,
    private readonly waits?: WaitPolicy<T>,
  ) {
    for (const key of Object.values(names)) counters[key] ??= 0;
    this.queue = new ChunkQueue<T>(options.maxBatchSize);
    this.staging = typeof exporter.stage === 'function' && typeof exporter.flushStaged === 'function';
  }

  /**
   * How a pass treats the queue's items: undefined when everything may go (no wait policy, a
   * flush, or a queue half full, when everything set aside comes back first); else a function
   * that sets a waiting item aside and returns true.
   */
  private divertNow(all: boolean): ((item: T) => boolean) | undefined {
    const policy = this.waits;
    if (policy === undefined) return undefined;
    if (all || this.queue.length + this.waiting.size >= this.options.maxQueueSize * WAIT_UNTIL_QUEUE_FRACTION) {
      this.waiting.releaseAll(this.requeue);
      return undefined;
    }
    const now = nowMs();
    const waiting = this.waiting;
    return (item) => {
      const key = policy.waitsFor(item, now);
      if (key === undefined) return false;
      waiting.add(key, item);
      return true;
    };
  }

  private readonly requeue = (item: T): void => this.queue.push(item);

  /** Items waiting: queued, or staged and not yet written. */
  get queueSize(): number {
    return this.queue.length + this.waiting.size + this.staged + this.sealedTotal;
  }

  /** True while items are queued or staged, or a batch is being exported. */
  get busy(): boolean {
    return this.queue.length > 0 || this.waiting.size > 0 || this.staged > 0 || this.sealedTotal > 0 || this.inFlight !== undefined;
  }

  /** The SpanSink interface: a span ended. */
  onEnd(item: T): void {
    this.add(item);
  }

  add(item: T): void {
    this.counters[this.names.received]!++;
    // A request's SERVER span brings back the spans set aside for that request.
    if (this.waiting.size > 0) {
      const ended = this.waits!.ends(item);
      const back = ended === undefined ? undefined : this.waiting.release(ended);
      if (back !== undefined) for (const waited of back) this.queue.push(waited);
    }
    if (this.closed || this.queueSize >= this.options.maxQueueSize) {
      this.counters[this.names.dropped]!++;
      this.reportDrop();
      return;
    }
    this.queue.push(item);
    if (this.staging) {
      if (!this.stagingScheduled) {
        this.stagingScheduled = true;
        setImmediate(this.stagePass);
      }
      // A burst (many sockets read in one poll phase) stages as it goes rather than keeping every
      // request's spans until the check phase: see STAGE_SOONER_AFTER.
      if (++this.addedSincePass >= STAGE_SOONER_AFTER && !this.soonScheduled) {
        this.soonScheduled = true;
        queueMicrotask(this.soonPass);
      }
    }
    if (this.queue.length + this.staged + this.sealedTotal >= this.options.maxBatchSize) this.scheduleNow();
    else if (this.timer === undefined) this.scheduleLater();
  }

  /** Prepares and stages the queued items that may be staged, oldest first (see BatchExporter.stage). */
  private readonly stagePass = (): void => {
    this.stagingScheduled = false;
    this.stageReady(false);
  };

  /** The same, at the end of the current task, once a burst added STAGE_SOONER_AFTER items. */
  private readonly soonPass = (): void => {
    this.soonScheduled = false;
    this.stageReady(false);
  };

  /** Stages queued items (those that need not wait, or `all`) until the staged batch is full. */
  private stageReady(all: boolean): void {
    this.addedSincePass = 0;
    const exporter = this.exporter;
    const divert = this.divertNow(all);
    for (;;) {
      const room = this.options.maxBatchSize - this.staged;
      if (room <= 0) {
        // The batch being staged is full and not sent yet: seal it and stage on into the next.
        if (this.queue.length === 0 || !this.exporter.sealStaged) return;
        this.seal();
        continue;
      }
      // An item that may not be staged yet (a span of a request still running) is set aside
      // without holding back the ready ones behind it: they are staged now and let go.
      const items = this.queue.takeUpTo(room, divert);
      if (items.length === 0) return;
      this.prepareAll(items);
      try {
        exporter.stage!(items);
        this.staged += items.length;
      } catch (e) {
        this.counters[this.names.failures]!++;
        debug(`staging items for export failed: ${String(e)}`);
      }
      // Fewer than there was room for: the queue is empty.
      if (items.length < room) return;
    }
  }

  private seal(): void {
    const count = this.staged;
    this.staged = 0;
    let sealed = false;
    try {
      sealed = this.exporter.sealStaged!();
    } catch (e) {
      this.counters[this.names.failures]!++;
      debug(`sealing a staged batch failed: ${String(e)}`);
      return;
    }
    if (sealed) {
      this.sealed.push(count);
      this.sealedTotal += count;
    } else this.counters[this.names.exported]! += count;
  }

  /** The item count of the batch the exporter's next `flushStaged` writes: the oldest sealed one, else the one being staged. */
  private takeStagedBatch(): number {
    const sealed = this.sealed.shift();
    if (sealed !== undefined) {
      this.sealedTotal -= sealed;
      return sealed;
    }
    const count = this.staged;
    this.staged = 0;
    return count;
  }

  private reportDrop(): void {
    this.droppedHere++;
    if (this.droppedHere === 1) {
      warnOnce(
        `TK_QUEUE_FULL_${this.names.dropped}`,
        this.closed
          ? `${this.names.dropped}: an item arrived after shutdown and was dropped; see client.stats()`
          : `export queue full (${this.options.maxQueueSize} items): the exporter cannot keep up, so new items are dropped and counted in ${this.names.dropped}; see client.stats()`,
      );
      this.lastDropReport = Date.now();
    } else if (isDebug() && Date.now() - this.lastDropReport >= DROP_REPORT_INTERVAL_MS) {
      this.lastDropReport = Date.now();
      debug(`${this.names.dropped}: ${this.droppedHere} dropped so far (queue ${this.queue.length}/${this.options.maxQueueSize})`);
    }
  }

  private scheduleLater(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // An export in flight reschedules when it ends.
      if (!this.inFlight) void this.exportNext();
    }, this.options.batchDelayMs);
    this.timer.unref();
  }

  private scheduleNow(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // Not chained onto an export in flight: that one schedules the next batch when it ends.
      // (Chaining here added a callback per event-loop turn for as long as a slow endpoint
      // kept the export in flight.)
      if (!this.inFlight) void this.exportNext();
    });
  }

  /** The oldest batch of what may leave now (see {@link divertNow}), prepared. */
  private take(all: boolean): T[] {
    const divert = this.divertNow(all);
    const batch = divert ? this.queue.takeUpTo(this.options.maxBatchSize, divert) : this.queue.take();
    this.prepareAll(batch);
    return batch;
  }

  private prepareAll(batch: T[]): void {
    for (const item of batch) {
      try {
        this.prepare(item);
      } catch (e) {
        debug(`preparing an item for export failed: ${String(e)}`);
      }
    }
  }

  /**
   * Exports one batch, after the one in flight. `all` (a flush): everything queued may go,
   * also items that would still wait for their request (see {@link divertNow}).
   */
  private exportNext(deadline?: number, all = false): Promise<void> {
    if (this.inFlight) return this.inFlight.then(() => this.exportNext(deadline, all));
    this.releaseWaitsOver();
    if (this.queue.length === 0 && this.staged === 0 && this.sealedTotal === 0 && (!all || this.waiting.size === 0)) return this.nothingDue();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    let count: number;
    let run: Promise<void>;
    if (this.staging) {
      // The batch is due: what may leave joins it now (unless sealed batches are older: they go first).
      if (this.sealed.length === 0) this.stageReady(all);
      if (this.sealed.length === 0 && this.staged === 0) return this.nothingDue();
      count = this.takeStagedBatch();
      try {
        run = this.exporter.flushStaged!(deadline);
      } catch (e) {
        run = Promise.reject(e);
      }
    } else {
      const batch = this.take(all);
      if (batch.length === 0) return this.nothingDue();
      count = batch.length;
      try {
        run = this.exporter.export(batch, deadline);
      } catch (e) {
        run = Promise.reject(e);
      }
    }
    const counted = run.then(
      () => {
        this.counters[this.names.exported]! += count;
      },
      (err: unknown) => {
        this.counters[this.names.failures]!++;
        if (!(err as { reported?: boolean } | undefined)?.reported) {
          warnOnce(`TK_EXPORT_FAILED_${this.names.failures}`, `export of ${count} items failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      },
    );
    this.inFlight = counted.finally(() => {
      this.inFlight = undefined;
      const pending = this.queue.length + this.staged + this.sealedTotal;
      if (pending >= this.options.maxBatchSize) this.scheduleNow();
      else if ((pending > 0 || this.waiting.size > 0) && this.timer === undefined) this.scheduleLater();
    });
    return this.inFlight;
  }

  /** Nothing to export now (everything left waits for its request, or nothing is left): look again after the batch delay if anything is left. */
  private nothingDue(): Promise<void> {
    if ((this.queue.length > 0 || this.waiting.size > 0) && this.timer === undefined) this.scheduleLater();
    return Promise.resolve();
  }

  /**
   * Brings back the groups set aside whose wait is over: their request ended without its SERVER
   * span passing here (an adopted span, a full queue), or their oldest item waited long enough.
   */
  private releaseWaitsOver(): void {
    const policy = this.waits;
    if (policy === undefined || this.waiting.size === 0) return;
    const now = nowMs();
    this.waiting.releaseWhere((_key, oldest) => policy.waitsFor(oldest, now) === undefined, this.requeue);
  }

  /**
   * Exports everything queued now. With `timeoutMs`, it ends by then: the exporter is told a
   * slightly earlier deadline (it cuts retries and requests short, and the time left is for
   * writing what it could not send to the spool), what is still queued at the deadline is
   * handed to `exportSync`, and a ref'd timer keeps the process alive meanwhile (export sockets
   * and timers are unref'd so they never hold it open alone).
   */
  async forceFlush(timeoutMs?: number): Promise<void> {
    if (timeoutMs === undefined) {
      while (this.busy) {
        if (this.inFlight) await this.inFlight;
        else await this.exportNext(undefined, true);
      }
      return;
    }
    const deadline = Date.now() + timeoutMs;
    const networkDeadline = deadline - Math.min(SPOOL_RESERVE_MS, Math.floor(timeoutMs / 5));
    let expire: () => void = () => undefined;
    const expired = new Promise<void>((resolve) => (expire = resolve));
    const keepAlive = setTimeout(expire, timeoutMs);
    this.exporter.setDeadline?.(networkDeadline);
    try {
      while (this.busy && Date.now() < deadline) {
        await Promise.race([this.inFlight ?? this.exportNext(networkDeadline, true), expired]);
      }
      if (this.queue.length > 0 || this.waiting.size > 0 || this.staged > 0 || this.sealedTotal > 0) this.flushSync(false);
    } finally {
      clearTimeout(keepAlive);
      expire();
      if (!this.closed) this.exporter.setDeadline?.(undefined);
    }
  }

  /**
   * Writes what is queued synchronously: for the process's `exit` event (which also drains what
   * the exporter has in flight) and for what a flush could not export before its deadline.
   */
  flushSync(exiting = true): void {
    // Nothing waits any more: what was set aside goes with the rest.
    this.waiting.releaseAll(this.requeue);
    if (this.staging && this.exporter.flushStagedSync) {
      while (this.queue.length > 0 || this.staged > 0 || this.sealed.length > 0) {
        if (this.sealed.length === 0) this.stageReady(true);
        const count = this.takeStagedBatch();
        try {
          if (count > 0) this.exporter.flushStagedSync();
          this.counters[this.names.exported]! += count;
        } catch {
          this.counters[this.names.failures]!++;
        }
      }
    } else if (this.exporter.exportSync) {
      while (this.queue.length > 0) {
        const batch = this.take(true);
        try {
          this.exporter.exportSync(batch);
          this.counters[this.names.exported]! += batch.length;
        } catch {
          this.counters[this.names.failures]!++;
        }
      }
    }
    if (exiting) {
      try {
        this.exporter.drainSync?.();
      } catch {
        // the process is exiting
      }
    }
  }

  /** Flushes (within `timeoutMs` when given), then stops: later items are dropped and counted. */
  async shutdown(timeoutMs?: number): Promise<void> {
    await this.forceFlush(timeoutMs);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.exporter.shutdown();
  }
}
