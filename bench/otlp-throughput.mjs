// Benchmark (not a test): OTLP encoding and export throughput, in spans per second on one core.
//
//   node bench/otlp-throughput.mjs            (build core first: cd packages/core && npx tsup)
//
// 1. Encoding: batches of 512 request-shaped spans (a SERVER span with the HTTP attributes, a
//    handler child, a db child; one in ten with an exception event), encoded by TraceKit's
//    encoders (protobuf: export/otlp-protobuf.ts; JSON: the file store's string encoder) and by
//    the official serializers of @opentelemetry/otlp-transformer, with and without gzip.
// 2. Export: the same batches sent by OtlpHttpExporter, one at a time as the pipeline does, to a
//    receiver in a separate process on 127.0.0.1 (so its CPU is not counted). Spans per second
//    of wall time, and per second of this process's CPU time (user + system).
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import * as tracekit from '@tracekit/core/adapter';

if (process.argv[2] === 'receiver') {
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => res.end());
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
} else {
  await main();
}

/** Request-shaped spans with realistic variety (random IDs, request IDs, paths, timings), so gzip ratios are honest. */
function makeSpans(n) {
  const spans = [];
  const sink = { onEnd: (s) => spans.push(s) };
  const id = (bytes) => randomBytes(bytes).toString('hex');
  const routes = [['/users/:id', 'getUser'], ['/orders/:orderId/items', 'listItems'], ['/api/search', 'search'], ['/health', 'health']];
  for (let i = 0; spans.length < n; i++) {
    const traceId = id(16);
    const [route, fn] = routes[i % routes.length];
    const start = Date.now() - Math.random() * 60_000;
    const took = 0.5 + Math.random() * 40;
    const server = new tracekit.TracekitSpan(sink, traceId, id(8), undefined, 1, undefined, `GET ${route}`, 1, {
      'http.request.method': 'GET', 'url.path': route.replace(/:\w+/g, () => String(Math.floor(Math.random() * 1e6))), 'url.scheme': 'http', 'http.route': route,
      'http.response.status_code': i % 17 === 0 ? 500 : 200, 'server.address': '127.0.0.1', 'server.port': 3000, 'client.address': `10.0.${i % 256}.${(i * 7) % 256}`,
      'user_agent.original': i % 2 ? 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36' : 'curl/8.5.0',
      'network.protocol.version': '1.1', 'tracekit.request_id': randomUUID(), 'tracekit.framework': 'express', 'code.function.name': fn,
    }, start, undefined);
    const handler = new tracekit.TracekitSpan(sink, traceId, id(8), server.spanId, 1, undefined, `handler ${fn}`, 0, { 'code.function.name': fn }, start + 0.05, undefined);
    const db = new tracekit.TracekitSpan(sink, traceId, id(8), handler.spanId, 1, undefined, 'db.query', 2, { 'db.system.name': 'postgresql', 'db.query.text': `select * from t${i % 9} where id = $1` }, start + 0.1, undefined);
    if (i % 10 === 0) db.recordException(new Error(`connection reset (attempt ${i})`));
    db.end(start + took * 0.8);
    handler.end(start + took * 0.95);
    server.end(start + took);
  }
  return spans.slice(0, n);
}

function measure(label, batches, fn) {
  for (let i = 0; i < 20; i++) fn(batches[i % batches.length]); // warm up
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let spans = 0;
  let bytes = 0;
  while (Number(process.hrtime.bigint() - t0) < 2e9) {
    for (const b of batches) {
      bytes += fn(b);
      spans += b.length;
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const row = { label, spansPerSecWall: Math.round(spans / wall), spansPerCpuSec: Math.round(spans / ((cpu.user + cpu.system) / 1e6)), bytesPerSpan: +(bytes / spans).toFixed(1) };
  console.log(`${label.padEnd(44)} ${String(row.spansPerSecWall).padStart(10)} spans/s   ${String(row.spansPerCpuSec).padStart(10)} spans/CPU-s   ${row.bytesPerSpan} B/span`);
  return row;
}

async function main() {
  const client = tracekit.init({ exporter: 'none', handleShutdown: false, serviceName: 'bench' });
  const spans = makeSpans(512 * 8);
  const batches = [];
  for (let i = 0; i < spans.length; i += 512) batches.push(spans.slice(i, i + 512));
  const meta = { resource: client.meta.resource, scope: client.meta.scope };
  console.log(`node ${process.version}, batches of 512 spans, one core\n\nEncoding`);
  measure('protobuf, TraceKit encoder (used)', batches, (b) => tracekit.encodeTraces(b, meta, 'http/protobuf').length);
  measure('protobuf, official otlp-transformer', batches, (b) => tracekit.encodeTracesOfficial(b, meta, 'http/protobuf').length);
  measure('protobuf (TraceKit) + gzip', batches, (b) => gzipSync(tracekit.encodeTraces(b, meta, 'http/protobuf')).length);
  measure('JSON, TraceKit string encoder (used)', batches, (b) => tracekit.encodeTraces(b, meta, 'http/json').length);
  measure('JSON, official otlp-transformer', batches, (b) => tracekit.encodeTracesOfficial(b, meta, 'http/json').length);
  measure('JSON (TraceKit) + gzip', batches, (b) => gzipSync(tracekit.encodeTraces(b, meta, 'http/json')).length);
  await tracekit.shutdown();

  const child = fork(fileURLToPath(import.meta.url), ['receiver'], { stdio: 'inherit' });
  const port = await new Promise((resolve) => child.once('message', resolve));
  console.log('\nExport to a receiver in another process (sequential batches, as the pipeline sends them)');
  for (const [protocol, compression] of [['http/protobuf', 'none'], ['http/protobuf', 'gzip'], ['http/json', 'none'], ['http/json', 'gzip']]) {
    const counters = {};
    const exporter = new tracekit.OtlpHttpExporter({
      signal: 'traces', url: `http://127.0.0.1:${port}/v1/traces`, protocol, compression, headers: {}, timeoutMs: 10_000,
      retry: { maxRetries: 0, initialDelayMs: 100, maxDelayMs: 1000 }, spool: undefined, counters,
      names: { received: 'r', exported: 'e', dropped: 'd', failures: 'f', retries: 'rt', spooled: 's', rejected: 'rj', spoolDropped: 'sd' },
      encode: (items) => tracekit.encodeTraces(items, meta, protocol),
    });
    for (let i = 0; i < 10; i++) await exporter.export(batches[i % batches.length]);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let n = 0;
    while (Number(process.hrtime.bigint() - t0) < 3e9) {
      for (const b of batches) {
        await exporter.export(b);
        n += b.length;
      }
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    console.log(`${`${protocol} ${compression}`.padEnd(44)} ${String(Math.round(n / wall)).padStart(10)} spans/s   ${String(Math.round(n / ((cpu.user + cpu.system) / 1e6))).padStart(10)} spans/CPU-s`);
    await exporter.shutdown();
  }
  child.kill();
}
