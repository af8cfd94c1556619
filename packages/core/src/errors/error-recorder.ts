import type { Attributes, Exception, Span } from '@opentelemetry/api';
import { debug } from '../diag.js';
import { exceptionAttributes } from '../exception.js';
import { UnsampledSpan } from '../sampling/unsampled-span.js';
import { TracekitSpan, type SpanSink } from '../span.js';
import { captureError, type CapturedError } from './captured-error.js';
import type { CodeInventory } from './code-inventory.js';
import { errorDetailAttributes } from './error-details.js';
import { defaultOwnFileTest, type OwnFileTest } from './own-frames.js';
import { resolveFrames, type Missing, type PipelineSettings } from './resolve-frames.js';
import { SourceCache } from './source-cache.js';
import { nodeAppliesSourceMaps, SourceMapCache } from './source-maps.js';
import type { StackFrame } from './stack-frame.js';

/** What the recorder needs from the configuration. */
export interface ErrorRecorderSettings {
  appRoot: string;
  sourceContextLines: number;
  maxFrames: number;
}

/** Counters the recorder keeps (part of `client.stats()`). */
export interface ErrorCounters {
  [counter: string]: number;
}

/** How long an ended span may wait for its errors' details before it is exported without them. */
export const SETTLE_TIMEOUT_MS = 2000;
/** Spans that may wait at once; beyond this they are exported at once, with whatever details are ready. */
const MAX_HELD_SPANS = 1024;
/** Rounds of loading: generated files, their maps, the original sources. */
const MAX_ROUNDS = 4;

/** All frames of one capture: the error's own, and each related error's. */
interface Resolved {
  main: StackFrame[];
  related: StackFrame[][];
  missing: Missing[];
}

/** One thrown value being recorded: the event attributes waiting for its details. */
interface Entry {
  capture: CapturedError;
  /** Event (or log record) attributes to complete when the details are ready. */
  targets: Attributes[];
  /** Spans holding an event of this entry. */
  spans: Set<TracekitSpan>;
  /** The details, once worked out. */
  details?: Attributes;
  /** In-app frames, once worked out (for the inventory when the same value is recorded again). */
  frames?: StackFrame[];
  promise: Promise<void>;
}

/**
 * Records thrown values as `exception` events and completes them off the request path.
 *
 * On the request path, `record` only reads the error's type, message and stack text and adds
 * the event. Its frames, source maps, source context, fingerprint and culprit location are
 * worked out after a `setImmediate`, with files read asynchronously through bounded caches, and
 * written into the same event's attributes. As the span sink in front of the export pipeline, the
 * recorder holds an ended span until its errors are complete (bounded in time and number), so
 * exporters and redaction always see finished events. When the process is about to exit,
 * `settleSync` finishes everything synchronously.
 */
export class ErrorRecorder implements SpanSink {
  private readonly sources = new SourceCache();
  private readonly maps = new SourceMapCache();
  private readonly byValue = new WeakMap<object, Entry>();
  private readonly unresolved = new Set<Entry>();
  private readonly spanEntries = new WeakMap<TracekitSpan, Entry[]>();
  private readonly held = new Set<TracekitSpan>();

  constructor(
    private readonly settings: ErrorRecorderSettings,
    private readonly next: SpanSink,
    readonly inventory: CodeInventory,
    private readonly counters: ErrorCounters = {},
    private readonly isOwn: OwnFileTest = defaultOwnFileTest(),
  ) {
    counters.errorsCaptured ??= 0;
    counters.errorDetailsLate ??= 0;
  }

