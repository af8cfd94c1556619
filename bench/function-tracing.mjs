// Whole-app function tracing: the cost per instrumented call (tracing disabled at run time,
// timing only, timing with previews of scalar arguments on every call) beside a FlowTrace-style
// JSON line per call and an OpenTelemetry SDK span per call; then the load-time transform in ms
// per 1,000 lines, and what a restart pays with the on-disk cache. Numbers go to
// docs/function-tracing.md. Run: node bench/function-tracing.mjs (after npm run build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const BATCH = 50_000; // below the ring's 65,536 records, flushed (and timed) between batches
const BATCHES = Number(process.env.BATCHES ?? 40);
const mode = process.argv[2];

// The function under test and its driver, as a module of their own, instrumented or not.
const SOURCE = `
export function add(a, b) { return a + b; }
export function drive(n) { let s = 0; for (let i = 0; i < n; i++) s = add(s, i) | 0; return s; }
`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function loadDriver(instrumented, tmp) {
  const file = path.join(tmp, `${instrumented ? 'traced' : 'plain'}-${process.pid}.mjs`);
  let code = SOURCE;
  if (instrumented) {
    const { transformSource } = await import('@tracekit/core/auto');
    const out = transformSource({ code, file, format: 'module' });
    if (!out.ok) throw new Error(out.reason);
    code = out.code;
  }
  fs.writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

/** ns per call of `drive`, median over batches; `between` runs (untimed) after each batch. */
function perCall(drive, between = () => {}) {
  for (let i = 0; i < 20; i++) {
    drive(BATCH);
    between();
  }
  const samples = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    drive(BATCH);
    samples.push(Number(process.hrtime.bigint() - t0) / BATCH);
    between();
  }
  return { median: median(samples), min: Math.min(...samples) };
}

async function child() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-fn-bench-'));
  if (mode === 'baseline') {
    const { drive } = await loadDriver(false, tmp);
    return perCall(drive);
  }
  if (mode === 'clock') {
    // The floor of timing a call: two clock readings.
    const { add } = await loadDriver(false, tmp);
    const timed = (a, b) => {
      const t0 = performance.now();
      const r = add(a, b);
      sink += performance.now() - t0;
      return r;
    };
    let sink = 0;
    const drive = (n) => { let s = 0; for (let i = 0; i < n; i++) s = timed(s, i) | 0; return s; };
    return { ...perCall(drive), sink: sink > 0 };
  }
  if (mode === 'flowtrace-json-line') {
    // What a FlowTrace-style agent does per call: an ENTER and an EXIT record, each a JSON line
    // with an ISO timestamp and argument/result previews, handed to a buffered writer.
    const { add } = await loadDriver(false, tmp);
    const lines = [];
    const traced = (a, b) => {
      const t0 = performance.now();
      lines.push(JSON.stringify({ event: 'ENTER', timestamp: new Date().toISOString(), module: 'app.js', function: 'add', args: JSON.stringify([a, b]) }));
      const r = add(a, b);
      const ms = performance.now() - t0;
      lines.push(JSON.stringify({ event: 'EXIT', timestamp: new Date().toISOString(), module: 'app.js', function: 'add', result: JSON.stringify(r), durationMicros: Math.round(ms * 1000), durationMillis: ms }));
      return r;
    };
    const drive = (n) => { let s = 0; for (let i = 0; i < n; i++) s = traced(s, i) | 0; return s; };
    return perCall(drive, () => { lines.length = 0; });
  }
  if (mode === 'otel-span') {
    // An OpenTelemetry SDK span per call, made active around the call, batched to a no-op exporter.
    const { context, trace } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const exporter = { export: (_s, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 1 << 20, maxExportBatchSize: 4096 })] });
    const tracer = provider.getTracer('bench');
    const { add } = await loadDriver(false, tmp);
    const traced = (a, b) => {
      const span = tracer.startSpan('add', { attributes: { 'code.function.name': 'add', 'code.filepath': 'app.js', 'code.lineno': 2 } });
      try {
        return context.with(trace.setSpan(context.active(), span), add, undefined, a, b);
      } finally {
        span.end();
      }
    };
    const drive = (n) => { let s = 0; for (let i = 0; i < n; i++) s = traced(s, i) | 0; return s; };
    return perCall(drive);
  }
  // TraceKit: the recorder with a client to flush to (exporter none), in the mode asked.
  process.env.TRACEKIT_ENABLED = mode === 'tracekit-disabled' ? 'false' : 'true';
  const auto = await import('@tracekit/core/auto');
  const adapter = await import('@tracekit/core/adapter');
  adapter.init({ exporter: 'none', handleShutdown: false, enabled: mode !== 'tracekit-disabled' });
  const handle = auto.registerAutotrace();
  const recorder = handle.recorder;
  recorder.previews = mode === 'tracekit-previews';
  if (recorder.previews) {
    recorder.previewFirst = Infinity;
    recorder.previewEvery = 1;
  }
  const { drive } = await loadDriver(true, tmp);
  let flushNs = 0;
  let flushed = 0;
  const between = () => {
    const n = recorder.head - recorder.tail;
    const t0 = process.hrtime.bigint();
    handle.flusher.flush();
    flushNs += Number(process.hrtime.bigint() - t0);
    // Measure every call recorded: undo the hot-function sampling a batch of 50,000 calls triggers.
    recorder.every.fill(1);
    flushed += n;
  };
  const ns = perCall(drive, between);
  return { ...ns, flushNsPerCall: flushed > 0 ? flushNs / flushed : 0, dropped: recorder.dropped };
}

