// The cost ledger of docs/performance.md: what each piece of TraceKit's work costs per request,
// in nanoseconds of CPU, measured one piece at a time in process (no sockets, no framework),
// plus the whole request path with the time spent in garbage collection.
//
//   node bench/ledger.mjs            # every line, median of 5 repetitions
//   node bench/ledger.mjs --json     # machine-readable
//
// A request here is what every adapter does: the shared runtime starts a scope over a Node
// request, the route and handler are set, a handler child span starts and ends, the response
// finishes, and the export pipeline redacts, encodes and writes both spans to the file store.
// Each line times the same work as that request does, on the same data; "per request" lines
// count both spans (SERVER + handler).
import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { context, trace, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import * as tk from '@tracekit/core/adapter';
import { fakeRequest, FakeResponse, tracedRequest } from './lib/fake-http.mjs';

const asJson = process.argv.includes('--json');
const REPS = 5;
// Requests per turn of the event loop: a loaded server reads a few sockets per turn, and work
// scheduled with setImmediate (the pipeline) runs between turns. TICK=512 was this harness's
// old setting; it keeps 512 requests' objects alive at once, more than a server does.
const TICK = Number(process.env.TICK ?? 32);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-ledger-'));


const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** CPU ns per call of fn(i), median of REPS repetitions of n calls after a warm-up. */
function ns(n, fn) {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i);
  const out = [];
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    const c = process.cpuUsage(c0);
    out.push(((c.user + c.system) * 1000) / n);
  }
  return { median: median(out), min: Math.min(...out), max: Math.max(...out) };
}

/** Like ns(), for work that queues spans: the pipeline exports every 512 calls, as between requests. */
async function nsAsync(n, fn, _cumulative = false) {
  const out = [];
  for (let r = -1; r < REPS; r++) {
    await tk.flush();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      fn(i);
      if (i % TICK === TICK - 1) await new Promise((res) => setImmediate(res));
    }
    await tk.flush();
    const c = process.cpuUsage(c0);
    if (r >= 0) out.push(((c.user + c.system) * 1000) / n);
  }
  return { median: median(out), min: Math.min(...out), max: Math.max(...out) };
}

const lines = [];
function line(group, label, r, note = '') {
  lines.push({ group, label, ns: Math.round(r.median), min: Math.round(r.min), max: Math.round(r.max), note });
  if (!asJson) process.stderr.write(`${group.padEnd(12)} ${label.padEnd(62)} ${String(Math.round(r.median)).padStart(7)} ns  (${Math.round(r.min)}–${Math.round(r.max)})\n`);
}

tk.init({ serviceName: 'bench', handleShutdown: false, exporter: 'none', maxQueueSize: 1_000_000 });
const client = tk.getClient();

// --- async context ---------------------------------------------------------------------------
const als = new AsyncLocalStorage();
const store = { n: 0 };
line('context', 'AsyncLocalStorage.run (the floor, no async work inside)', ns(500_000, () => als.run(store, () => 0)));
const reqs = Array.from({ length: 1000 }, (_, i) => fakeRequest(i));
const infos = reqs.map((r) => tk.nodeRequestInfo(r));
// TraceKit's request context, as this tree builds it: one LinkedContext, or (before) two copies of the API's map.
const K1 = createContextKey('tracekit.request');
const someSpan = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');
const buildCtx = tk.LinkedContext ? () => new tk.LinkedContext(ROOT_CONTEXT, K1, store, SPAN_KEY, someSpan) : () => trace.setSpan(ROOT_CONTEXT.setValue(K1, store), someSpan);
line('context', `build the request context (${tk.LinkedContext ? 'one LinkedContext' : 'two copies of the context map'})`, ns(500_000, buildCtx));
const ctx = buildCtx();
line('context', 'context.with(request context) via the ALS context manager', ns(500_000, () => context.with(ctx, () => 0)));
line('context', "the handler span's context (trace.setSpan on the request context)", ns(500_000, () => trace.setSpan(ctx, someSpan)));

