import { performance } from 'node:perf_hooks';
import { context, type Context } from '@opentelemetry/api';
import { errorPreview, preview } from '../tracing/preview.js';

/** Records in the ring buffer: enough for a burst between flushes (about 2.6 MB of numbers). */
export const RING_CAPACITY = 1 << 16;
/** Every function's first calls are previewed, then one call in {@link PREVIEW_SAMPLE_EVERY}. */
export const PREVIEW_FIRST_CALLS = 10;
export const PREVIEW_SAMPLE_EVERY = 100;

/** A function with more records than this in one flush (250 ms: about 80,000 calls a second) becomes sampled. */
export const HOT_CALLS_PER_FLUSH = 20_000;
/** A sampled function records one call in this many. */
export const HOT_SAMPLE_EVERY = 100;

/** Previewed calls that may be in flight at once before the oldest loses its previews. */
export const PREVIEW_SLOTS = 4096;

interface PreviewSlot {
  seq: number;
  start: number;
  args: string | readonly unknown[] | undefined;
  result: unknown;
  rawResult: boolean;
}

/** Flags of a ring record. */
export const THREW = 1;

/** A call's argument, result and exception previews, as flushed records and spans carry them. */
export interface CallPreview {
  args?: string;
  result?: string;
  exception?: string;
}

/**
 * A previewed call's values as recorded on the request path: scalars are kept as they are and
 * turned into text at flush time (they cannot change meanwhile); objects are previewed at once.
 */
export interface PendingPreview {
  args: string | readonly unknown[] | undefined;
  result: unknown;
  /** `result` holds a raw scalar (else it is preview text or absent). */
  rawResult: boolean;
  exception?: string;
}

function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

/** The text of pending previews (at flush time). */
export function finishPreview(p: PendingPreview, max: number): CallPreview {
  const out: CallPreview = {};
  if (p.args !== undefined) {
    if (typeof p.args === 'string') out.args = p.args;
    else {
      let text = '[';
      for (let i = 0; i < p.args.length; i++) text += (i === 0 ? '' : ',') + preview(p.args[i], max);
      text += ']';
      out.args = text.length > max ? `${text.slice(0, max)}…` : text;
    }
  }
  if (p.rawResult) out.result = preview(p.result, max);
  else if (typeof p.result === 'string') out.result = p.result;
  if (p.exception !== undefined) out.exception = p.exception;
  return out;
}

/** Where the recorder's settings come from when it is installed (the process's environment). */
export interface RecorderSettings {
  enabled: boolean;
  previews: boolean;
  maxPreviewLength: number;
}

/**
 * The object instrumented code calls (`globalThis.__tkrec`): one per process. Each call costs
 * two clock readings and one ring-buffer write; everything else (names, spans, aggregation,
 * previews' redaction, event records) happens when the buffer is flushed, off the request path.
 * Its methods have one-letter names to keep instrumented code short:
 * `e` enter, `x` exit, `t` throw, `a` arguments, `r` return value, `f` register a file.
 * None of them throws.
 */
export class CallRecorder {
  /** Set by `e` when the call it just started is previewed; the instrumented code then calls `a`. */
  p = false;
  enabled: boolean;
  previews: boolean;
  maxPreviewLength: number;
  /** `[id, start, end, flags]` per record, start and end from `performance.now()`. */
  readonly nums = new Float64Array(RING_CAPACITY * 4);
  /** The OpenTelemetry context each record was made in (its span and request). */
  readonly contexts: Array<Context | undefined> = new Array<Context | undefined>(RING_CAPACITY);
  /** The value a call threw. */
  readonly thrown: unknown[] = new Array<unknown>(RING_CAPACITY);
  /** A previewed call's previews (text at flush time with {@link finishPreview}). */
  readonly previewsOf: Array<PendingPreview | undefined> = new Array<PendingPreview | undefined>(RING_CAPACITY);
  /** Records written / flushed so far; `head - tail` are waiting. */
  head = 0;
  tail = 0;
  /** Records lost because the ring was full. */
  dropped = 0;
  /** Function names, original files and lines, by function ID. */
  readonly names: string[] = [];
  readonly files: string[] = [];
  readonly lines: number[] = [];
  /**
   * Per function: one call in this many is recorded (1: all). The flusher raises it for a
   * function called so often that recording every call would cost the app ({@link HOT_CALLS_PER_FLUSH}).
   */
  readonly every: number[] = [];
  /** Per function: calls of a sampled function (recorded or not) since it became sampled. */
  readonly sampledOut: number[] = [];
  /** Calls per function, counted for the preview sampling only. */
  private readonly calls: number[] = [];
  /** Previewed calls in flight: a ring of reused objects, found by the call's token. */
  private readonly slots: PreviewSlot[] = Array.from({ length: PREVIEW_SLOTS }, () => ({ seq: -1, start: 0, args: undefined, result: undefined, rawResult: false }));
  private nextSlot = 0;
  private throwToken = -1;
  private throwValue: unknown;
  /**
   * The registered context manager, once a client exists (set by the flusher, refreshed at every
   * flush): asking it directly skips the API's global lookup on every call.
   */
  contextManager: { active(): Context } | undefined;
  /** Called when the ring is three quarters full; the flusher schedules itself. */
  onPressure: (() => void) | undefined;

  constructor(settings: RecorderSettings) {
    this.enabled = settings.enabled;
    this.previews = settings.previews;
    this.maxPreviewLength = settings.maxPreviewLength;
  }

