import type { HrTime } from '@opentelemetry/api';

/**
 * A protobuf writer over one growable, reused buffer: varints, fixed-width numbers, UTF-8
 * strings (ASCII copied in JS, the rest by Buffer) and hex IDs, with length-delimited fields
 * written by reserving one length byte and moving the content in the rare case it needs more.
 * Used by otlp-protobuf.ts.
 */

/**
 * Epoch milliseconds as `[seconds, nanoseconds]`, rounded to the microsecond: the digits below
 * that are floating-point noise of the clock arithmetic, and the file store rounds the same way
 * (time.ts `msToNanoString`), so every encoding of a span carries the same timestamps.
 */
export function toHrTime(ms: number): HrTime {
  let whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1e3);
  if (micros >= 1e3) {
    whole += 1;
    micros -= 1e3;
  }
  const seconds = Math.floor(whole / 1000);
  return [seconds, (whole - seconds * 1000) * 1e6 + micros * 1e3];
}

/** Protobuf wire types. */
export const LEN = 2;
export const VARINT = 0;
export const I64 = 1;
export const I32 = 5;
const TWO_32 = 0x1_0000_0000;
/** Hex digit values by character code (invalid characters read as 0, as in the official encoder's lenient parse). */
const HEX = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (v >= 0 && v < TWO_32) {
      while (v > 0x7f) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    // 64-bit: split into 32-bit halves; negatives in two's complement (10 bytes).
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = v >>> 0;
      hi = Math.floor(v / TWO_32) >>> 0;
    } else {
      const a = -v;
      lo = ~(a >>> 0) >>> 0;
      hi = ~(Math.floor(a / TWO_32) >>> 0) >>> 0;
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    }
    while (hi > 0 || lo > 0x7f) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  tag(field: number, wire: number): void {
    const t = (field << 3) | wire;
    if (t < 0x80) {
      if (this.pos >= this.buf.length) this.ensure(1);
      this.buf[this.pos++] = t;
    } else this.varint(t);
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Epoch milliseconds as fixed64 nanoseconds (see {@link toHrTime}; the same arithmetic, without the array). */
  time(ms: number): void {
    let whole = Math.floor(ms);
    let micros = Math.round((ms - whole) * 1e3);
    if (micros >= 1e3) {
      whole += 1;
      micros -= 1e3;
    }
    const s = Math.floor(whole / 1000);
    const ns = (whole - s * 1000) * 1e6 + micros * 1e3;
    // s * 1e9 + ns exceeds 2^53, so it is assembled from parts that stay exact.
    const upper = Math.floor(s / 65536) * 1e9;
    const lower = (s % 65536) * 1e9 + ns;
    const t = (upper % 65536) * 65536 + lower;
    this.ensure(8);
    this.buf.writeUInt32LE(t % TWO_32, this.pos);
    this.buf.writeUInt32LE((Math.floor(upper / 65536) + Math.floor(t / TWO_32)) >>> 0, this.pos + 4);
    this.pos += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Reserves one byte for a length; {@link end} fixes it (moving the content when it needs more). */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  end(start: number): void {
    const len = this.pos - start - 1;
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    const buf = this.buf;
    buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    this.pos += extra;
    let p = start;
    let v = len;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p] = v;
  }

  string(field: number, s: string): void {
    this.tag(field, LEN);
    const n = s.length;
    if (n < 43) {
      // At most 126 UTF-8 bytes: one length byte. ASCII is copied in JS, anything else by Buffer.
      this.ensure(n * 3 + 1);
      const start = this.pos++;
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          p = this.pos + buf.write(s, this.pos, 'utf8');
          break;
        }
        buf[p++] = c;
      }
      this.pos = p;
      this.end(start);
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A hex ID as bytes (decoded in JS: cheaper than a native call for 8 or 16 bytes). */
  id(field: number, hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = (field << 3) | LEN;
    buf[p++] = n;
    for (let i = 0; i < hex.length; i += 2) buf[p++] = (HEX[hex.charCodeAt(i)]! << 4) | HEX[hex.charCodeAt(i + 1)]!;
    this.pos = p;
  }

  take(): Uint8Array {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    // Give back memory after an unusually large batch.
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(256 * 1024);
    return out;
  }
}