function runChild(m) {
  const r = spawnSync(process.execPath, [here, m], { encoding: 'utf8', env: { ...process.env, TRACEKIT_TRACE_CACHE: 'false' } });
  if (r.status !== 0) throw new Error(`${m}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function loadTime() {
  // Real code: Express and its router's sources, copied into an app folder of their own.
  const require = createRequire(import.meta.url);
  const roots = ['express', 'router', 'body-parser', 'qs'].map((p) => {
    try {
      return path.dirname(require.resolve(`${p}/package.json`));
    } catch {
      return undefined;
    }
  }).filter(Boolean);
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-fn-load-'));
  const files = [];
  for (const root of roots) {
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'test') walk(p);
        else if (e.isFile() && e.name.endsWith('.js') && !e.name.endsWith('.min.js')) {
          const dest = path.join(app, 'src', path.basename(root), path.relative(root, p));
          fs.mkdirSync(path.dirname(dest), { recursive: true });
          fs.copyFileSync(p, dest);
          files.push(dest);
        }
      }
    };
    walk(root);
  }
  process.env.TRACEKIT_APP_ROOT = app;
  process.env.TRACEKIT_TRACE_CACHE = 'true';
  process.env.TRACEKIT_TRACE_CACHE_DIR = path.join(app, 'cache');
  const { instrumentModule } = await import('@tracekit/core/auto');
  const sources = files.map((f) => fs.readFileSync(f, 'utf8'));
  const lines = sources.reduce((n, s) => n + s.split('\n').length, 0);
  const pass = () => {
    const t0 = process.hrtime.bigint();
    let out = 0;
    for (let i = 0; i < files.length; i++) if (instrumentModule(sources[i], files[i], 'commonjs') !== undefined) out++;
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
  };
  const cold = pass(); // transform and write the cache
  const warm = pass(); // a restart: every file from the cache
  return { files: files.length, instrumented: cold.out, lines, coldMsPer1000: (cold.ms / lines) * 1000, cachedMsPer1000: (warm.ms / lines) * 1000 };
}

if (mode) {
  console.log(JSON.stringify(await child()));
} else {
  // Rounds of every mode, interleaved, so a burst of load from elsewhere hits one round of each
  // rather than all of one mode; each mode's numbers are the median over rounds.
  const ROUNDS = Number(process.env.ROUNDS ?? 3);
  const modes = ['baseline', 'clock', 'tracekit-disabled', 'tracekit-timing', 'tracekit-previews', 'flowtrace-json-line', 'otel-span'];
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  for (let round = 0; round < ROUNDS; round++) for (const m of modes) runs[m].push(runChild(m));
  const rows = {};
  for (const m of modes) {
    const list = runs[m];
    const pick = (k) => (list[0][k] === undefined ? undefined : median(list.map((x) => x[k])));
    rows[m] = { median: pick('median'), min: Math.min(...list.map((x) => x.min)), flushNsPerCall: pick('flushNsPerCall') };
  }
  const base = rows.baseline;
  const label = {
    clock: 'two performance.now() readings (the floor of any timing)',
    'tracekit-disabled': 'TraceKit, tracing disabled at run time',
    'tracekit-timing': 'TraceKit, timing only',
    'tracekit-previews': 'TraceKit, timing + scalar previews (every call)',
    'flowtrace-json-line': 'FlowTrace-style JSON line per call',
    'otel-span': 'OpenTelemetry SDK span per call',
  };
  console.log(`Node ${process.versions.node}, ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}); median of ${ROUNDS} rounds of the median of ${BATCHES} batches of ${BATCH} calls`);
  console.log(`baseline call: ${base.median.toFixed(1)} ns`);
  console.log('| per call | overhead, ns (median of batches) | fastest batch | flush off the request path, ns per call |');
  console.log('|---|---:|---:|---:|');
  for (const [m, text] of Object.entries(label)) {
    const r = rows[m];
    console.log(`| ${text} | ${(r.median - base.median).toFixed(1)} | ${(r.min - base.min).toFixed(1)} | ${r.flushNsPerCall === undefined ? '–' : r.flushNsPerCall.toFixed(1)} |`);
  }
  const lt = await loadTime();
  console.log(`\nload-time transform: ${lt.files} files (${lt.instrumented} instrumented), ${lt.lines} lines: ${lt.coldMsPer1000.toFixed(2)} ms per 1,000 lines; from the cache on restart ${lt.cachedMsPer1000.toFixed(2)} ms per 1,000 lines`);
}