  /** Registers a file's functions (`[files, [[name, fileIndex, line, column], ...]]`); returns the first function's ID. */
  f(meta: [string[], Array<[string, number, number, number]>]): number {
    const base = this.names.length;
    try {
      const [files, fns] = meta;
      for (const [name, fileIndex, line] of fns) {
        this.names.push(name);
        this.files.push(files[fileIndex] ?? '');
        this.lines.push(line);
        this.calls.push(0);
        this.every.push(1);
        this.sampledOut.push(0);
      }
    } catch {
      // A malformed table only loses names.
    }
    return base;
  }

  /** Enter: the start time, or -1 when nothing is recorded. Sets `p` when this call is previewed. */
  e(id: number): number {
    if (!this.enabled) return -1;
    const every = this.every[id];
    // A hot function (see the flusher) records one call in `every`; the others are only counted.
    if (every !== 1 && every !== undefined && ++this.sampledOut[id]! % every !== 0) return -1;
    if (this.previews && this.sample(id)) this.p = true;
    return performance.now();
  }

  /** Calls of each function previewed before sampling starts ({@link PREVIEW_FIRST_CALLS}). */
  previewFirst = PREVIEW_FIRST_CALLS;
  /** Then one call in this many ({@link PREVIEW_SAMPLE_EVERY}; 1 previews every call). */
  previewEvery = PREVIEW_SAMPLE_EVERY;

  private sample(id: number): boolean {
    const n = (this.calls[id] = (this.calls[id] ?? 0) + 1);
    return n <= this.previewFirst || n % this.previewEvery === 0;
  }

  /**
   * The arguments of a previewed call. Returns the call's new token: a preview slot, encoded as
   * a number below -1 (`-(seq + 2)`), which `r`, `t` and `x` recognise.
   */
  a(start: number, args: unknown[]): number {
    this.p = false;
    if (start < 0) return start;
    try {
      let all = true;
      for (let i = 0; i < args.length; i++) {
        if (!isScalar(args[i])) {
          all = false;
          break;
        }
      }
      let pending: string | readonly unknown[] = args;
      if (!all) {
        // Objects can change after the call starts: previewed now.
        let text = '[';
        for (let i = 0; i < args.length; i++) text += (i === 0 ? '' : ',') + preview(args[i], this.maxPreviewLength);
        text += ']';
        pending = text.length > this.maxPreviewLength ? `${text.slice(0, this.maxPreviewLength)}…` : text;
      }
      const seq = this.nextSlot++;
      const slot = this.slots[seq & (PREVIEW_SLOTS - 1)]!;
      slot.seq = seq;
      slot.start = start;
      slot.args = pending;
      slot.result = undefined;
      slot.rawResult = false;
      return -(seq + 2);
    } catch {
      return start;
    }
  }

  /** A returned value: previewed when the call is, and handed back unchanged. */
  r<T>(token: number, value: T): T {
    if (token < -1) {
      const seq = -token - 2;
      const slot = this.slots[seq & (PREVIEW_SLOTS - 1)]!;
      if (slot.seq === seq) {
        slot.rawResult = isScalar(value);
        slot.result = slot.rawResult ? value : preview(value, this.maxPreviewLength);
      }
    }
    return value;
  }

  /** Exit: one ring record (marked as a throw when this call's `catch` just ran). */
  x(id: number, token: number): void {
    if (token === -1) return;
    const end = performance.now();
    let start = token;
    let p: PendingPreview | undefined;
    if (token < -1) {
      const seq = -token - 2;
      const slot = this.slots[seq & (PREVIEW_SLOTS - 1)]!;
      // A slot reused by later calls (this call outlived 4,096 other previewed calls) held its start: the call is dropped, counted.
      if (slot.seq !== seq) {
        this.dropped++;
        return;
      }
      start = slot.start;
      p = { args: slot.args, result: slot.result, rawResult: slot.rawResult };
    }
    if (this.throwToken === token) {
      const err = this.throwValue;
      this.throwToken = -1;
      this.throwValue = undefined;
      if (p) p.exception = errorPreview(err, this.maxPreviewLength);
      this.push(id, start, end, THREW, err, p);
      return;
    }
    this.push(id, start, end, 0, undefined, p);
  }

  /** A throw, noted for the `x` that follows at once in the same call's `finally`. */
  t(token: number, err: unknown): void {
    if (token === -1) return;
    this.throwToken = token;
    this.throwValue = err;
  }

  private push(id: number, start: number, end: number, flags: number, err: unknown, previews: PendingPreview | undefined): void {
    const waiting = this.head - this.tail;
    if (waiting >= RING_CAPACITY) {
      this.dropped++;
      return;
    }
    const slot = this.head & (RING_CAPACITY - 1);
    const at = slot * 4;
    const nums = this.nums;
    nums[at] = id;
    nums[at + 1] = start;
    nums[at + 2] = end;
    nums[at + 3] = flags;
    this.contexts[slot] = this.contextManager === undefined ? context.active() : this.contextManager.active();
    if (flags !== 0) this.thrown[slot] = err;
    if (previews !== undefined) this.previewsOf[slot] = previews;
    this.head++;
    if (waiting === RING_CAPACITY * 0.75) this.onPressure?.();
  }
}

const KEY = Symbol.for('tracekit.autotrace.recorder');

/** The process's recorder, created on first use and published as `globalThis.__tkrec` for instrumented code. */
export function installRecorder(settings: RecorderSettings): CallRecorder {
  const g = globalThis as Record<string | symbol, unknown>;
  const existing = g[KEY] as CallRecorder | undefined;
  if (existing) return existing;
  const recorder = new CallRecorder(settings);
  g[KEY] = recorder;
  Object.defineProperty(globalThis, '__tkrec', { value: recorder, writable: false, enumerable: false, configurable: true });
  return recorder;
}

/** The installed recorder, if whole-app tracing is on. */
export function getRecorder(): CallRecorder | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as CallRecorder | undefined;
}
