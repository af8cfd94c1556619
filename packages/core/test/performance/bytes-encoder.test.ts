import { SpanKind, SpanStatusCode, createTraceState } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { toOtlpTraceRequest, TracekitSpan } from '../../src/adapter-api.js';
import { traceLineBytesEncoder } from '../../src/export/otlp-json-bytes.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const sink = { onEnd: () => undefined };
const meta = { resource: { 'service.name': 'svc "q" ☕', 'process.pid': 42 }, scope: { name: '@tracekit/core', version: '0.1.0' } };
const expected = (spans: TracekitSpan[]) => `${JSON.stringify(toOtlpTraceRequest(spans, meta))}\n`;

function hostile(): TracekitSpan {
  const s = new TracekitSpan(sink, T, '1111111111111111', '2222222222222222', 1, undefined, 'GET /users/:id "x"\u0001', SpanKind.SERVER, {
    str: 'plain', quote: 'say "hi"\n\\', unicode: 'café ☕ \u2028', lone: '\ud800x', ctrl: '\u0000\u001f\u007f', int: 200, neg: -3, zero: -0, dbl: 1.5, tiny: 1e-7, huge: 1e21,
    bool: false, yes: true, arr: ['a', 'b"'], nums: [1, 2.5], mixed: ['x', null as unknown as string], big: 2 ** 40, long: 'y'.repeat(300), longq: `"${'z'.repeat(300)}`,
    'key "with" quotes': 'x', 'клю́ч': 'значение', empty: '',
  }, 1800000000000.5, undefined);
  s.setStatus({ code: SpanStatusCode.ERROR, message: 'it "failed" ☕' });
  s.end(1800000000002.25);
  return s;
}

