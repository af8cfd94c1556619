// Lower-case hex strings built in JavaScript, as one flat string each.
//
// `String.fromCharCode` with the digits as arguments makes a flat one-byte string without
// leaving JavaScript. The alternatives cost more per ID: `buf.toString('hex', ...)` and a
// scratch buffer read back with `latin1Slice` are calls into Node's C++ (looking up the
// buffer's backing store, its length, then encoding), about twice the time for a span ID
// (docs/performance.md, round 10); concatenating two-digit pieces leaves a string of many
// pieces that every later reader (the encoder, a Map lookup) must flatten first.

/** The character codes of the hex digits, by value. */
const D = new Uint8Array(16);
for (let i = 0; i < 16; i++) D[i] = '0123456789abcdef'.charCodeAt(i);

const fcc = String.fromCharCode;

/** Eight bytes of `b` from `o` as 16 hex digits (a span ID). */
export function hex8(b: Uint8Array, o: number): string {
  const b0 = b[o] as number, b1 = b[o + 1] as number, b2 = b[o + 2] as number, b3 = b[o + 3] as number;
  const b4 = b[o + 4] as number, b5 = b[o + 5] as number, b6 = b[o + 6] as number, b7 = b[o + 7] as number;
  const d = D;
  return fcc(
    d[b0 >> 4] as number, d[b0 & 15] as number, d[b1 >> 4] as number, d[b1 & 15] as number,
    d[b2 >> 4] as number, d[b2 & 15] as number, d[b3 >> 4] as number, d[b3 & 15] as number,
    d[b4 >> 4] as number, d[b4 & 15] as number, d[b5 >> 4] as number, d[b5 & 15] as number,
    d[b6 >> 4] as number, d[b6 & 15] as number, d[b7 >> 4] as number, d[b7 & 15] as number,
  );
}

/** Sixteen bytes of `b` from `o` as 32 hex digits (a trace ID). */
export function hex16(b: Uint8Array, o: number): string {
  const b0 = b[o] as number, b1 = b[o + 1] as number, b2 = b[o + 2] as number, b3 = b[o + 3] as number;
  const b4 = b[o + 4] as number, b5 = b[o + 5] as number, b6 = b[o + 6] as number, b7 = b[o + 7] as number;
  const b8 = b[o + 8] as number, b9 = b[o + 9] as number, b10 = b[o + 10] as number, b11 = b[o + 11] as number;
  const b12 = b[o + 12] as number, b13 = b[o + 13] as number, b14 = b[o + 14] as number, b15 = b[o + 15] as number;
  const d = D;
  return fcc(
    d[b0 >> 4] as number, d[b0 & 15] as number, d[b1 >> 4] as number, d[b1 & 15] as number,
    d[b2 >> 4] as number, d[b2 & 15] as number, d[b3 >> 4] as number, d[b3 & 15] as number,
    d[b4 >> 4] as number, d[b4 & 15] as number, d[b5 >> 4] as number, d[b5 & 15] as number,
    d[b6 >> 4] as number, d[b6 & 15] as number, d[b7 >> 4] as number, d[b7 & 15] as number,
    d[b8 >> 4] as number, d[b8 & 15] as number, d[b9 >> 4] as number, d[b9 & 15] as number,
    d[b10 >> 4] as number, d[b10 & 15] as number, d[b11 >> 4] as number, d[b11 & 15] as number,
    d[b12 >> 4] as number, d[b12 & 15] as number, d[b13 >> 4] as number, d[b13 & 15] as number,
    d[b14 >> 4] as number, d[b14 & 15] as number, d[b15 >> 4] as number, d[b15 & 15] as number,
  );
}

/** Four 32-bit words as 32 hex digits, most significant first (a trace ID from random words). */
export function wordsHex32(a: number, b: number, c: number, e: number): string {
  const d = D;
  return fcc(
    d[(a >>> 28) & 15] as number, d[(a >>> 24) & 15] as number, d[(a >>> 20) & 15] as number, d[(a >>> 16) & 15] as number,
    d[(a >>> 12) & 15] as number, d[(a >>> 8) & 15] as number, d[(a >>> 4) & 15] as number, d[a & 15] as number,
    d[(b >>> 28) & 15] as number, d[(b >>> 24) & 15] as number, d[(b >>> 20) & 15] as number, d[(b >>> 16) & 15] as number,
    d[(b >>> 12) & 15] as number, d[(b >>> 8) & 15] as number, d[(b >>> 4) & 15] as number, d[b & 15] as number,
    d[(c >>> 28) & 15] as number, d[(c >>> 24) & 15] as number, d[(c >>> 20) & 15] as number, d[(c >>> 16) & 15] as number,
    d[(c >>> 12) & 15] as number, d[(c >>> 8) & 15] as number, d[(c >>> 4) & 15] as number, d[c & 15] as number,
    d[(e >>> 28) & 15] as number, d[(e >>> 24) & 15] as number, d[(e >>> 20) & 15] as number, d[(e >>> 16) & 15] as number,
    d[(e >>> 12) & 15] as number, d[(e >>> 8) & 15] as number, d[(e >>> 4) & 15] as number, d[e & 15] as number,
  );
}

/**
 * Sixteen bytes of `b` from `o` as an RFC 9562 version 4 UUID (`xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx`,
 * variant bits 10): the version and variant bits are set in the digits, `b` is not changed.
 */
export function uuidV4(b: Uint8Array, o: number): string {
  const b0 = b[o] as number, b1 = b[o + 1] as number, b2 = b[o + 2] as number, b3 = b[o + 3] as number;
  const b4 = b[o + 4] as number, b5 = b[o + 5] as number, b6 = ((b[o + 6] as number) & 0x0f) | 0x40, b7 = b[o + 7] as number;
  const b8 = ((b[o + 8] as number) & 0x3f) | 0x80, b9 = b[o + 9] as number, b10 = b[o + 10] as number, b11 = b[o + 11] as number;
  const b12 = b[o + 12] as number, b13 = b[o + 13] as number, b14 = b[o + 14] as number, b15 = b[o + 15] as number;
  const d = D;
  return fcc(
    d[b0 >> 4] as number, d[b0 & 15] as number, d[b1 >> 4] as number, d[b1 & 15] as number,
    d[b2 >> 4] as number, d[b2 & 15] as number, d[b3 >> 4] as number, d[b3 & 15] as number, 0x2d,
    d[b4 >> 4] as number, d[b4 & 15] as number, d[b5 >> 4] as number, d[b5 & 15] as number, 0x2d,
    d[b6 >> 4] as number, d[b6 & 15] as number, d[b7 >> 4] as number, d[b7 & 15] as number, 0x2d,
    d[b8 >> 4] as number, d[b8 & 15] as number, d[b9 >> 4] as number, d[b9 & 15] as number, 0x2d,
    d[b10 >> 4] as number, d[b10 & 15] as number, d[b11 >> 4] as number, d[b11 & 15] as number,
    d[b12 >> 4] as number, d[b12 & 15] as number, d[b13 >> 4] as number, d[b13 & 15] as number,
    d[b14 >> 4] as number, d[b14 & 15] as number, d[b15 >> 4] as number, d[b15 & 15] as number,
  );
}
