// Per-request cost of RED metrics aggregation (docs/metrics.md): TraceKit's own aggregation
// (core/src/metrics: RedMetrics behind MetricsPipeline.recordRequest) against the OpenTelemetry
// SDK (`@opentelemetry/sdk-metrics` 2.x, a Histogram with the same buckets and attributes).
//
//   node bench/metrics-cost.mjs [--rounds 7] [--requests 1000000] [--json]
//
// Each variant records the same mixed traffic (20 routes x 3 methods x 4 statuses, a few
// errors), synchronously in a tight loop, in its own process; rounds are interleaved and the
// median ns per request is reported. TraceKit's variant includes reading the clock, as the
// request lifecycle does; the SDK variant gets the duration for free and builds the attribute
// object a caller would have to build for it. "tracekit, no clock" is the aggregation alone
// (a constant clock): on a VM without a fast clock source, performance.now() itself costs
// ~100 ns. TraceKit's TypeScript source is bundled on the fly
// with esbuild (no build needed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', '7'));
const REQUESTS = Number(opt('requests', '1000000'));
const VARIANTS = ['tracekit', 'tracekit, no clock', 'sdk-metrics', 'empty loop'];

const ROUTES = Array.from({ length: 20 }, (_, i) => `/api/v1/resource${i}/:id`);
const METHODS = ['GET', 'POST', 'PUT'];
const STATUSES = [200, 201, 404, 500];

/** Deterministic traffic: request i gets a route, method, status and duration. */
function traffic(n) {
  const out = new Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const status = STATUSES[x % 4];
    out[i] = { route: ROUTES[x % 20], method: METHODS[(x >> 5) % 3], status, error: status >= 500 ? '500' : undefined, seconds: ((x >> 8) % 2000) / 1000 };
  }
  return out;
}

async function loadTracekit() {
  const esbuild = await import('esbuild');
  const out = path.join(root, 'bench', 'tmp', 'metrics-pipeline.mjs');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'packages/core/src/metrics/pipeline.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    packages: 'external',
    logLevel: 'silent',
  });
  return import(pathToFileURL(out).href);
}

async function child(variant) {
  const reqs = traffic(REQUESTS);
  let record;
  let cleanup = () => undefined;
  if (variant.startsWith('tracekit')) {
    const { MetricsPipeline } = await loadTracekit();
    const exporter = { export: async () => undefined, exportSync: () => undefined, shutdown: async () => undefined };
    const { performance } = await import('node:perf_hooks');
    // "no clock": the aggregation alone, with a constant clock (the lifecycle's clock is core's nowMs).
    const now = variant === 'tracekit' ? () => performance.timeOrigin + performance.now() : () => 1;
    const p = new MetricsPipeline({ resource: {}, scope: { name: 'b', version: '0' } }, exporter, 3_600_000, now);
    record = (r, startedAt) => p.recordRequest(r.method, r.route, startedAt, { statusCode: r.status }, false);
    cleanup = () => p.shutdown();
  } else if (variant === 'sdk-metrics') {
    const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
    class Reader extends MetricReader {
      async onForceFlush() {}
      async onShutdown() {}
    }
    const provider = new MeterProvider({ readers: [new Reader()] });
    const h = provider.getMeter('bench').createHistogram('http.server.request.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    });
    record = (r) => {
      const attributes = { 'http.request.method': r.method, 'http.route': r.route, 'http.response.status_code': r.status };
      if (r.error) attributes['error.type'] = r.error;
      h.record(r.seconds, attributes);
    };
    cleanup = () => provider.shutdown();
  } else {
    let sink = 0;
    record = (r) => {
      sink += r.seconds;
    };
    cleanup = () => sink;
  }
  // Warm-up, then the measured pass.
  for (let i = 0; i < Math.min(200_000, REQUESTS); i++) record(reqs[i], 0);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) record(reqs[i], 0);
  const ns = Number(process.hrtime.bigint() - t0) / REQUESTS;
  await cleanup();
  process.stdout.write(JSON.stringify({ variant, ns }) + '\n');
}

if (process.env.TK_METRICS_BENCH_CHILD) {
  await child(process.env.TK_METRICS_BENCH_CHILD);
} else {
  const results = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const res = spawnSync(process.execPath, [self, ...args], { env: { ...process.env, TK_METRICS_BENCH_CHILD: variant }, encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`${variant} failed: ${res.stderr}`);
      results[variant].push(JSON.parse(res.stdout.trim().split('\n').pop()).ns);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const empty = median(results['empty loop']);
  const rows = VARIANTS.map((v) => ({ variant: v, nsPerRequest: Number(median(results[v]).toFixed(1)), nsAboveEmptyLoop: Number((median(results[v]) - empty).toFixed(1)) }));
  if (args.includes('--json')) console.log(JSON.stringify({ node: process.version, requests: REQUESTS, rounds: ROUNDS, rows }, null, 2));
  else {
    console.log(`Node ${process.version}, ${REQUESTS} requests x ${ROUNDS} rounds (median), ns per request`);
    for (const r of rows) console.log(`${r.variant.padEnd(20)} ${String(r.nsPerRequest).padStart(8)}  (${r.nsAboveEmptyLoop} above the empty loop)`);
  }
}
