import path from 'node:path';
import { context, type Context } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { ensureClient, getClient, type TracekitClient } from '../client.js';
import { JsonlFile } from '../export/file-exporter.js';
import { createRedactor } from '../redaction/redactor.js';
import { CallAggregator } from './aggregate.js';
import type { CallRecord } from './call-record.js';
import { callFlowEvents } from './flow-records.js';
import { emitFunctionSpan, MAX_SPANS_PER_FLUSH } from './function-spans.js';
import { relativeToRoot, resolveFunctionTracing, selectsFile, selectsFunction, type FunctionTracingConfig } from './options.js';
import { finishPreview, HOT_CALLS_PER_FLUSH, HOT_SAMPLE_EVERY, RING_CAPACITY, THREW, type CallRecorder } from './recorder.js';
import { reportSkip } from './diagnostics.js';

/** The context manager `context.active()` consults, read through the API's own accessor. */
function activeContextManager(): { active(): Context } | undefined {
  const getter = (context as unknown as { _getContextManager?: () => { active(): Context } })._getContextManager;
  return typeof getter === 'function' ? getter.call(context) : undefined;
}

/** How often the ring buffer is emptied, in ms (sooner when it is three quarters full). */
export const FLUSH_INTERVAL_MS = 250;
/** Records handled by one flush (a full ring); whatever is left waits for the next, scheduled at once. */
const MAX_PER_FLUSH = 65_536;

interface ClientView {
  client: TracekitClient;
  config: FunctionTracingConfig;
  redact: (text: string) => string;
  events: JsonlFile | undefined;
  /** Per function ID: recorded under the run-time include/exclude (`init()` options)? */
  selected: Array<boolean | undefined>;
  relFiles: Array<string | undefined>;
}

/**
 * Empties the recorder's ring buffer on a timer (unref'd) and at exit: each call is added to
 * its span's per-function totals; slow and throwing calls become spans; with the `events` file
 * format every call also becomes ENTER / EXIT / EXCEPTION records, appended in one write per
 * flush. Until `init()` has made a client there is nothing to send to, and records wait (the
 * ring drops the newest when full). A client with `enabled: false` turns recording off.
 */
export class CallFlusher {
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private droppedReported = 0;
  /** Set once the process emits `exit`: only synchronous writes still happen. */
  private exiting = false;
  private view: ClientView | undefined;
  private readonly aggregator = new CallAggregator();
  /** Counters for diagnostics and tests. */
  readonly stats = { calls: 0, spans: 0, events: 0, spansCapped: 0 };

  constructor(private readonly recorder: CallRecorder) {
    recorder.onPressure = () => this.schedule();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    // The last records of a short-lived program: synchronously, before the client's own exit flush.
    process.once('beforeExit', () => this.atBeforeExit());
    process.once('exit', () => {
      this.exiting = true;
      this.flush(true);
    });
  }

