/**
 * A reader of the protobuf wire format, just enough for the OTLP messages: varints, fixed
 * 32/64-bit numbers, doubles and length-delimited fields, with unknown fields skipped. Every read
 * checks bounds and throws {@link ProtobufError} on malformed input, which the receiver answers
 * with 400.
 */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

const TWO_32 = 4294967296;

export class ProtobufReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    view?: DataView,
  ) {
    this.pos = start;
    // One DataView for the whole body: nested messages share it.
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A varint as a number; exact below 2^53, which covers tags, lengths, enums and counts. */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** An int64 varint in the OTLP/JSON form: a number when safe, else its decimal string (negative values too). */
  int64(): number | string {
    const start = this.pos;
    const n = this.varint();
    if (this.pos - start < 8) return n;
    let big = 0n;
    let shift = 0n;
    for (let p = start; p < this.pos; p++, shift += 7n) big |= BigInt(this.buf[p]! & 0x7f) << shift;
    big = BigInt.asIntN(64, big);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError('truncated field');
  }

  fixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An unsigned fixed64 as a decimal string (nanosecond timestamps do not fit a double exactly). */
  fixed64String(): string {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    if (hi < 0x200000) return String(hi * TWO_32 + lo);
    // hi * 2^32 + lo in decimal without BigInt (about 4x cheaper for nanosecond timestamps):
    // 2^32 = 42949 * 10^5 + 67296, and every partial product below stays under 2^53.
    const low = hi * 67296 + lo;
    const high = hi * 42949 + Math.floor(low / 100000);
    const rest = String(low % 100000);
    return String(high) + '00000'.slice(rest.length) + rest;
  }

  /** An unsigned fixed64 as a number (counts). */
  fixed64Number(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** A signed fixed64 (sfixed64) in the OTLP/JSON form. */
  sfixed64(): number | string {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The end offset of a length-delimited field whose length is next. */
  lengthEnd(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new ProtobufError('length past the end of the message');
    return end;
  }

  string(): string {
    const end = this.lengthEnd();
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return s;
  }

  /** Bytes as lower-case hex (trace and span IDs in the OTLP/JSON mapping). */
  hex(): string {
    const end = this.lengthEnd();
    // Node's hex conversion beats joining per-byte strings (about 90 ns against 150 for 16 bytes).
    const s = this.buf.toString('hex', this.pos, end);
    this.pos = end;
    return s;
  }

  base64(): string {
    const end = this.lengthEnd();
    const s = this.buf.toString('base64', this.pos, end);
    this.pos = end;
    return s;
  }

  /** A sub-reader over the next length-delimited field. */
  message(): ProtobufReader {
    const end = this.lengthEnd();
    const sub = new ProtobufReader(this.buf, this.pos, end, this.view);
    this.pos = end;
    return sub;
  }

  /** Packed (or, for compatibility, single unpacked) repeated fixed64 / double values. */
  packed<T>(wireType: number, read: () => T, out: T[]): void {
    if (wireType !== 2) {
      out.push(read());
      return;
    }
    const end = this.lengthEnd();
    while (this.pos < end) out.push(read());
    if (this.pos !== end) throw new ProtobufError('packed field overran its length');
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2:
        this.pos = this.lengthEnd();
        return;
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }

  /** Calls `field(number, wireType)` for each field until the end; the callback must consume the field (or call skip). */
  fields(field: (num: number, wireType: number) => void): void {
    while (this.pos < this.end) {
      const tag = this.varint();
      const num = Math.floor(tag / 8);
      if (num === 0) throw new ProtobufError('field number 0');
      field(num, tag & 7);
    }
    if (this.pos !== this.end) throw new ProtobufError('message overran its length');
  }
}
