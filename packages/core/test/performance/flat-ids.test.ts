import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../src/tracing/ids.js';
import { wordHex, wordsHex } from '../../src/sampling/random-words.js';
import { isValidRequestId } from '../../src/http/request-id.js';
import { hex16, hex8, uuidV4, wordsHex32 } from '../../src/tracing/hex-string.js';
import { newSpanId, newTraceId } from '../../src/tracing/ids.js';
import { randomBytes } from 'node:crypto';

describe('IDs written as one flat string (issue 11)', () => {
  it('request IDs are random RFC 9562 version 4 UUIDs, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = newRequestId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isValidRequestId(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it('wordsHex is the four words hex, most significant first, as wordHex writes them', () => {
    const cases: Array<[number, number, number, number]> = [[0, 0, 0, 1], [0xffffffff, 0x12345678, 0x9abcdef0, 0x0000000f], [0x80000000, 1, 0x00ff00ff, 0xdeadbeef]];
    for (const [a, b, c, d] of cases) expect(wordsHex(a, b, c, d)).toBe(wordHex(a) + wordHex(b) + wordHex(c) + wordHex(d));
    // The scratch buffer is reused: earlier results stay as they were.
    const first = wordsHex(1, 2, 3, 4);
    wordsHex(5, 6, 7, 8);
    expect(first).toBe('00000001000000020000000300000004');
  });

  it('hex8, hex16 and wordsHex32 write the same digits as Buffer hex, at any offset, on every byte value', () => {
    const edge = Buffer.from([0x00, 0xff, 0x0f, 0xf0, 0x10, 0x01, 0x80, 0x7f, 0xa5, 0x5a, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x09, 0x90]);
    const inputs = [edge, Buffer.from(Array.from({ length: 256 }, (_, i) => i)), ...Array.from({ length: 200 }, () => randomBytes(40))];
    for (const b of inputs) {
      for (let o = 0; o + 16 <= b.length; o += 3) {
        expect(hex8(b, o)).toBe(b.toString('hex', o, o + 8));
        expect(hex16(b, o)).toBe(b.toString('hex', o, o + 16));
        expect(wordsHex32(b.readUInt32BE(o), b.readUInt32BE(o + 4), b.readUInt32BE(o + 8), b.readUInt32BE(o + 12))).toBe(b.toString('hex', o, o + 16));
      }
    }
  });

  it('uuidV4 is the bytes hex with the version and variant bits set, dashes at 8-4-4-4-12, the input unchanged', () => {
    for (let i = 0; i < 500; i++) {
      const b = randomBytes(20);
      const copy = Buffer.from(b);
      const o = i % 4;
      const v = Buffer.from(b.subarray(o, o + 16));
      v[6] = (v[6]! & 0x0f) | 0x40;
      v[8] = (v[8]! & 0x3f) | 0x80;
      const h = v.toString('hex');
      expect(uuidV4(b, o)).toBe(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
      expect(b.equals(copy)).toBe(true);
    }
    expect(uuidV4(Buffer.alloc(16, 0xff), 0)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidV4(Buffer.alloc(16, 0), 0)).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('trace and span IDs are lower-case hex of their length, never all zero, all different', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    // More than one pool refill (4 KiB) of both.
    for (let i = 0; i < 3000; i++) {
      const t = newTraceId();
      const s = newSpanId();
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(s).toMatch(/^[0-9a-f]{16}$/);
      expect(t).not.toBe('0'.repeat(32));
      expect(s).not.toBe('0'.repeat(16));
      traces.add(t);
      spans.add(s);
    }
    expect(traces.size).toBe(3000);
    expect(spans.size).toBe(3000);
  });
});
