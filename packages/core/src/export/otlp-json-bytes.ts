import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { msToNanoString } from '../tracing/time.js';
import { spanJson, traceRequestEncoder } from './otlp-json-string.js';
import type { ExportMeta, ReadableSpan } from './types.js';

// The file store's encoder: OTLP/JSON written byte by byte into one reused buffer, identical to
// `JSON.stringify(toOtlpTraceRequest(...))` (a test compares them on hostile input).
//
// Why not strings: a span's JSON built by concatenation is a rope of ~80 pieces, and writing it
// into a buffer first flattens it into a new string: per span, the flattening cost more than
// building the string did (docs/performance.md). Here plain ASCII (almost every trace ID, name,
// key and value) is copied one character at a time, and anything else (quotes, control
// characters, non-ASCII) goes through JSON.stringify and a UTF-8 write, exactly as before.

/** Node's Buffer has `latin1Write` (what `write(s, o, 'latin1')` calls), untyped in @types/node. */
type Out = Buffer & { latin1Write(s: string, offset: number): number };

/** What `buf` points at between calls: nothing of a line. */
const NO_BUFFER = Buffer.allocUnsafe(0) as Out;
let buf = NO_BUFFER;
let off = 0;

function grow(n: number): void {
  if (off + n <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + n, 64 * 1024));
  buf.copy(bigger, 0, 0, off);
  buf = bigger as Out;
}

// Copying a few dozen bytes from a Uint8Array with `set` costs about a fifth of writing the same
// string (measured in bench/ledger.mjs's notes): constant pieces are encoded once.
const constants = new Map<string, Uint8Array>();
function bytes(s: string): Uint8Array {
  let b = constants.get(s);
  if (b === undefined) {
    b = Buffer.from(s, 'utf8');
    constants.set(s, b);
  }
  return b;
}

function byte(c: number): void {
  grow(1);
  buf[off++] = c;
}

function put(b: Uint8Array): void {
  grow(b.length);
  buf.set(b, off);
  off += b.length;
}

// Printable ASCII without quote or backslash needs no escaping and is one byte per character.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

// Up to this length a string is checked and copied in one loop here: a regular expression test
// and a `latin1Write` are two calls out of JavaScript that cost more than the loop for IDs,
// names and short values (docs/performance.md, round 11).
const SHORT = 64;

/** Writes `s` as a JSON string literal, exactly as JSON.stringify would. */
function str(s: string): void {
  const n = s.length;
  if (n <= SHORT) {
    grow(n + 2);
    const b = buf;
    const at = off;
    b[at] = 0x22;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      // Printable ASCII other than `"` and `\`: one byte, no escape.
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
      b[at + 1 + i] = c;
    }
    if (i === n) {
      b[at + 1 + n] = 0x22;
      off = at + n + 2;
      return;
    }
    // Something to escape, or not ASCII: JSON.stringify's bytes, over what the loop wrote.
  } else if (n < 1024 && PLAIN.test(s)) {
    grow(s.length + 2);
    const b = buf;
    b[off++] = 0x22;
    off += b.latin1Write(s, off);
    b[off++] = 0x22;
    return;
  }
  const json = JSON.stringify(s);
  grow(json.length * 3);
  off += buf.write(json, off, 'utf8');
}

/** Writes a string that is plain ASCII by construction (numbers). */
function ascii(s: string): void {
  grow(s.length);
  off += buf.latin1Write(s, off);
}

const wholeDigits = new Uint8Array(16);
let lastWhole = -1;
let lastDigits = 0;

