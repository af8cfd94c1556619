import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../src/tracing/ids.js';
import { wordHex, wordsHex } from '../../src/sampling/random-words.js';
import { isValidRequestId } from '../../src/http/request-id.js';

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
});
