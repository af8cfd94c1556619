import { SpanKind, type Attributes, type Exception, type Span } from '@opentelemetry/api';
import { debug } from '../diag.js';
import { errorMessage, errorType, exceptionAttributes } from './exception.js';
import { UnsampledSpan } from '../sampling/unsampled-span.js';
import { TracekitSpan, type SpanSink } from '../tracing/span.js';
import { captureError, type CapturedError } from './captured-error.js';
import type { CodeInventory, InventoryPlace } from './code-inventory.js';
import type { CompletedDetails } from './details-memo.js';
import { DetailsWorker, type DetailsSettings } from './details-worker.js';
import { defaultOwnFileTest, type OwnFileTest } from './own-frames.js';
import type { ResolvedCapture } from './resolve-frames.js';

/** What the recorder needs from the configuration. */
export type ErrorRecorderSettings = DetailsSettings;

/** Counters the recorder keeps (part of `client.stats()`). */
export interface ErrorCounters {
  [counter: string]: number;
}

const RESOLVED = Promise.resolve();

/** How long an ended span may wait for its errors' details before it is exported without them. */
export const SETTLE_TIMEOUT_MS = 2000;
/** Spans that may wait at once; beyond this they are exported at once, with whatever details are ready. */
const MAX_HELD_SPANS = 1024;

/** The fingerprint: the one detail every event of an exception keeps (docs/errors.md, "one full event"). */
const FINGERPRINT = 'tracekit.error.fingerprint';

/**
 * Where an exception's event sits, which decides how much of the details it gets: the SERVER
 * span (or a log record) gets the full event; any other span the same exception passed through
 * gets type, message and fingerprint only, unless the exception never reached a SERVER span.
 */
const enum Place {
  Child = 0,
  Server = 1,
  Log = 2,
}

/** An event's (or log record's) attributes, waiting for the details, and where the event sits. */
interface Target {
  attributes: Attributes;
  place: Place;
}

/** One thrown value being recorded: the event attributes waiting for its details. */
interface Entry {
  /** The thrown value, until its stack is read (off the request path); then `undefined`. */
  thrown: unknown;
  type: string;
  message: string;
  /** The stack texts, read off the request path. */
  capture?: CapturedError;
  /** Event (or log record) attributes to complete when the details are ready. */
  targets: Target[];
  /** True once the full details went on a span event (later events of it get the brief form). */
  fullOnSpan?: boolean;
  /** Spans holding an event of this entry. */
  spans: Set<TracekitSpan>;
  /** The details, once worked out. */
  details?: Attributes;
  /** In-app places, once worked out (for the inventory when the same value is recorded again). */
  places?: InventoryPlace[];
  /** Settles when the details are complete. */
  promise: Promise<void>;
  done?: () => void;
}

/**
 * Records thrown values as `exception` events and completes them off the request path.
 *
 * On the request path, `record` only reads the error's type and message and adds the event. Its
 * stack text (which V8 formats on first read), frames, source maps, source context, fingerprint
 * and culprit location are worked out after a `setImmediate`, with files read asynchronously
 * through bounded caches, and written into the same event's attributes; an error seen before
 * with the same stack reuses its details. As the span sink in front of the export pipeline, the
 * recorder holds an ended span until its errors are complete (bounded in time and number), so
 * exporters and redaction always see finished events. When the process is about to exit,
 * `settleSync` finishes everything synchronously.
 */
export class ErrorRecorder implements SpanSink {
  private readonly byValue = new WeakMap<object, Entry>();
  private readonly unresolved = new Set<Entry>();
  private readonly spanEntries = new WeakMap<TracekitSpan, Entry[]>();
  private readonly held = new Set<TracekitSpan>();
  private readonly worker: DetailsWorker;
  /** Entries waiting for the next `setImmediate`, worked out together. */
  private queue: Entry[] = [];

  constructor(
    settings: ErrorRecorderSettings,
    private readonly next: SpanSink,
    readonly inventory: CodeInventory,
    private readonly counters: ErrorCounters = {},
    isOwn: OwnFileTest = defaultOwnFileTest(),
  ) {
    counters.errorsCaptured ??= 0;
    counters.errorDetailsLate ??= 0;
    this.worker = new DetailsWorker(settings, isOwn);
  }

