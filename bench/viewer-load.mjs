// The viewer's benchmark (numbers go to docs/viewer.md):
//   1. load: a store of 100,000 spans (10,000 request traces of 10 spans, as the file exporter
//      writes them) read by `tracekit ui` at start: time, and the process's RSS once loaded;
//   2. the trace list API at that size: p50 / p95 / max over 300 requests with mixed filters;
//   3. OTLP ingest over HTTP: protobuf bodies of 1,000 spans posted to /v1/traces, spans per
//      second (the viewer is one process: its JavaScript runs on one core), appended to the store;
//   4. the protobuf decoder alone, against protobufjs's generated decoder (the code
//      @opentelemetry/otlp-transformer 0.216 shipped) plus its conversion to plain objects;
//   5. a trace of 10,000 spans opened in Chromium: time until the waterfall shows.
// Usage: node bench/viewer-load.mjs [--spans 100000] [--skip-browser]
// Needs the built packages (npm run build). Loopback only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { storeLines, traceSpans, wideTrace } from './viewer-data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'packages', 'cli');
const require = createRequire(path.join(cli, 'package.json'));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const SPANS = Number(opt('spans', 100_000));
const PER_TRACE = 10;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-viewer-bench-'));
const dir = path.join(root, '.tracekit');
fs.mkdirSync(dir);
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

function cpuOf(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // ms, at 100 ticks per second
}

async function startViewer() {
  const child = spawn(process.execPath, [path.join(cli, 'dist', 'bin.js'), 'ui', '--port', '0', '--no-open', '--dir', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const started = performance.now();
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = /TraceKit viewer: (\S+)/.exec(out);
      if (m && out.includes('Ctrl-C')) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`viewer exited ${code}: ${out}`)));
  });
  return { child, url, wallMs: performance.now() - started, loadMs: Number(/loaded in (\d+) ms/.exec(out)[1]), out };
}

// 1. load
const traces = Math.ceil(SPANS / PER_TRACE);
let bytes = 0;
const fd = fs.openSync(path.join(dir, 'traces.jsonl'), 'w');
for (const line of storeLines(traces, PER_TRACE)) {
  fs.writeSync(fd, line + '\n');
  bytes += line.length + 1;
}
fs.closeSync(fd);
const viewer = await startViewer();
// Never leave the viewer behind, whatever fails.
process.on('exit', () => viewer.child.kill('SIGTERM'));
const rssLoaded = rssOf(viewer.child.pid);
const loadCpu = cpuOf(viewer.child.pid);
const stats = await (await fetch(`${viewer.url}api/stats`)).json();
console.log(`load: ${stats.spans} spans (${stats.traces} traces, ${mb(bytes)} of JSONL) read in ${viewer.loadMs} ms; process start to listening ${viewer.wallMs.toFixed(0)} ms (process CPU ${loadCpu} ms); RSS ${mb(rssLoaded)}`);

