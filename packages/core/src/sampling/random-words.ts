import { randomFillSync } from 'node:crypto';
import { wordsHex32 } from '../tracing/hex-string.js';

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

/**
 * Four words as one 32-digit hex string (a trace ID), one flat string: concatenating the words'
 * hex would leave a string of many pieces that every later reader (the encoder, a Map lookup)
 * must flatten first.
 */
export function wordsHex(a: number, b: number, c: number, d: number): string {
  return wordsHex32(a, b, c, d);
}
