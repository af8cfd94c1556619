import { performance } from 'node:perf_hooks';
import { context, type Context } from '@opentelemetry/api';
import { errorPreview, preview } from './preview.js';

/** Records in the ring buffer: enough for a burst between flushes (about 2.6 MB of numbers). */
export const RING_CAPACITY = 1 << 16;
/** Every function's first calls are previewed, then one call in {@link PREVIEW_SAMPLE_EVERY}. */
export const PREVIEW_FIRST_CALLS = 10;
export const PREVIEW_SAMPLE_EVERY = 100;

/** Flags of a ring record. */
export const THREW = 1;

/** A call's argument, result and exception previews, while it runs and until it is flushed. */
export interface CallPreview {
  args?: string;
  result?: string;
  exception?: string;
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
  /** A previewed call's previews. */
  readonly previewsOf: Array<CallPreview | undefined> = new Array<CallPreview | undefined>(RING_CAPACITY);
  /** Records written / flushed so far; `head - tail` are waiting. */
  head = 0;
  tail = 0;
  /** Records lost because the ring was full. */
  dropped = 0;
  /** Function names, original files and lines, by function ID. */
  readonly names: string[] = [];
  readonly files: string[] = [];
  readonly lines: number[] = [];
  /** Calls per function, counted for the preview sampling only. */
  private readonly calls: number[] = [];
  private readonly pending = new Map<number, CallPreview>();
  private last = 0;
  private throwStart = -1;
  private throwValue: unknown;
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
      }
    } catch {
      // A malformed table only loses names.
    }
    return base;
  }

  /** Enter: the start time, or -1 when nothing is recorded. */
  e(id: number): number {
    if (!this.enabled) return -1;
    const start = performance.now();
    if (this.previews && this.sample(id)) {
      // A previewed call's start is unique: it keys the call's previews until its exit.
      const t = start <= this.last ? this.last + 1e-6 : start;
      this.last = t;
      this.p = true;
      return t;
    }
    return start;
  }

  private sample(id: number): boolean {
    const n = (this.calls[id] = (this.calls[id] ?? 0) + 1);
    return n <= PREVIEW_FIRST_CALLS || n % PREVIEW_SAMPLE_EVERY === 0;
  }

  /** The arguments of a previewed call. */
  a(start: number, args: unknown[]): void {
    this.p = false;
    if (start < 0) return;
    try {
      const parts: string[] = [];
      for (const arg of args) parts.push(preview(arg, this.maxPreviewLength));
      let text = `[${parts.join(',')}]`;
      if (text.length > this.maxPreviewLength) text = `${text.slice(0, this.maxPreviewLength)}…`;
      this.pending.set(start, { args: text });
    } catch {
      // never throw into the app
    }
  }

  /** A returned value: previewed when the call is, and handed back unchanged. */
  r<T>(start: number, value: T): T {
    if (this.pending.size !== 0) {
      const p = this.pending.get(start);
      if (p !== undefined) p.result = preview(value, this.maxPreviewLength);
    }
    return value;
  }

  /** Exit: one ring record (marked as a throw when this call's `catch` just ran). */
  x(id: number, start: number): void {
    if (start < 0) return;
    const end = performance.now();
    const p = this.pending.size !== 0 ? this.take(start) : undefined;
    if (this.throwStart === start) {
      const err = this.throwValue;
      this.throwStart = -1;
      this.throwValue = undefined;
      if (p) p.exception = errorPreview(err, this.maxPreviewLength);
      this.push(id, start, end, THREW, err, p);
      return;
    }
    this.push(id, start, end, 0, undefined, p);
  }

  /** A throw, noted for the `x` that follows at once in the same call's `finally`. */
  t(start: number, err: unknown): void {
    if (start < 0) return;
    this.throwStart = start;
    this.throwValue = err;
  }

  private take(start: number): CallPreview | undefined {
    const p = this.pending.get(start);
    if (p !== undefined) this.pending.delete(start);
    return p;
  }

  private push(id: number, start: number, end: number, flags: number, err: unknown, previews: CallPreview | undefined): void {
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
    this.contexts[slot] = context.active();
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
