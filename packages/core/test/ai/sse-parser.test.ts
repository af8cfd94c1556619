import { StringDecoder } from 'node:string_decoder';
import { describe, expect, it } from 'vitest';
import { MAX_SSE_FIELD, SseParser } from '../../src/ai/sse-parser.js';

function parseChunks(chunks: Buffer[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const parser = new SseParser((e, d) => out.push([e, d]));
  const dec = new StringDecoder('utf8');
  for (const c of chunks) parser.push(dec.write(c));
  parser.push(dec.end());
  return out;
}

const STREAM = Buffer.from(
  'event: message_start\r\ndata: {"a":"é€😀"}\r\n\r\n' +
    ': a comment\n' +
    'data: line one\ndata:line two\n\n' +
    'id: 7\rretry: 10\revent: ping\rdata: {}\r\r' +
    'data: [DONE]\n\n' +
    'data: unfinished',
);
const EXPECTED: Array<[string, string]> = [
  ['message_start', '{"a":"é€😀"}'],
  ['message', 'line one\nline two'],
  ['ping', '{}'],
  ['message', '[DONE]'],
];

describe('SseParser', () => {
  it('parses CRLF, LF and CR line ends, comments, multi-line data, and drops an unfinished last event', () => {
    expect(parseChunks([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events when the bytes are split at every position (two pieces)', () => {
    for (let i = 1; i < STREAM.length; i++) {
      expect(parseChunks([STREAM.subarray(0, i), STREAM.subarray(i)])).toEqual(EXPECTED);
    }
  });

  it('gives the same events when every byte arrives alone (multi-byte characters and CRLF split)', () => {
    const bytes = [...STREAM].map((b) => Buffer.from([b]));
    expect(parseChunks(bytes)).toEqual(EXPECTED);
  });

  it('gives the same events when split at every pair of positions', () => {
    const small = STREAM.subarray(0, 60);
    const want = parseChunks([small]);
    for (let i = 1; i < small.length; i++) {
      for (let j = i + 1; j < small.length; j++) {
        expect(parseChunks([small.subarray(0, i), small.subarray(i, j), small.subarray(j)])).toEqual(want);
      }
    }
  });

  it('drops a line or an event larger than MAX_SSE_FIELD and goes on with the next event', () => {
    const out: Array<[string, string]> = [];
    const parser = new SseParser((e, d) => out.push([e, d]));
    const piece = 'x'.repeat(1024 * 1024);
    parser.push('data: ');
    for (let i = 0; i <= MAX_SSE_FIELD / piece.length; i++) parser.push(piece);
    parser.push('\n\ndata: ok\n\n');
    for (let i = 0; i <= MAX_SSE_FIELD / piece.length; i++) parser.push(`data: ${piece}\n`);
    parser.push('\ndata: after\n\n');
    expect(out).toEqual([['message', 'ok'], ['message', 'after']]);
    expect(parser.dropped).toBe(2);
  });
});
