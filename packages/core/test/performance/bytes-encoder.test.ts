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