/** Epoch milliseconds as OTLP's decimal string of nanoseconds (msToNanoString's digits), quoted. */
function nanos(ms: number): void {
  let whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1e3);
  if (micros >= 1e3) {
    whole += 1;
    micros -= 1e3;
  }
  if (whole <= 0 || whole >= 1e15) {
    const t = msToNanoString(ms);
    grow(t.length + 2);
    buf[off++] = 0x22;
    ascii(t);
    buf[off++] = 0x22;
    return;
  }
  // Spans of one request start and end within a few milliseconds of each other: the digits of
  // the last whole millisecond are kept and copied.
  if (whole !== lastWhole) {
    let digits = 1;
    for (let w = whole; w >= 10; w = Math.floor(w / 10)) digits++;
    for (let w = whole, o = digits - 1; o >= 0; o--) {
      const q = Math.floor(w / 10);
      wholeDigits[o] = 0x30 + (w - q * 10);
      w = q;
    }
    lastWhole = whole;
    lastDigits = digits;
  }
  const digits = lastDigits;
  grow(digits + 8);
  const b = buf;
  b[off] = 0x22;
  for (let i = 0; i < digits; i++) b[off + 1 + i] = wholeDigits[i] as number;
  let o = off + digits + 1;
  b[o++] = 0x30 + Math.floor(micros / 100);
  b[o++] = 0x30 + (Math.floor(micros / 10) % 10);
  b[o++] = 0x30 + (micros % 10);
  b[o++] = 0x30;
  b[o++] = 0x30;
  b[o++] = 0x30;
  b[o++] = 0x22;
  off = o;
}

// The constant pieces, encoded once.
const STRING_VALUE = bytes('{"stringValue":');
const INT_VALUE = bytes('{"intValue":"');
const QUOTE_BRACE = bytes('"}');
const DOUBLE_VALUE = bytes('{"doubleValue":');
const ARRAY_VALUE = bytes('{"arrayValue":{"values":[');
const EMPTY_STRING_VALUE = bytes('{"stringValue":""}');
const ARRAY_END = bytes(']}}');
const TRACE_ID = bytes('{"traceId":');
const SPAN_ID = bytes(',"spanId":');
const PARENT_SPAN_ID = bytes(',"traceState":"","parentSpanId":');
const FLAGS = bytes(',"flags":');
const NAME = bytes(',"name":');
const KIND = bytes(',"kind":');
const START = bytes(',"startTimeUnixNano":');
const END = bytes(',"endTimeUnixNano":');
const ATTRIBUTES = bytes(',"attributes":[');
const DROPPED_ATTRIBUTES = bytes('],"droppedAttributesCount":');
const DROPPED_EVENTS = bytes(',"events":[],"droppedEventsCount":');
const STATUS_CODE = bytes(',"links":[],"droppedLinksCount":0,"status":{"code":');
const STATUS_MESSAGE = bytes(',"message":');
const SPAN_END = bytes('}}');
const C_TRUE = bytes('{"boolValue":true}');
const C_FALSE = bytes('{"boolValue":false}');

function value(v: AttributeValue): void {
  switch (typeof v) {
    case 'string':
      put(STRING_VALUE);
      str(v);
      byte(0x7d);
      return;
    case 'boolean':
      put(v ? C_TRUE : C_FALSE);
      return;
    case 'number':
      if (Number.isInteger(v)) {
        put(INT_VALUE);
        ascii(String(v));
        put(QUOTE_BRACE);
      } else {
        put(DOUBLE_VALUE);
        ascii(JSON.stringify(v));
        byte(0x7d);
      }
      return;
    default:
      if (Array.isArray(v)) {
        put(ARRAY_VALUE);
        let first = true;
        for (const item of v as unknown[]) {
          if (!first) byte(0x2c);
          first = false;
          if (item === null || item === undefined) put(EMPTY_STRING_VALUE);
          else value(item as AttributeValue);
        }
        put(ARRAY_END);
        return;
      }
      put(STRING_VALUE);
      str(String(v));
      byte(0x7d);
  }
}

// Most attributes repeat from span to span (method, scheme, host, port, user agent, route,
// handler, status): the whole `{"key":..,"value":{..}}` of a repeated string or number is kept
// as bytes, per key, up to a bound; keys whose values never repeat (request IDs) stop filling.
const FRAGMENTS_PER_KEY = 64;
interface KeyEntry {
  prefix: Uint8Array;
  fragments: Map<string | number, Uint8Array>;
  /**
   * Lookups that found a fragment, and that missed once the map was full: a key whose values
   * rarely repeat (request IDs, paths with IDs) stops looking after a while.
   */
  hits: number;
  misses: number;
}
const GIVE_UP_AFTER = 256;
const keys = new Map<string, KeyEntry>();
function keyEntry(k: string): KeyEntry {
  let e = keys.get(k);
  if (e === undefined) {
    e = { prefix: Buffer.from(`{"key":${JSON.stringify(k)},"value":`, 'utf8'), fragments: new Map(), hits: 0, misses: 0 };
    if (keys.size < 4096) keys.set(k, e);
  }
  return e;
}

