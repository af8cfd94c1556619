import { randomFillSync, randomUUID } from 'node:crypto';
import { hex16, hex8, uuidV4 } from './hex-string.js';

// One crypto call fills 4 KiB, enough for 170 trace+span ID pairs; slicing hex out of a
// pooled buffer is several times cheaper than a randomBytes() call per ID.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** The offset of `bytes` fresh random bytes in the pool (refilled when it runs out). */
function take(bytes: number): number {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const o = offset;
  offset += bytes;
  return o;
}

const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/** A random, valid (not all-zero) 16-byte trace ID in lower-case hex. */
export function newTraceId(): string {
  const id = hex16(pool, take(16));
  return id === ZERO_TRACE ? newTraceId() : id;
}

/** A random, valid (not all-zero) 8-byte span ID in lower-case hex. */
export function newSpanId(): string {
  const id = hex8(pool, take(8));
  return id === ZERO_SPAN ? newSpanId() : id;
}

/**
 * A new request ID: a random UUID v4 (RFC 9562: version 4, variant 10), from the pooled random
 * buffer, as one flat string: a UUID from `crypto.randomUUID()` is a string of ~20 concatenated
 * pieces, which the encoder and the redactor would each have to flatten again
 * (docs/performance.md).
 */
export function newRequestId(): string {
  return uuidV4(pool, take(16));
}

/** The same, from Node's generator (kept for comparison in bench/ledger.mjs). */
export function nodeRandomUUID(): string {
  return randomUUID();
}
