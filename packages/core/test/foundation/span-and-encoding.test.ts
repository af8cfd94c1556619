import { SpanKind, SpanStatusCode, createTraceState } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { spanJson, toOtlpTraceRequest, traceRequestEncoder, TracekitSpan } from '../../src/adapter-api.js';
import { traceLineEncoder } from '../../src/export/otlp-json-string.js';
import { toOtlpSpan } from '../../src/export/otlp-json.js';
import { msToNanoString } from '../../src/tracing/time.js';

const ended: TracekitSpan[] = [];
const sink = { onEnd: (s: TracekitSpan) => ended.push(s) };
const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const mk = (attrs = {}, kind = SpanKind.INTERNAL, parent?: string) => new TracekitSpan(sink, T, '00f067aa0ba902b7', parent, 1, undefined, 'op', kind, attrs, 1800000000123.456, undefined);

describe('TracekitSpan', () => {
  it('implements the span API: attributes, events, status, name, end once', () => {
    const s = mk({ a: 1 });
    s.setAttribute('b', 'two').setAttributes({ c: true, d: [1, 2], skip: undefined });
    s.addEvent('e1', { k: 'v' });
    s.addEvent('e2', 1800000000200);
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'bad' });
    s.updateName('renamed');
    expect(s.isRecording()).toBe(true);
    s.end(1800000000200);
    s.end(1800000000300);
    s.setAttribute('late', 1);
    expect(ended.filter((x) => x === s)).toHaveLength(1);
    expect(s.isRecording()).toBe(false);
    expect(s.attributes).toEqual({ a: 1, b: 'two', c: true, d: [1, 2] });
    expect(s.events?.map((e) => e.name)).toEqual(['e1', 'e2']);
    expect(s.events?.[1]?.time).toBe(1800000000200);
    expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad' });
    expect(s.name).toBe('renamed');
    expect(s.durationMs).toBeCloseTo(76.544, 3);
  });

  it('OK is final; UNSET never overrides', () => {
    const s = mk();
    s.setStatus({ code: SpanStatusCode.OK });
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'x' });
    expect(s.status.code).toBe(SpanStatusCode.OK);
  });

  it('bounds attributes and events and counts what it drops', () => {
    const s = mk();
    for (let i = 0; i < 200; i++) s.setAttribute(`k${i}`, i);
    for (let i = 0; i < 150; i++) s.addEvent(`e${i}`);
    expect(Object.keys(s.attributes)).toHaveLength(128);
    expect(s.droppedAttributes).toBe(72);
    expect(s.events).toHaveLength(128);
    expect(s.droppedEvents).toBe(22);
  });

  it('recordException adds an exception event for any thrown value', () => {
    const s = mk();
    s.recordException(new TypeError('nope'));
    s.recordException('plain string' as unknown as Error);
    expect(s.events?.[0]?.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'nope' });
    expect(s.events?.[1]?.attributes).toMatchObject({ 'exception.type': 'NonError<string>', 'exception.message': 'plain string' });
  });
});

describe('OTLP/JSON encoding', () => {
  it('converts epoch milliseconds to nanosecond strings exactly', () => {
    expect(msToNanoString(1800000000123.456)).toBe('1800000000123456000');
    expect(msToNanoString(1800000000000)).toBe('1800000000000000000');
    expect(msToNanoString(1.9999999)).toBe('2000000');
    expect(msToNanoString(0.5)).toBe('500000');
  });

  it('the string encoder is byte-for-byte the object encoder', () => {
    const s = new TracekitSpan(sink, T, '1111111111111111', '2222222222222222', 1, createTraceState('a=1'), 'GET /users/:id', SpanKind.SERVER, {
      str: 'plain', quote: 'say "hi"\n\\', unicode: 'café ☕ \u2028', int: 200, neg: -3, dbl: 1.5, bool: false, arr: ['a', 'b'], nums: [1, 2.5], big: 2 ** 40,
      'key "with" quotes': 'x',
    }, 1800000000000.5, undefined, [{ context: { traceId: T, spanId: '3333333333333333', traceFlags: 1 }, attributes: { l: 1 } }]);
    s.addEvent('exception', { 'exception.message': 'boom "x"' }, 1800000000001);
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'it "failed"' });
    s.end(1800000000002.25);
    expect(spanJson(s)).toBe(JSON.stringify(toOtlpSpan(s)));
    const plain = mk({ a: 'b' }, SpanKind.CLIENT, 'ffffffffffffffff');
    plain.end(1800000000124);
    expect(spanJson(plain)).toBe(JSON.stringify(toOtlpSpan(plain)));
    const meta = { resource: { 'service.name': 'svc', 'process.pid': 42 }, scope: { name: '@tracekit/core', version: '0.1.0' } };
    expect(traceRequestEncoder(meta)([s, plain])).toBe(JSON.stringify(toOtlpTraceRequest([s, plain], meta)));
    // The file store's buffer encoder writes the same bytes, growing past its first buffer.
    const many = Array.from({ length: 300 }, () => s);
    const line = traceLineEncoder(meta);
    expect(line([s, plain]).toString('utf8')).toBe(`${JSON.stringify(toOtlpTraceRequest([s, plain], meta))}\n`);
    expect(line(many).toString('utf8')).toBe(`${JSON.stringify(toOtlpTraceRequest(many, meta))}\n`);
    expect(line([]).toString('utf8')).toBe(`${JSON.stringify(toOtlpTraceRequest([], meta))}\n`);
  });

  it('writes the OTLP/JSON shape the Collector reads', () => {
    const s = mk({ 'http.response.status_code': 200 }, SpanKind.SERVER);
    s.end(1800000000124);
    const req = JSON.parse(traceRequestEncoder({ resource: { 'service.name': 'svc' }, scope: { name: 'n', version: 'v' } })([s]));
    expect(req.resourceSpans[0].resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'svc' } }]);
    const span = req.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span).toMatchObject({ traceId: T, spanId: '00f067aa0ba902b7', parentSpanId: '', kind: 2, name: 'op', startTimeUnixNano: '1800000000123456000', endTimeUnixNano: '1800000000124000000', status: { code: 0 } });
    expect(span.attributes).toEqual([{ key: 'http.response.status_code', value: { intValue: '200' } }]);
  });
});