function attribute(k: string, v: AttributeValue): void {
  const e = keyEntry(k);
  if ((typeof v === 'string' || typeof v === 'number') && (e.misses < GIVE_UP_AFTER || e.hits >= e.misses)) {
    const cached = e.fragments.get(v);
    if (cached !== undefined) {
      e.hits++;
      return put(cached);
    }
    const start = off;
    put(e.prefix);
    value(v);
    byte(0x7d);
    if (e.fragments.size < FRAGMENTS_PER_KEY) {
      if (off - start <= 512) e.fragments.set(v, Uint8Array.prototype.slice.call(buf, start, off));
    } else e.misses++;
    return;
  }
  put(e.prefix);
  value(v);
  byte(0x7d);
}

function attributes(a: Attributes): void {
  let first = true;
  for (const k in a) {
    const v = a[k];
    if (v === undefined || v === null) continue;
    if (!first) byte(0x2c);
    first = false;
    attribute(k, v);
  }
}

// A span's fixed runs, with the small numbers that sit between them written in: flags and
// kind after the IDs, and the tail after the attributes when nothing was dropped (almost every
// span). One copy each instead of a copy, a number-to-string and a write per field.
const FLAGS_NAME = [0, 1].map((f) => bytes(`,"flags":${f},"name":`));
const KIND_START = [0, 1, 2, 3, 4].map((k) => bytes(`,"kind":${k + 1},"startTimeUnixNano":`));
const TAIL_CLEAN = [0, 1, 2].map((c) => bytes(`],"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"links":[],"droppedLinksCount":0,"status":{"code":${c}`));

/** A non-negative integer's digits (counts, codes). */
function int(n: number): void {
  if (n >= 0 && n <= 9 && n === Math.floor(n)) byte(0x30 + n);
  else ascii(String(n));
}

function span(s: ReadableSpan): void {
  if (s.events || s.links || s.traceState) {
    // Rare on the hot path (exceptions, links, tracestate): the string encoder, same bytes.
    const json = spanJson(s);
    grow(json.length * 3);
    off += buf.write(json, off, 'utf8');
    return;
  }
  put(TRACE_ID);
  str(s.traceId);
  put(SPAN_ID);
  str(s.spanId);
  put(PARENT_SPAN_ID);
  str(s.parentSpanId ?? '');
  const flags = s.traceFlags & 0xff;
  if (flags <= 1) put(FLAGS_NAME[flags] as Uint8Array);
  else {
    put(FLAGS);
    int(flags);
    put(NAME);
  }
  str(s.name);
  const kind = KIND_START[s.kind];
  if (kind !== undefined) put(kind);
  else {
    put(KIND);
    ascii(String(s.kind + 1));
    put(START);
  }
  nanos(s.startTime);
  put(END);
  nanos(s.endTime);
  put(ATTRIBUTES);
  attributes(s.attributes);
  const code = s.status.code;
  if (s.droppedAttributes === 0 && s.droppedEvents === 0 && (code === 0 || code === 1 || code === 2)) put(TAIL_CLEAN[code] as Uint8Array);
  else {
    put(DROPPED_ATTRIBUTES);
    int(s.droppedAttributes);
    put(DROPPED_EVENTS);
    int(s.droppedEvents);
    put(STATUS_CODE);
    ascii(String(code));
  }
  if (s.status.message) {
    put(STATUS_MESSAGE);
    str(s.status.message);
  }
  put(SPAN_END);
}