// --- IDs -----------------------------------------------------------------------------------------
line('ids', 'span ID (8 random bytes, hex), ×2 per request', ns(500_000, () => tk.newSpanId?.() ?? tk.newTraceId?.()));
line('ids', 'request ID (resolveRequestId: no valid header, new UUID)', ns(500_000, () => tk.resolveRequestId(undefined)));

// --- attributes ----------------------------------------------------------------------------------
line('attributes', 'nodeRequestInfo(req)', ns(500_000, (i) => tk.nodeRequestInfo(reqs[i % 1000])));

// --- the request scope, without export -----------------------------------------------------------
{
  const runtime = tk.createAdapter('bench');
  line('scope', 'runtime.start: RequestScope, IDs, sampling, SERVER span + start attributes', await nsAsync(100_000, (i) => {
    const scope = runtime.start(reqs[i % 1000], infos[i % 1000]);
    scope.end({ statusCode: 200 });
  }));
  line('scope', '  scope.end alone is in the line above; scope.run(fn) (context.with)', await nsAsync(100_000, (i) => {
    const scope = runtime.start(reqs[i % 1000], infos[i % 1000]);
    scope.run(() => 0);
    scope.end({ statusCode: 200 });
  }, true));
  line('scope', '  + setRoute, setHandler and the handler span (start + end)', await nsAsync(100_000, (i) => {
    const scope = runtime.start(reqs[i % 1000], infos[i % 1000]);
    scope.run(() => {
      scope.setRoute('/users/:id');
      if (scope.startHandler) scope.startHandler('getUser').span.end();
      else {
        scope.setHandler('getUser');
        scope.startChild('handler getUser', { 'code.function.name': 'getUser', 'http.route': '/users/:id' }).span.end();
      }
    });
    scope.end({ statusCode: 200 });
  }, true));
}

// --- response hooks ------------------------------------------------------------------------------
line('hooks', 'onResponseDone(res, fn) + emit finish', ns(300_000, () => {
  const res = new FakeResponse();
  tk.onResponseDone(res, () => undefined);
  res.emit('finish');
}));
line('hooks', '  of which: a FakeResponse (EventEmitter) + emit with no listener', ns(300_000, () => {
  const res = new FakeResponse();
  res.emit('finish');
}));

const noSink = { onEnd() {} };
const serverAttrs = () => ({
  'http.request.method': 'GET', 'url.path': '/users/7', 'url.scheme': 'http', 'server.address': '127.0.0.1', 'server.port': 3000, 'client.address': '127.0.0.1',
  'user_agent.original': 'autocannon/9.0.0', 'network.protocol.version': '1.1', 'tracekit.request_id': 'b7c2a8f4-7d1e-4c36-9a34-1f1d2b1b0c55', 'tracekit.framework': 'fastify',
});
const handlerAttrs = { 'code.function.name': 'getUser', 'http.route': '/users/:id' };
void noSink;