describe('the file store byte encoder', () => {
  it('writes exactly the bytes of JSON.stringify(toOtlpTraceRequest(...)) on hostile input', () => {
    const enc = traceLineBytesEncoder(meta);
    const plain = new TracekitSpan(sink, T, '00f067aa0ba902b7', undefined, 1, undefined, 'op', SpanKind.INTERNAL, { a: 'b' }, 1800000000123.456, undefined);
    plain.end(1800000000124);
    const withEvents = hostile();
    const ev = new TracekitSpan(sink, T, '3333333333333333', undefined, 1, createTraceState('a=1'), 'ev', SpanKind.CLIENT, { k: 1 }, 1800000000000, undefined, [
      { context: { traceId: T, spanId: '4444444444444444', traceFlags: 1 }, attributes: { l: 1 } },
    ]);
    ev.addEvent('exception', { 'exception.message': 'boom "x"' }, 1800000000001);
    ev.end(1800000000003);
    for (const spans of [[], [plain], [hostile(), plain], [ev, withEvents, plain]]) {
      expect(enc(spans).toString('utf8')).toBe(expected(spans));
    }
  });

  it('writes short and long strings exactly with an escape or a non-ASCII character at any position', () => {
    const enc = traceLineBytesEncoder(meta);
    const specials = ['"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u0080', 'é', '☕', '\ud800', '\udfff', '\u2028', ' ', '~'];
    const spans: TracekitSpan[] = [];
    for (const length of [1, 2, 63, 64, 65, 66, 200]) {
      for (const special of specials) {
        for (const at of [0, Math.floor(length / 2), length - 1]) {
          const text = 'a'.repeat(at) + special + 'b'.repeat(Math.max(0, length - at - 1));
          const s = new TracekitSpan(sink, T, '1111111111111111', undefined, 1, undefined, text, SpanKind.INTERNAL, { v: text, [text]: 1 }, 1800000000000, undefined);
          s.end(1800000000001);
          spans.push(s);
        }
      }
    }
    // One span per line as well: a string that needs escaping at the very start of a small buffer.
    for (const s of spans.slice(0, 40)) expect(enc([s]).toString('utf8')).toBe(expected([s]));
    expect(enc(spans).toString('utf8')).toBe(expected(spans));
  });

  it('writes every timestamp exactly while it reuses the last millisecond\'s digits', () => {
    const enc = traceLineBytesEncoder(meta);
    // Same millisecond twice, a millisecond back, fewer digits, a fraction that rounds up into the
    // next millisecond, and the millisecond cached before that one again.
    const times = [1800000000123.25, 1800000000123.75, 1800000000122.001, 999999999999.5, 1000000000000, 1800000000123.9996, 1800000000124, 1800000000123.25];
    const spans = times.map((t, i) => {
      const s = new TracekitSpan(sink, T, `${i}`.padStart(16, '0'), undefined, 1, undefined, 'op', SpanKind.INTERNAL, {}, t, undefined);
      s.end(times[(i + 3) % times.length]);
      return s;
    });
    expect(enc(spans).toString('utf8')).toBe(expected(spans));
    for (const s of spans) expect(enc([s]).toString('utf8')).toBe(expected([s]));
  });

  it('takes back every line written, even when the next batch was encoded while a write was in flight', () => {
    const enc = traceLineBytesEncoder(meta);
    const many = Array.from({ length: 300 }, () => hostile());
    // Two lines out at once (the second batch encoded before the first write finished).
    const a = enc(many);
    const b = enc(many);
    expect(a.buffer).not.toBe(b.buffer);
    enc.recycle(a);
    enc.recycle(b);
    // Both memories serve the next two lines: no new allocation while writes overlap.
    const c = enc(many);
    const d = enc(many);
    expect(new Set([c.buffer, d.buffer])).toEqual(new Set([a.buffer, b.buffer]));
    expect(c.toString('utf8')).toBe(expected(many));
    expect(d.toString('utf8')).toBe(expected(many));
    // A line recycled twice, or never lent, is ignored.
    enc.recycle(c);
    enc.recycle(c);
    enc.recycle(Buffer.alloc(10));
    const e = enc(many);
    const f = enc(many);
    expect(e.buffer).toBe(c.buffer);
    expect(f.buffer).not.toBe(c.buffer);
    expect(f.buffer).not.toBe(d.buffer);
  });

  it('grows past its first buffer and reuses a recycled one without mixing lines', () => {
    const enc = traceLineBytesEncoder(meta);
    const many = Array.from({ length: 400 }, () => hostile());
    const first = enc(many);
    const text = first.toString('utf8');
    expect(text).toBe(expected(many));
    enc.recycle(first);
    const small = [hostile()];
    const second = enc(small);
    expect(second.toString('utf8')).toBe(expected(small));
    // The recycled memory was reused: the first line is no longer valid, which is why the
    // file exporter recycles only after the write finished.
    expect(second.buffer).toBe(first.buffer);
    // A line not recycled is never overwritten.
    const third = enc(many);
    expect(second.toString('utf8')).toBe(expected(small));
    expect(third.toString('utf8')).toBe(expected(many));
  });

  it('stays exact while its fragment cache fills, gives up on values that never repeat, and keeps the repeated ones', () => {
    const enc = traceLineBytesEncoder(meta);
    const spans = Array.from({ length: 1500 }, (_, i) => {
      const s = new TracekitSpan(sink, T, '1111111111111111', undefined, 1, undefined, 'GET /users/:id', SpanKind.SERVER, {
        'tracekit.request_id': `id-${i}`, 'http.route': i % 3 === 0 ? '/a' : '/b', 'http.response.status_code': i % 7 === 0 ? 500 : 200, 'url.path': `/users/${i % 100}`, odd: i % 2 === 0 ? 'x' : 2,
      }, 1800000000000 + i, undefined);
      s.end(1800000000001 + i);
      return s;
    });
    for (let k = 0; k < spans.length; k += 100) {
      const batch = spans.slice(k, k + 100);
      const line = enc(batch);
      expect(line.toString('utf8')).toBe(expected(batch));
      enc.recycle(line);
    }
  });
});