/** A line encoder whose buffers can be handed back for reuse once written. */
export interface LineEncoder {
  /** One whole line for `spans` (spans staged before and not yet finished stay staged). */
  (spans: ReadableSpan[]): Buffer;
  /**
   * Encodes `spans` now into the line being built, to be written later by {@link finish}: the
   * spans need not stay alive until the batch is written (docs/performance.md).
   */
  stage(spans: ReadableSpan[]): void;
  /** Spans staged and not yet finished. */
  readonly staged: number;
  /** The line holding every span staged since the last call, or undefined when none was. */
  finish(): Buffer | undefined;
  /**
   * Hands back a line this encoder returned, once it was written: the next batch is encoded
   * into the same memory instead of a new buffer (a fresh half-megabyte buffer costs page
   * faults on every batch).
   */
  recycle(line: Buffer): void;
}

/** Lines out for writing that the encoder still expects back, and free lines it keeps. */
const MAX_LENT = 8;
const MAX_SPARES = 3;

/**
 * The file store's line: one OTLP/JSON `ExportTraceServiceRequest` ended with a newline, the
 * same bytes as `traceRequestEncoder(meta)(spans) + '\n'` in UTF-8.
 */
export function traceLineBytesEncoder(meta: ExportMeta): LineEncoder {
  const head = traceRequestEncoder(meta)([]);
  const open = Buffer.from(head.slice(0, head.length - ']}]}]}'.length), 'utf8');
  const closeBytes = bytes(']}]}]}\n');
  // Lines handed out and not yet back, and lines back and free: a write still in flight when the
  // next batch is encoded must not make the encoder allocate (a dropped half-megabyte buffer is
  // external memory that waits for a full collection, and the process's RSS grew by it).
  const spares: Buffer[] = [];
  const lent: Buffer[] = [];
  let sizeHint = 64 * 1024;
  // The line being staged: its own buffer and length (the module's buf/off serve one call at a time).
  let stagedBuf: Out | undefined;
  let stagedOff = 0;
  let staged = 0;

  const fresh = (): Out => {
    while (spares.length > 0) {
      const b = spares.pop() as Buffer;
      if (b.length >= sizeHint) return b as Out;
    }
    return Buffer.allocUnsafe(sizeHint) as Out;
  };
  /** Appends spans to the line in `b` (opened when `at` is 0); returns the buffer and length. */
  const append = (b: Out, at: number, count: number, spans: ReadableSpan[]): void => {
    buf = b;
    off = at;
    if (at === 0) {
      grow(open.length);
      open.copy(buf, 0);
      off = open.length;
    }
    for (let i = 0; i < spans.length; i++) {
      if (count + i > 0) byte(0x2c);
      span(spans[i] as ReadableSpan);
    }
  };
  const close = (): Buffer => {
    put(closeBytes);
    sizeHint = Math.min(Math.max(sizeHint, off), 16 * 1024 * 1024);
    const line = buf.subarray(0, off);
    // Bounded: a line never handed back (a write that never settles) is forgotten after a few.
    if (lent.length >= MAX_LENT) lent.shift();
    lent.push(buf);
    // Nothing of the module's state points at the line any more.
    buf = NO_BUFFER;
    off = 0;
    return line;
  };

  const encode = ((spans: ReadableSpan[]) => {
    append(fresh(), 0, 0, spans);
    return close();
  }) as LineEncoder;
  encode.stage = (spans: ReadableSpan[]) => {
    if (spans.length === 0) return;
    append(stagedBuf ?? fresh(), stagedOff, staged, spans);
    stagedBuf = buf;
    stagedOff = off;
    staged += spans.length;
    buf = NO_BUFFER;
    off = 0;
  };
  Object.defineProperty(encode, 'staged', { get: () => staged });
  encode.finish = () => {
    if (stagedBuf === undefined || staged === 0) return undefined;
    buf = stagedBuf;
    off = stagedOff;
    stagedBuf = undefined;
    stagedOff = 0;
    staged = 0;
    return close();
  };
  encode.recycle = (line: Buffer) => {
    const i = lent.findIndex((b) => b.buffer === line.buffer);
    if (i < 0) return;
    const [whole] = lent.splice(i, 1);
    if (spares.length < MAX_SPARES) spares.push(whole as Buffer);
  };
  return encode;
}