// --- redaction, encoding, writing ----------------------------------------------------------
const sample = [];
const collect = { onEnd: (s) => sample.push(s) };
function buildSpans(count) {
  sample.length = 0;
  for (let i = 0; i < count; i++) {
    const a = serverAttrs();
    a['url.path'] = `/users/${i % 1000}`;
    a['http.route'] = '/users/:id';
    a['code.function.name'] = 'getUser';
    a['http.response.status_code'] = 200;
    new tk.TracekitSpan(collect, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', undefined, 1, undefined, 'GET /users/:id', 1, a, undefined, undefined, undefined, true).end();
    new tk.TracekitSpan(collect, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b8', '00f067aa0ba902b7', 1, undefined, 'handler getUser', 0, handlerAttrs, undefined, undefined).end();
  }
  return [...sample];
}
const config = tk.resolveConfig({});
const redact = tk.createRedactor(config.redaction, config.captureBody.maxBytes);
// Redaction works in place: time it on fresh copies, and subtract the copying.
const pool = buildSpans(512);
line('redaction', 'redact both spans (mask mode, the default patterns)', ns(100_000, (i) => {
  const k = (i % 256) * 2;
  const s = pool[k];
  const h = pool[k + 1];
  s.attributes = { ...s.attributes, 'tracekit.request_id': randomUUID() };
  h.attributes = { ...h.attributes };
  s.name = 'GET /users/:id';
  redact(s);
  redact(h);
}));
line('redaction', '  of which: copying the attributes, a fresh request ID (the harness)', ns(100_000, (i) => {
  const k = (i % 256) * 2;
  pool[k].attributes = { ...pool[k].attributes, 'tracekit.request_id': randomUUID() };
  pool[k + 1].attributes = { ...pool[k + 1].attributes };
}));
const lineOf = tk.traceLineEncoder(client.meta);
{
  const r = ns(200, () => lineOf(pool));
  line('encoding', 'string encoder (spanJson) written into one buffer (the store before), per request', { median: r.median / 256, min: r.min / 256, max: r.max / 256 });
}
if (tk.traceLineBytesEncoder) {
  const bytesOf = tk.traceLineBytesEncoder(client.meta);
  const r = ns(200, () => bytesOf.recycle(bytesOf(pool)));
  line('encoding', 'the file store today: byte encoder into a reused buffer, per request', { median: r.median / 256, min: r.min / 256, max: r.max / 256 });
}
const buf = lineOf(pool);
const file = path.join(dir, 'w.jsonl');
{
  // Writing: appendFile of one batch line (256 requests), awaited, per request.
  const out = [];
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 200; i++) await fs.promises.appendFile(file, buf);
    const c = process.cpuUsage(c0);
    out.push(((c.user + c.system) * 1000) / (200 * 256));
    fs.rmSync(file, { force: true });
  }
  line('writing', `fs.promises.appendFile of a 512-span line (${(buf.length / 1024).toFixed(0)} KB), per request`, { median: median(out), min: Math.min(...out), max: Math.max(...out) });
}

// --- the whole request, and its GC -----------------------------------------------------------
async function whole(label, options, n = 100_000) {
  await tk.shutdown();
  tk.init({ serviceName: 'bench', handleShutdown: false, file: path.join(dir, 'traces.jsonl'), maxQueueSize: 1_000_000, maxBatchSize: 512, ...options });
  const runtime = tk.createAdapter('bench');
  const one = (i) => tracedRequest(tk, runtime, reqs[i % 1000]);
  for (let i = 0; i < 20_000; i++) one(i);
  await tk.flush();
  const cpus = [];
  const gcs = [];
  for (let r = 0; r < 3; r++) {
    let gcMs = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcMs += e.duration;
    });
    obs.observe({ entryTypes: ['gc'] });
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      one(i);
      if (i % TICK === TICK - 1) await new Promise((res) => setImmediate(res));
    }
    await tk.flush();
    const c = process.cpuUsage(c0);
    await new Promise((res) => setImmediate(res));
    obs.disconnect();
    cpus.push(((c.user + c.system) * 1000) / n);
    gcs.push((gcMs * 1e6) / n);
  }
  line('request', label, { median: median(cpus), min: Math.min(...cpus), max: Math.max(...cpus) });
  line('gc', `  GC pause time within it (perf_hooks 'gc' entries)`, { median: median(gcs), min: Math.min(...gcs), max: Math.max(...gcs) });
}
await whole('whole request, sampleRate 1, file store (incl. export)', {});
await whole('whole request, sampleRate 1, no exporter (spans, redaction)', { exporter: 'none' });
await whole('whole request, sampleRate 0 (dropped, keepErrors on)', { sampleRate: 0 });
await tk.shutdown();
fs.rmSync(dir, { recursive: true, force: true });
if (asJson) console.log(JSON.stringify({ node: process.version, lines }, null, 2));
else console.log(`\nNode ${process.version}; CPU ns per operation, median of ${REPS} (min–max)`);
