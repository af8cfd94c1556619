import { randomFillSync } from 'node:crypto';

// 8 KiB of randomness per refill: 2048 words, enough for ~340 dropped requests (6 words each).
const POOL = new Uint32Array(2048);
let next = POOL.length;

/** A cryptographically random 32-bit word from a pooled buffer (one refill per 2048 words). */
export function randomWord(): number {
  if (next >= POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  return POOL[next++] as number;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** A 32-bit word as 8 lower-case hex digits, most significant first. */
export function wordHex(w: number): string {
  return (HEX[w >>> 24] as string) + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const WORDS_OUT = Buffer.allocUnsafe(32) as Buffer & { latin1Slice(start: number, end: number): string };

/**
 * Four words as one 32-digit hex string (a trace ID), written into a scratch buffer and read
 * back as one flat string: concatenating the words' hex would leave a string of many pieces
 * that every later reader (the encoder, a Map lookup) must flatten first.
 */
export function wordsHex(a: number, b: number, c: number, d: number): string {
  const out = WORDS_OUT;
  hexInto(out, 0, a);
  hexInto(out, 8, b);
  hexInto(out, 16, c);
  hexInto(out, 24, d);
  return out.latin1Slice(0, 32);
}

function hexInto(out: Buffer, at: number, w: number): void {
  for (let shift = 28; shift >= 0; shift -= 4) out[at++] = HEX_DIGITS[(w >>> shift) & 15] as number;
}