  /**
   * Adds an `exception` event for `err` to `span`, with `exception.type` and `exception.message`
   * at once, and `exception.stacktrace` and the details (fingerprint, frames, culprit) as soon as
   * they are worked out. Non-recording spans are skipped (a dropped trace's span only notes the
   * exception, so tail sampling can keep the request: sampling/unsampled-span.ts). Never throws.
   */
  record(span: Span, err: unknown): void {
    try {
      if (!span.isRecording()) {
        if (span instanceof UnsampledSpan) span.recordException(err as Exception);
        return;
      }
      if (span instanceof TracekitSpan) {
        const entry = this.entryFor(err);
        span.addEvent('exception', this.targetOf(entry, span.kind === SpanKind.SERVER ? Place.Server : Place.Child));
        if (!entry.details) {
          entry.spans.add(span);
          const list = this.spanEntries.get(span);
          if (list) list.push(entry);
          else this.spanEntries.set(span, [entry]);
        }
        return;
      }
      // Another SDK's span copies the attributes at once: give it what the caches allow now.
      const entry = this.entryFor(err);
      const attributes = this.targetOf(entry, Place.Log);
      if (!entry.details) {
        const capture = this.captureOf(entry);
        if (capture.stacktrace !== undefined) attributes['exception.stacktrace'] = capture.stacktrace;
        Object.assign(attributes, this.worker.now(capture).details);
      }
      span.addEvent('exception', attributes);
    } catch (e) {
      debug(`recording an exception failed: ${String(e)}`);
      try {
        span.addEvent('exception', exceptionAttributes(err));
      } catch {
        // A foreign span that throws: nothing more to do.
      }
    }
  }

  /**
   * The attributes of an exception record for `err` (for a log record), completed in place when
   * the details are ready. Call {@link settleSync} or await {@link idle} before exporting them.
   */
  attributesFor(err: unknown): Attributes {
    return this.targetOf(this.entryFor(err), Place.Log);
  }

  /** The SpanSink interface: a span ended. It goes on at once unless its errors are still being completed. */
  onEnd(span: TracekitSpan): void {
    if (this.unresolved.size === 0) return this.next.onEnd(span);
    const entries = this.spanEntries.get(span);
    if (!entries || entries.every((e) => e.details) || this.held.size >= MAX_HELD_SPANS) {
      if (entries && this.held.size >= MAX_HELD_SPANS) this.counters.errorDetailsLate!++;
      return this.next.onEnd(span);
    }
    this.held.add(span);
  }

  /** Errors still being completed, or spans waiting for them. */
  get busy(): boolean {
    return this.unresolved.size > 0 || this.held.size > 0;
  }

  /** Resolves when every recorded error is complete and its spans went on to the pipeline. */
  async idle(): Promise<void> {
    while (this.unresolved.size > 0) await Promise.all([...this.unresolved].map((e) => e.promise));
  }

  /** Completes every pending error now, reading files synchronously: only for the process's last moments. */
  settleSync(): void {
    this.queue = [];
    for (const entry of [...this.unresolved]) {
      try {
        this.complete(entry, this.worker.loadSync(this.captureOf(entry)));
      } catch (e) {
        this.fail(entry, e);
      }
    }
  }

  private entryFor(err: unknown): Entry {
    const keyed = err !== null && (typeof err === 'object' || typeof err === 'function');
    const known = keyed ? this.byValue.get(err) : undefined;
    // The same value recorded on two spans of one request (the SERVER span and the handler span)
    // is one error; recorded again after it was completed (a cached rejection), it is another.
    if (known && !known.details) return known;
    this.counters.errorsCaptured!++;
    const entry: Entry = known
      ? { thrown: undefined, type: known.type, message: known.message, capture: known.capture, targets: [], spans: new Set(), promise: RESOLVED }
      : { thrown: err, type: errorType(err), message: errorMessage(err), targets: [], spans: new Set(), promise: RESOLVED };
    if (known) {
      // Completed before: the same details, counted again.
      this.complete(entry, { details: known.details!, places: known.places ?? [] });
    } else {
      this.unresolved.add(entry);
      entry.promise = new Promise<void>((resolve) => (entry.done = resolve));
      // One setImmediate works out every error recorded in this turn, after the request's own code.
      if (this.queue.push(entry) === 1) setImmediate(() => this.drain());
    }
    if (keyed) this.byValue.set(err, entry);
    return entry;
  }

