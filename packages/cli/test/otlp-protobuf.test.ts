import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest, ProtobufError } from '../src/ui/server/otlp-protobuf.js';
import { ProtobufReader } from '../src/ui/server/protobuf-reader.js';

const require = createRequire(import.meta.url);
/** protobufjs's generated decoder, as @opentelemetry/otlp-transformer 0.216 shipped it: the reference. */
const Reference = require('otlp-transformer-0216/build/src/generated/root.js').opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

function sdkBody(): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'décodé ✓', 'service.instance.id': 'i-1' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('ref', '0.1');
  const server = tracer.startSpan('GET /ünïcode/:id', { kind: SpanKind.SERVER, attributes: { int: -42, big: 2 ** 52 + 1, neg: -(2 ** 40), dbl: 1.5, bool: true, arr: ['x', 'y'], nums: [1, 2, 3], empty: '' } });
  server.addEvent('checkpoint', { step: 3 });
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'bad' });
  const child = tracer.startSpan('child', { kind: SpanKind.PRODUCER, links: [{ context: server.spanContext(), attributes: { l: 'k' } }] }, trace.setSpan(context.active(), server));
  child.end();
  server.end();
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
}

const hexOf = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

describe('the protobuf decoder', () => {
  it('agrees with protobufjs on every field of spans produced by the OpenTelemetry SDK', () => {
    const body = Buffer.from(sdkBody());
    const ours = decodeTraceRequest(body);
    const ref = Reference.toObject(Reference.decode(body), { longs: String, bytes: String, defaults: false, arrays: true });
    const refSpans = ref.resourceSpans[0].scopeSpans[0].spans;
    const ourSpans = ours.resourceSpans![0]!.scopeSpans![0]!.spans!;
    expect(ours.resourceSpans![0]!.resource!.attributes).toEqual(ref.resourceSpans[0].resource.attributes);
    expect(ours.resourceSpans![0]!.scopeSpans![0]!.scope).toEqual({ name: 'ref', version: '0.1' });
    expect(ref.resourceSpans[0].scopeSpans[0].scope).toMatchObject({ name: 'ref', version: '0.1' });
    expect(ourSpans).toHaveLength(2);
    ourSpans.forEach((s, i) => {
      const r = refSpans[i];
      expect([s.traceId, s.spanId, s.parentSpanId ?? '']).toEqual([hexOf(r.traceId), hexOf(r.spanId), r.parentSpanId ? hexOf(r.parentSpanId) : '']);
      expect([s.name, s.kind, s.startTimeUnixNano, s.endTimeUnixNano, s.flags]).toEqual([r.name, r.kind, r.startTimeUnixNano, r.endTimeUnixNano, r.flags]);
      // protobufjs gives 64-bit integers as strings; ours are numbers when exact.
      const norm = JSON.parse(JSON.stringify(s.attributes), (k, v) => (k === 'intValue' ? String(v) : v));
      expect(norm).toEqual(r.attributes ?? []);
      expect((s.events ?? []).map((e) => [e.name, e.timeUnixNano])).toEqual((r.events ?? []).map((e: { name: string; timeUnixNano: string }) => [e.name, e.timeUnixNano]));
      expect((s.links ?? []).map((l) => l.traceId)).toEqual((r.links ?? []).map((l: { traceId: string }) => hexOf(l.traceId)));
      expect(s.status ?? {}).toEqual(r.status ?? {});
    });
  });

  it('reads 64-bit values exactly', () => {
    const max = Buffer.from([0x39, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const r = new ProtobufReader(max, 1);
    expect(r.fixed64String()).toBe('18446744073709551615');
    const neg = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(new ProtobufReader(neg).int64()).toBe(-2);
    const huge = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(new ProtobufReader(huge).int64()).toBe('-9223372036854775808');
  });

  it('throws a ProtobufError for truncated or invalid input, never reading past the end', () => {
    for (const bad of [[0x0a, 0x05, 0x01], [0x0a], [0x08, 0xff, 0xff], [0x0b], [0x00, 0x01], [0x0a, 0x02, 0x12, 0x05]]) {
      expect(() => decodeTraceRequest(Buffer.from(bad))).toThrow(ProtobufError);
    }
  });
});