// 2. list API
const queries = ['', 'sort=duration', 'route=%2Fusers%2F%3Aid', 'status=5xx', 'error=1', 'minMs=20&maxMs=30', 'attr=user_agent.original%3Dbench%2F1.0', 'q=req-5000', 'sort=spans&order=asc', 'service=bench-shop&method=GET'];
const times = [];
const listCpu0 = cpuOf(viewer.child.pid);
for (let i = 0; i < 300; i++) {
  const t0 = performance.now();
  const res = await fetch(`${viewer.url}api/traces?${queries[i % queries.length]}`);
  await res.json();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const listCpu = (cpuOf(viewer.child.pid) - listCpu0) / 300;
console.log(`list API at ${stats.spans} spans: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; viewer CPU ${listCpu.toFixed(1)} ms per request (300 requests, ${queries.length} filter mixes, 200 rows each)`);

// 3. ingest over HTTP: protobuf bodies built by the official serializer from OTLP/JSON-equivalent SDK spans.
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
function sdkSpans(t0, count) {
  const resource = resourceFromAttributes({ 'service.name': 'ingest-bench' });
  const out = [];
  for (let t = t0; out.length < count; t++) {
    for (const s of traceSpans(t, PER_TRACE)) {
      const attrs = Object.fromEntries(s.attributes.map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue)]));
      const start = Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000;
      const end = Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000;
      out.push({
        name: s.name, kind: s.kind - 1, spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
        parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 } : undefined,
        startTime: [Math.floor(start / 1000), Math.round((start % 1000) * 1e6)], endTime: [Math.floor(end / 1000), Math.round((end % 1000) * 1e6)],
        status: s.status, attributes: attrs, links: [], events: [], duration: [0, 0], ended: true, resource, instrumentationScope: { name: 'bench', version: '1' },
        droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
      });
    }
  }
  return out;
}
const BODY_SPANS = 1000;
const BODIES = 100;
const bodies = [];
for (let b = 0; b < BODIES; b++) bodies.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(sdkSpans(10_000_000 + b * (BODY_SPANS / PER_TRACE), BODY_SPANS))));
const cpu0 = cpuOf(viewer.child.pid);
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: 4 }, async () => {
  while (next < bodies.length) {
    const body = bodies[next++];
    const res = await fetch(`${viewer.url}v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    await res.arrayBuffer();
  }
}));
const ingestMs = performance.now() - t0;
const ingestCpu = cpuOf(viewer.child.pid) - cpu0;
const ingested = BODIES * BODY_SPANS;
console.log(`ingest over HTTP: ${ingested} spans in ${ingestMs.toFixed(0)} ms = ${Math.round(ingested / (ingestMs / 1000))} spans/s (viewer CPU ${ingestCpu} ms = ${Math.round(ingested / (ingestCpu / 1000))} spans per CPU-second; bodies of ${BODY_SPANS} spans, ${(bodies[0].length / 1024).toFixed(0)} KB, appended to the store)`);
const rssAfter = rssOf(viewer.child.pid);
console.log(`RSS after ingest (${(await (await fetch(`${viewer.url}api/stats`)).json()).spans} spans held): ${mb(rssAfter)}`);

// 4. decoder alone
const { decodeTraceRequest } = await import('../packages/cli/dist/index.js').then(() => import(path.join(cli, 'dist', 'decode-bench.js')).catch(() => ({})));
let own;
if (!decodeTraceRequest) {
  const esbuild = require('esbuild');
  const outfile = path.join(root, 'otlp-protobuf.mjs');
  await esbuild.build({ entryPoints: [path.join(cli, 'src/ui/server/otlp-protobuf.ts')], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'error' });
  own = (await import(outfile)).decodeTraceRequest;
} else own = decodeTraceRequest;
const generated = require('otlp-transformer-0216/build/src/generated/root.js').opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
// Interleaved rounds, best of each: the machine is shared, so one round of either can be unlucky.
function timeDecode(fn) {
  const t = performance.now();
  for (const b of bodies) fn(b);
  return (BODIES * BODY_SPANS) / ((performance.now() - t) / 1000);
}
const decoders = {
  own: (b) => own(b),
  pbjs: (b) => generated.toObject(generated.decode(b), { longs: String, bytes: String, defaults: false }),
  pbjsDecodeOnly: (b) => generated.decode(b),
};
const best = { own: 0, pbjs: 0, pbjsDecodeOnly: 0 };
for (const fn of Object.values(decoders)) for (let i = 0; i < 10; i++) fn(bodies[i]);
for (let round = 0; round < 7; round++) for (const [name, fn] of Object.entries(decoders)) best[name] = Math.max(best[name], timeDecode(fn));
const [ownRate, pbjsRate, pbjsDecodeOnly] = [best.own, best.pbjs, best.pbjsDecodeOnly];
console.log(`decode only (best of 7 interleaved rounds): hand-written ${Math.round(ownRate)} spans/s into OTLP/JSON objects; protobufjs generated decode + toObject ${Math.round(pbjsRate)} spans/s (decode alone, to message classes: ${Math.round(pbjsDecodeOnly)} spans/s)`);

// 5. a 10,000-span trace in Chromium
if (!args.includes('--skip-browser') && fs.existsSync('/usr/bin/chromium')) {
  const { traceId, line } = wideTrace(10_000);
  const res = await fetch(`${viewer.url}v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: line });
  if (res.status !== 200) throw new Error(`wide trace answered ${res.status}`);
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const runs = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${viewer.url}traces/${traceId}`);
    const shown = await page.waitForFunction(() => document.querySelectorAll('.wf-row').length > 0 && document.querySelector('.details') && performance.now(), null, { timeout: 120_000 });
    const nav = await page.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.includes('/api/traces/'))?.duration ?? 0);
    runs.push({ total: await shown.jsonValue(), api: nav, rows: await page.locator('.wf-row').count() });
  }
  // Scrolling from top to bottom in 40 steps: the slowest frame.
  const slowest = await page.evaluate(async () => {
    const box = document.querySelector('.waterfall');
    let worst = 0;
    for (let i = 1; i <= 40; i++) {
      const t = performance.now();
      box.scrollTop = (box.scrollHeight * i) / 40;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      worst = Math.max(worst, performance.now() - t);
    }
    return worst;
  });
  await browser.close();
  const totals = runs.map((r) => r.total).sort((a, b) => a - b);
  console.log(`10,000-span trace in Chromium: waterfall shown ${quantile(totals, 0.5).toFixed(0)} ms after navigation (median of 5; API fetch ${runs[runs.length - 1].api.toFixed(0)} ms; ${runs[0].rows} rows in the DOM); slowest scroll step ${slowest.toFixed(0)} ms (two frames)`);
}

viewer.child.kill('SIGTERM');
await new Promise((r) => viewer.child.once('exit', r));
fs.rmSync(root, { recursive: true, force: true });
