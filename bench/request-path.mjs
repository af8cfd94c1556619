// Microbenchmark of TraceKit's own work per request, without sockets or a framework: the shared
// adapter runtime starts a request (as every adapter does), a route and a handler child span are
// recorded, the response ends, and the pipeline exports to the file store (or to nothing). CPU
// per request includes the export work done off the request path (flushed at the end).
//
//   node bench/request-path.mjs            # every variant below
//   node bench/request-path.mjs --only 'file store'   # the variants whose label contains the text ('=label': exactly)
//
// Also: the ALS floor (the same fake request inside one AsyncLocalStorage store, no TraceKit),
// one span's start and end (a child of a request's span, through the pipeline to the file
// store), and OTLP/HTTP protobuf to a sink in another process (bench/otlp-sink.mjs) against
// the file store.
import { spawn } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import * as tracekit from '@tracekit/core/adapter';
import { fakeRequest, FakeResponse, tracedRequest } from './lib/fake-http.mjs';

const N = Number(process.env.N ?? 100_000);
// Requests per turn of the event loop: a loaded server reads a few sockets per turn, and work
// scheduled with setImmediate (the pipeline) runs between turns. TICK=512 was this harness's
// old setting; it keeps 512 requests' objects alive at once, more than a server does.
const TICK = Number(process.env.TICK ?? 32);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
// `--only =label` matches the label exactly.
const wanted = (label) => only === undefined || (only.startsWith('=') ? label === only.slice(1) : label.includes(only));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-path-'));


function report(label, cpuUs, wallUs, extra = '') {
  console.log(`${label.padEnd(52)} ${cpuUs.toFixed(2).padStart(6)} µs CPU  ${wallUs.toFixed(2).padStart(6)} µs wall per request${extra}`);
}

async function measure(label, options) {
  if (!wanted(label)) return;
  try {
    await measureOne(label, options);
  } catch (e) {
    // An option an older tree does not know (bench --compare runs this file against it).
    console.log(`${label.padEnd(52)}    n/a  (${e.code ?? e.message})`);
  }
}

async function measureOne(label, options) {
  await tracekit.shutdown();
  tracekit.init({ serviceName: 'bench', handleShutdown: false, file: path.join(dir, `${label.replace(/\W+/g, '-')}.jsonl`), maxQueueSize: 1_000_000, maxBatchSize: 512, ...options });
  const runtime = tracekit.createAdapter('bench');
  const one = (i) => tracedRequest(tracekit, runtime, fakeRequest(i));
  for (let i = 0; i < 20_000; i++) one(i);
  await tracekit.flush();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    one(i);
    // Let the pipeline export as it would between requests.
    if (i % TICK === TICK - 1) await new Promise((r) => setImmediate(r));
  }
  await tracekit.flush();
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  const stats = tracekit.getClient().stats();
  report(label, (cpu.user + cpu.system) / N, wall, `  (${stats.spansExported} spans exported, ${stats.spansDropped} dropped)`);
}

/** The same fake request with only an AsyncLocalStorage store entered: the context floor. */
async function alsFloor(label) {
  if (!wanted(label)) return;
  const als = new AsyncLocalStorage();
  const one = (i) => {
    const req = fakeRequest(i);
    const res = new FakeResponse();
    res.setHeader('x-request-id', 'x');
    res.once('finish', () => undefined);
    als.run({ req }, () => undefined);
    res.writableFinished = true;
    res.emit('finish');
  };
  for (let i = 0; i < 20_000; i++) one(i);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    one(i);
    if (i % TICK === TICK - 1) await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(cpu0);
  report(label, (cpu.user + cpu.system) / N, Number(process.hrtime.bigint() - t0) / 1e3 / N);
}

/** One span's start and end, a child of a request's SERVER span, through the pipeline to the file store. */
async function spanStartEnd(label) {
  if (!wanted(label)) return;
  await tracekit.shutdown();
  tracekit.init({ serviceName: 'bench', handleShutdown: false, file: path.join(dir, 'spans.jsonl'), maxQueueSize: 1_000_000, maxBatchSize: 512 });
  const runtime = tracekit.createAdapter('bench');
  const req = fakeRequest(1);
  const scope = runtime.start(req, tracekit.nodeRequestInfo(req));
  const tracer = tracekit.getClient().tracer;
  const attrs = { 'code.function.name': 'getUser' };
  await scope.run(async () => {
    const ctx = context.active();
    for (let i = 0; i < 20_000; i++) tracer.startSpan('work', { attributes: attrs }, ctx).end();
    await tracekit.flush();
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      tracer.startSpan('work', { attributes: attrs }, ctx).end();
      if (i % TICK === TICK - 1) await new Promise((r) => setImmediate(r));
    }
    await tracekit.flush();
    const cpu = process.cpuUsage(cpu0);
    report(label, (cpu.user + cpu.system) / N, Number(process.hrtime.bigint() - t0) / 1e3 / N, ' (per span, incl. export)');
  });
  scope.end({ statusCode: 200 });
  void trace;
}

async function otlpSink() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = spawn(process.execPath, [path.join(here, 'otlp-sink.mjs'), '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

await alsFloor('ALS floor (no TraceKit)');
await measure('sampleRate 1, file store', { sampleRate: 1 });
await measure('sampleRate 1, no exporter', { sampleRate: 1, exporter: 'none' });
await measure('sampleRate 1, file store, redaction off', { sampleRate: 1, redaction: false });
await measure('sampleRate 1, file store, metrics off', { sampleRate: 1, metrics: false });
if (wanted('sampleRate 1, OTLP protobuf') || wanted('sampleRate 1, OTLP protobuf, no gzip')) {
  const sink = await otlpSink();
  await measure('sampleRate 1, OTLP protobuf (sink in another process)', { sampleRate: 1, exporter: 'otlp', endpoint: sink.endpoint });
  await measure('sampleRate 1, OTLP protobuf, no gzip', { sampleRate: 1, exporter: 'otlp', endpoint: sink.endpoint, compression: 'none' });
  sink.child.kill('SIGTERM');
}
await measure('sampleRate 0.01, file store (keepErrors on)', { sampleRate: 0.01 });
await measure('sampleRate 0, file store (dropped, keepErrors on)', { sampleRate: 0 });
await measure('disabled', { enabled: false });
await spanStartEnd('span start + end (child span, file store)');
await tracekit.shutdown();
fs.rmSync(dir, { recursive: true, force: true });
