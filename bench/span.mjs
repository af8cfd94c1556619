// Microbenchmark: the cost of one span's start + end (and of exporting it to the file store),
// TraceKit's lean span against the official OpenTelemetry SDK span. Used for the tracer decision
// recorded in docs/architecture.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as tracekit from '@tracekit/core/adapter';

const N = Number(process.env.N ?? 200_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-span-bench-'));
const noopExporter = { export: (_s, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };

function time(label, fn) {
  for (let i = 0; i < 20_000; i++) fn(i); // warm up
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  const cpu = process.cpuUsage(start);
  const result = { label, wallUs: wall, cpuUs: (cpu.user + cpu.system) / N };
  console.log(`${label.padEnd(58)} ${wall.toFixed(3)} µs wall  ${result.cpuUs.toFixed(3)} µs CPU per span`);
  return result;
}

const attrs = { 'http.request.method': 'GET', 'url.path': '/users/42', 'http.route': '/users/:id', 'http.response.status_code': 200 };

const client = tracekit.init({ file: path.join(dir, 'traces.jsonl'), handleShutdown: false, maxQueueSize: 1_000_000 });
const tkTracer = client.tracer;
time('TraceKit span start + end (4 attributes)', () => tkTracer.startSpan('GET /users/:id', { attributes: attrs }).end());
await client.flush();

const sdk = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopExporter, { maxQueueSize: 1_000_000 })] });
const sdkTracer = sdk.getTracer('bench');
time('OpenTelemetry SDK span start + end (4 attributes, batch)', () => sdkTracer.startSpan('GET /users/:id', { attributes: attrs }).end());
const sdkSimple = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(noopExporter)] }).getTracer('bench');
time('OpenTelemetry SDK span start + end (4 attributes, simple)', () => sdkSimple.startSpan('GET /users/:id', { attributes: attrs }).end());

// Export cost: the file store's encoding of finished spans, per span.
const spans = [];
const collector = { onEnd: (s) => spans.push(s) };
for (let i = 0; i < 512; i++) {
  const s = new tracekit.TracekitSpan(collector, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', undefined, 1, undefined, 'GET /users/:id', 1, { ...attrs, 'tracekit.request_id': 'b7c2a8f4-7d1e-4c36-9a34-1f1d2b1b0c55', 'url.scheme': 'http', 'server.address': '127.0.0.1', 'server.port': 3000, 'client.address': '127.0.0.1', 'user_agent.original': 'autocannon', 'network.protocol.version': '1.1', 'tracekit.framework': 'express' }, undefined, undefined);
  s.end();
}
const meta = client.meta;
const encode = tracekit.traceRequestEncoder(meta);
let bytes = 0;
const objects = time('OTLP/JSON via objects + JSON.stringify, per span', (i) => {
  const s = spans[i % 512];
  bytes = JSON.stringify(tracekit.toOtlpTraceRequest([s], meta)).length;
});
const direct = time('OTLP/JSON built as a string (the file store), per span', (i) => {
  bytes = encode([spans[i % 512]]).length;
});
const batch = time('OTLP/JSON one string per batch of 512 + UTF-8, per span', (i) => {
  if (i % 512 === 0) Buffer.from(encode(spans) + '\n');
});
const line = tracekit.traceLineEncoder(meta);
const store = time('the file store: a batch of 512 written into a buffer, per span', (i) => {
  if (i % 512 === 0) line(spans);
});
console.log(`(${bytes} bytes for a one-span request; per span, the string encoder is ${(objects.cpuUs / direct.cpuUs).toFixed(1)}x cheaper than objects, and a batch written into a buffer ${(batch.cpuUs / store.cpuUs).toFixed(1)}x cheaper than one string)`);
await tracekit.shutdown();
fs.rmSync(dir, { recursive: true, force: true });
