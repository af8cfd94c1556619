import { randomFillSync, randomUUID } from 'node:crypto';

// One crypto call fills 4 KiB, enough for 170 trace+span ID pairs; slicing hex out of a
// pooled buffer is several times cheaper than a randomBytes() call per ID.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/** A random, valid (not all-zero) 16-byte trace ID in lower-case hex. */
export function newTraceId(): string {
  const id = randomHex(16);
  return id === ZERO_TRACE ? newTraceId() : id;
}

/** A random, valid (not all-zero) 8-byte span ID in lower-case hex. */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === ZERO_SPAN ? newSpanId() : id;
}

/** Hex digits as character codes. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const UUID_OUT = Buffer.allocUnsafe(36) as Buffer & { latin1Slice(start: number, end: number): string };

/**
 * A new request ID: a random UUID v4 (RFC 9562: version 4, variant 10), from the pooled random
 * buffer. Written into a 36-byte scratch buffer and read back as one flat string: a UUID from
 * `crypto.randomUUID()` is a string of ~20 concatenated pieces, which the encoder and the
 * redactor would each have to flatten again (docs/performance.md).
 */
export function newRequestId(): string {
  if (offset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const o = offset;
  offset += 16;
  const out = UUID_OUT;
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let b = pool[o + i] as number;
    if (i === 6) b = (b & 0x0f) | 0x40;
    else if (i === 8) b = (b & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) out[at++] = 0x2d;
    out[at++] = HEX_DIGITS[b >> 4] as number;
    out[at++] = HEX_DIGITS[b & 15] as number;
  }
  return out.latin1Slice(0, 36);
}

/** The same, from Node's generator (kept for comparison in bench/ledger.mjs). */
export function nodeRandomUUID(): string {
  return randomUUID();
}
