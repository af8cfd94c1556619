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

/** A new request ID: a random UUID v4. */
export function newRequestId(): string {
  return randomUUID();
}