  /**
   * Adds an `exception` event for `err` to `span`, with `exception.type`, `exception.message`
   * and `exception.stacktrace` at once and the details (fingerprint, frames, culprit) as soon as
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
        span.addEvent('exception', this.targetOf(entry));
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
      const attributes = this.targetOf(entry);
      if (!entry.details) Object.assign(attributes, this.detailsOf(entry.capture, this.resolve(entry.capture)));
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
    return this.targetOf(this.entryFor(err));
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
    for (const entry of [...this.unresolved]) {
      try {
        let resolved = this.resolve(entry.capture);
        for (let round = 0; round < MAX_ROUNDS && resolved.missing.length > 0; round++) {
          for (const m of resolved.missing) {
            if (m.kind === 'source') this.sources.loadSync(m.file);
            else this.maps.loadSync(m.file, m.mapUrl);
          }
          resolved = this.resolve(entry.capture);
        }
        this.finish(entry, resolved);
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
    const entry: Entry = { capture: known?.capture ?? captureError(err), targets: [], spans: new Set(), promise: Promise.resolve() };
    if (known?.details && known.frames) {
      entry.details = known.details;
      entry.frames = known.frames;
      this.inventory.record(known.frames);
    } else {
      this.unresolved.add(entry);
      entry.promise = this.settle(entry);
    }
    if (keyed) this.byValue.set(err, entry);
    return entry;
  }

  private targetOf(entry: Entry): Attributes {
    const attributes: Attributes = { 'exception.type': entry.capture.type, 'exception.message': entry.capture.message };
    if (entry.capture.stacktrace !== undefined) attributes['exception.stacktrace'] = entry.capture.stacktrace;
    if (entry.details) Object.assign(attributes, entry.details);
    else entry.targets.push(attributes);
    return attributes;
  }

  private settings_(): PipelineSettings {
    const s = this.settings;
    return { appRoot: s.appRoot, contextLines: s.sourceContextLines, maxFrames: s.maxFrames, isOwn: this.isOwn, applyMaps: !nodeAppliesSourceMaps() };
  }

  private resolve(capture: CapturedError): Resolved {
    const settings = this.settings_();
    const main = resolveFrames(capture.stack, settings, this.sources, this.maps);
    const missing = [...main.missing];
    const related = capture.related.map((r) => {
      const result = resolveFrames(r.stack, settings, this.sources, this.maps);
      missing.push(...result.missing);
      return result.frames;
    });
    return { main: main.frames, related, missing };
  }

  private detailsOf(capture: CapturedError, resolved: Resolved): Attributes {
    return errorDetailAttributes(capture, resolved.main, resolved.related);
  }

  /** Works an entry out after the current I/O phase, loading what the caches lack, within {@link SETTLE_TIMEOUT_MS}. */
  private async settle(entry: Entry): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (entry.details) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SETTLE_TIMEOUT_MS);
      timer.unref();
    });
    try {
      let resolved = this.resolve(entry.capture);
      for (let round = 0; round < MAX_ROUNDS && resolved.missing.length > 0 && !entry.details; round++) {
        const loads = resolved.missing.map((m) => (m.kind === 'source' ? this.sources.load(m.file) : this.maps.load(m.file, m.mapUrl)));
        if ((await Promise.race([Promise.all(loads), deadline])) === 'timeout') {
          this.counters.errorDetailsLate!++;
          break;
        }
        resolved = this.resolve(entry.capture);
      }
      if (!entry.details) this.finish(entry, this.resolve(entry.capture));
    } catch (e) {
      this.fail(entry, e);
    } finally {
      clearTimeout(timer);
    }
  }

  private finish(entry: Entry, resolved: Resolved): void {
    if (entry.details) return;
    const details = this.detailsOf(entry.capture, resolved);
    const frames = [...resolved.main, ...resolved.related.flat()].filter((f) => f.origin === 'app');
    this.inventory.record(frames);
    this.complete(entry, details, frames);
  }

  /** The pipeline itself failed (a bug, not the app's): export the event as it is. */
  private fail(entry: Entry, e: unknown): void {
    debug(`working out an error's details failed: ${String(e)}`);
    this.complete(entry, {}, []);
  }

  private complete(entry: Entry, details: Attributes, frames: StackFrame[]): void {
    entry.details = details;
    entry.frames = frames;
    for (const target of entry.targets) Object.assign(target, details);
    entry.targets = [];
    this.unresolved.delete(entry);
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