  private targetOf(entry: Entry, place: Place): Attributes {
    const attributes: Attributes = { 'exception.type': entry.type, 'exception.message': entry.message };
    if (!entry.details) entry.targets.push({ attributes, place });
    else if (place === Place.Child && entry.fullOnSpan) this.fillBrief(attributes, entry);
    else {
      this.fill(attributes, entry);
      if (place !== Place.Log) entry.fullOnSpan = true;
    }
    return attributes;
  }

  /** The brief form, for the other spans an exception passed through: the fingerprint joins them to the full event. */
  private fillBrief(attributes: Attributes, entry: Entry): void {
    const fingerprint = entry.details?.[FINGERPRINT];
    if (fingerprint !== undefined) attributes[FINGERPRINT] = fingerprint;
  }

  /** Adds the stack text and the details to an event's attributes. */
  private fill(attributes: Attributes, entry: Entry): void {
    const stacktrace = entry.capture?.stacktrace;
    if (stacktrace !== undefined) attributes['exception.stacktrace'] = stacktrace;
    Object.assign(attributes, entry.details);
  }

  /** The entry's stack texts, read now if they were not yet (this is where V8 formats them). */
  private captureOf(entry: Entry): CapturedError {
    if (!entry.capture) {
      entry.capture = captureError(entry.thrown, entry.type, entry.message);
      entry.thrown = undefined;
    }
    return entry.capture;
  }

  /** Works out the queued entries: from the memo, from memory, or by loading files first. */
  private drain(): void {
    const queue = this.queue;
    this.queue = [];
    for (const entry of queue) {
      if (entry.details) continue;
      try {
        const capture = this.captureOf(entry);
        const attempt = this.worker.attempt(capture);
        if (attempt.completed) this.complete(entry, attempt.completed);
        else void this.load(entry, capture, attempt.resolved);
      } catch (e) {
        this.fail(entry, e);
      }
    }
  }

  private async load(entry: Entry, capture: CapturedError, resolved: ResolvedCapture): Promise<void> {
    try {
      const { completed, late } = await this.worker.load(capture, resolved, SETTLE_TIMEOUT_MS);
      if (late) this.counters.errorDetailsLate!++;
      if (!entry.details) this.complete(entry, completed);
    } catch (e) {
      this.fail(entry, e);
    }
  }

  /** The pipeline itself failed (a bug, not the app's): export the event as it is. */
  private fail(entry: Entry, e: unknown): void {
    debug(`working out an error's details failed: ${String(e)}`);
    this.captureOf(entry);
    this.complete(entry, { details: {}, places: [] });
  }

  /** Fills the entry's events in, counts it in the inventory, and lets its held spans go on. */
  private complete(entry: Entry, { details, places }: CompletedDetails): void {
    if (entry.details) return;
    entry.details = details;
    entry.places = places;
    this.inventory.record(places);
    // One full event per exception: on the SERVER span it reached, else on the first span it was recorded on.
    const full = entry.targets.find((t) => t.place === Place.Server) ?? entry.targets.find((t) => t.place === Place.Child);
    for (const target of entry.targets) {
      if (target === full || target.place === Place.Log) this.fill(target.attributes, entry);
      else this.fillBrief(target.attributes, entry);
    }
    if (full) entry.fullOnSpan = true;
    entry.targets = [];
    this.unresolved.delete(entry);
    entry.done?.();
    for (const span of entry.spans) {
      if (!this.held.has(span)) continue;
      if (this.spanEntries.get(span)?.every((e) => e.details)) {
        this.held.delete(span);
        this.next.onEnd(span);
      }
    }
    entry.spans.clear();
  }
}