  /**
   * A program that ran to its end without `init()` (a script run with `tracekit run`): its calls
   * are still written, by a client made from the environment as `init()` would make it. An app
   * that calls `init()` is unaffected (it has its client by then).
   */
  private atBeforeExit(): void {
    const r = this.recorder;
    if (!getClient() && r.head !== r.tail && r.enabled) {
      try {
        const client = ensureClient();
        this.flush();
        void client.flush().catch(() => undefined);
        return;
      } catch {
        // a bad environment: init() would have thrown too; nothing is written
      }
    }
    this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    }).unref();
  }

  private clientView(): ClientView | undefined {
    const client = getClient();
    if (!client) return undefined;
    if (this.view?.client === client) return this.view;
    const config = (client.config as { functionTracing?: FunctionTracingConfig }).functionTracing ?? resolveFunctionTracing({ ...client.options }, process.env);
    const redactor = createRedactor(client.config.redaction);
    const events = client.config.exporter === 'file' && client.config.fileFormat === 'events'
      // The span exporter rotates the file; this writer only appends whole batches to it.
      ? new JsonlFile(client.config.file, { maxBytes: Number.MAX_SAFE_INTEGER, maxFiles: 0 })
      : undefined;
    // Every flush of the client and every ending of the process (signal, exit, shutdown(),
    // tracekit.flush()) drains the ring first, before the client writes its own buffers.
    client.addStateWriter(() => this.flush(this.exiting));
    this.recorder.maxPreviewLength = config.maxPreviewLength;
    if (events) this.recorder.previews = true;
    this.view = { client, config, redact: (t) => redactor.attributes({ 'tracekit.function.preview': t })['tracekit.function.preview'] as string, events, selected: [], relFiles: [] };
    return this.view;
  }

  /** Handles the waiting records; `sync` at exit writes the events file synchronously. */
  flush(sync = false): void {
    const r = this.recorder;
    if (r.head === r.tail) return;
    const view = this.clientView();
    if (!view) return;
    // The manager the API would use now (the app's OpenTelemetry SDK may have registered its own).
    r.contextManager = activeContextManager();
    if (!view.client.config.enabled) {
      r.enabled = false;
      this.discard(r.head);
      return;
    }
    try {
      this.drain(view, sync);
    } catch {
      // A flush never throws into the app's timers; what failed is lost.
      this.discard(r.head);
    }
  }

  private discard(upTo: number): void {
    const r = this.recorder;
    for (; r.tail < upTo; r.tail++) {
      const slot = r.tail & (RING_CAPACITY - 1);
      r.contexts[slot] = undefined;
      r.thrown[slot] = undefined;
      r.previewsOf[slot] = undefined;
    }
  }

  private drain(view: ClientView, sync: boolean): void {
    const r = this.recorder;
    const origin = performance.timeOrigin;
    const threshold = view.config.functionSpanThresholdMs;
    const records: Array<{ at: number; order: number; line: string }> = [];
    let spans = 0;
    const tools = { tracer: view.client.tracer, recordError: (span: Parameters<TracekitClient['errors']['record']>[0], err: unknown) => view.client.errors.record(span, err) };
    const stop = Math.min(r.head, r.tail + MAX_PER_FLUSH);
    const perFunction: number[] = [];
    while (r.tail < stop) {
      const slot = r.tail & (RING_CAPACITY - 1);
      const at = slot * 4;
      const id = r.nums[at]!;
      const pending = r.previewsOf[slot];
      const call: CallRecord = {
        id,
        name: r.names[id] ?? `#${id}`,
        file: this.relFile(view, id),
        path: r.files[id] ?? '',
        line: r.lines[id] ?? 0,
        start: origin + r.nums[at + 1]!,
        end: origin + r.nums[at + 2]!,
        threw: (r.nums[at + 3]! & THREW) !== 0,
        every: r.every[id] ?? 1,
        error: r.thrown[slot],
        context: r.contexts[slot],
        previews: pending === undefined ? undefined : finishPreview(pending, r.maxPreviewLength),
      };
      r.contexts[slot] = undefined;
      r.thrown[slot] = undefined;
      r.previewsOf[slot] = undefined;
      r.tail++;
      perFunction[id] = (perFunction[id] ?? 0) + 1;
      if (!this.isSelected(view, id, call.name)) continue;
      this.stats.calls++;
      this.aggregator.add(call);
      if (call.threw || call.end - call.start >= threshold) {
        if (spans >= MAX_SPANS_PER_FLUSH) this.stats.spansCapped++;
        else if (emitFunctionSpan(call, tools, view.redact)) {
          spans++;
          this.stats.spans++;
        }
      }
      if (view.events) {
        const [enter, exit] = callFlowEvents(call, view.redact);
        records.push({ at: call.start, order: 0, line: JSON.stringify(enter) }, { at: call.end, order: 1, line: JSON.stringify(exit) });
      }
    }
    this.sampleHotFunctions(perFunction, view);
    for (const record of this.aggregator.drain(Date.now())) view.client.emitLog(record);
    if (view.events && records.length > 0) {
      // In time order within the batch, as the span records are: a call's ENTER before the calls it makes.
      records.sort((a, b) => a.at - b.at || a.order - b.order);
      this.stats.events += records.length;
      let text = '';
      for (const r of records) text += `${r.line}\n`;
      if (sync) view.events.appendSync(text);
      else void view.events.append(text).catch(() => undefined);
    }
    if (r.tail !== r.head) this.schedule();
  }

  /**
   * Functions called so often that recording each call would cost the app (more than
   * {@link HOT_CALLS_PER_FLUSH} records in one flush) record one call in {@link HOT_SAMPLE_EVERY}
   * from then on, with one diagnostic line each; calls lost to a full ring are reported too.
   */
  private sampleHotFunctions(perFunction: number[], view: ClientView): void {
    const r = this.recorder;
    perFunction.forEach((n, id) => {
      if (n <= HOT_CALLS_PER_FLUSH || r.every[id] !== 1) return;
      r.every[id] = HOT_SAMPLE_EVERY;
      reportSkip(`${r.names[id] ?? `#${id}`} (${this.relFile(view, id)}:${r.lines[id] ?? 0})`, `called ${n} times in one flush: 1 call in ${HOT_SAMPLE_EVERY} recorded from now on`, true, 'sample');
    });
    if (r.dropped > this.droppedReported) {
      reportSkip('the program', `${r.dropped - this.droppedReported} calls not recorded (the buffer was full between flushes)`, true, 'sample');
      this.droppedReported = r.dropped;
    }
  }

  private relFile(view: ClientView, id: number): string {
    let rel = view.relFiles[id];
    if (rel === undefined) {
      const file = this.recorder.files[id] ?? '';
      rel = relativeToRoot(view.config, file) ?? file;
      view.relFiles[id] = rel;
    }
    return rel;
  }

  private isSelected(view: ClientView, id: number, name: string): boolean {
    let s = view.selected[id];
    if (s === undefined) {
      const { include, exclude } = view.config;
      if (include.length === 0 && exclude.length === 0) s = true;
      else {
        const file = this.recorder.files[id] ?? '';
        const rel = relativeToRoot(view.config, file) ?? path.basename(file);
        s = selectsFile({ ...view.config, root: view.config.root }, path.resolve(view.config.root, rel)) && selectsFunction(view.config, rel, name);
      }
      view.selected[id] = s;
    }
    return s;
  }
}
