// What captureSnapshot costs (docs/code-monitoring.md).
//
//   node bench/snapshot-cost.mjs [--rounds 5] [--capture-runs 5] [--json]
//
// 1. A call with code monitoring off, with its breakpoint disarmed, and rate-limited (armed but
//    within its one-a-second window): ns per call, median of rounds of 5 million calls each,
//    each case in its own process. The variables callback must not run (checked).
// 2. An armed capture of a 2 KB object on the event loop (walk, redaction, stack, record,
//    span event; export is off): µs per capture, p50/p99/max over 5000 captures, in
//    --capture-runs processes (medians of their p50 and p99; every run's p99 is listed).
// 3. An Express app with code monitoring on and no probe against the same app with it off: CPU
//    per request, the app served in-process over a socket stand-in that discards bytes (no
//    network or HTTP parser noise; the technique of bench/sampling-cost.mjs), 40000 requests
//    after 5000 of warm-up, each variant in its own process, rounds interleaved, medians.
//    Variants: off; on with no probe; on with a disarmed captureSnapshot in the handler.
//
// Needs the built packages: npm run build (or cd packages/core && npx tsup; same for express).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inProcessRequest, NullSocket } from './lib/in-process-http.mjs';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', '5'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** A 2 KB order, with a nested user (a password and a card number to redact) and 20 items. */
function order(i) {
  return {
    id: i,
    user: { id: 42, name: 'Ann Example', email: 'ann@example.com', password: 'hunter2hunter2', address: { city: 'Lyon', zip: '69001' } },
    items: Array.from({ length: 20 }, (_, k) => ({ sku: `SKU-${k}`, qty: k % 3, price: 9.99 + k })),
    payment: { method: 'card', card: '4111 1111 1111 1111' },
    notes: 'Leave at the door. '.repeat(25),
    history: Array.from({ length: 8 }, (_, k) => ({ at: `2026-01-0${k + 1}T10:00:00Z`, status: k % 2 ? 'paid' : 'shipped' })),
  };
}

async function child(mode) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-snap-bench-'));
  process.chdir(dir);
  const tracekit = await import('@tracekit/core');
  const { captureSnapshot } = tracekit;
  let called = 0;
  const vars = () => {
    called++;
    return { order: order(1) };
  };
  if (mode === 'off') {
    tracekit.init({ handleShutdown: false, exporter: 'none', codeMonitoring: false });
  } else {
    let t = Date.now();
    const client = tracekit.init({
      handleShutdown: false,
      exporter: 'none',
      codeMonitoring: { maxCaptures: 1_000_000, globalMaxCapturesPerSecond: 10_000 },
    }, { now: () => t });
    if (mode === 'capture') {
      const o = order(1);
      const site = () => captureSnapshot('bench.capture', { order: o });
      site();
      await client.flush();
      const m = client.monitor;
      const bp = m.sites.get('bench.capture');
      // Warm-up (JIT, the source-map and frame caches), then 5000 measured captures. Wall time per
      // capture, and CPU time (getrusage), which a busy machine's scheduling does not inflate.
      for (let i = 0; i < 2000; i++) {
        t += 1000;
        m.capture('bench.capture', bp, { order: o }, captureSnapshot);
        if (i % 400 === 0) await client.flush();
      }
      const times = [];
      const cpu = [];
      for (let i = 0; i < 5000; i++) {
        if (i % 400 === 0) await client.flush();
        t += 1000; // each capture a second later on the limits' clock, so none is rate-limited
        const c0 = process.cpuUsage();
        const start = process.hrtime.bigint();
        m.capture('bench.capture', bp, { order: o }, captureSnapshot);
        times.push(Number(process.hrtime.bigint() - start) / 1000);
        const c = process.cpuUsage(c0);
        cpu.push(c.user + c.system);
      }
      process.stdout.write(JSON.stringify({ p50: pct(times, 0.5), p99: pct(times, 0.99), max: Math.max(...times), cpuP50: pct(cpu, 0.5), cpuP99: pct(cpu, 0.99), bytes: JSON.stringify(o).length }));
      return;
    }
    captureSnapshot('bench.site', vars); // registers and captures once
    if (mode === 'disarmed') {
      await client.monitor.writeFile();
      const file = client.monitor.config.breakpointsFile;
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      doc.breakpoints[0].enabled = false;
      fs.writeFileSync(file, JSON.stringify(doc));
      await client.monitor.pollFile();
    }
    called = 0;
  }
  const N = 5_000_000;
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) captureSnapshot('bench.site', vars);
    rounds.push(Number(process.hrtime.bigint() - start) / N);
  }
  process.stdout.write(JSON.stringify({ ns: median(rounds.slice(2)), called }));
}

function run(mode) {
  const r = spawnSync(process.execPath, [self, '--child', mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}


async function requestCpu(variant) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-snap-srv-'));
  process.chdir(dir);
  const tracekit = await import('@tracekit/express');
  tracekit.init({ handleShutdown: false, exporter: 'none', serviceName: 'bench', codeMonitoring: variant !== 'off' });
  const { default: express } = await import('express');
  const app = express();
  app.use(tracekit.express());
  app.get('/orders/:id', (req, res) => {
    const o = { id: req.params.id, total: 42 };
    if (variant === 'disarmed') tracekit.captureSnapshot('order.show', () => ({ o }));
    res.json(o);
  });
  if (variant === 'disarmed') {
    // Register the breakpoint, then disarm it in the file.
    tracekit.captureSnapshot('order.show', {});
    const m = tracekit.getClient().monitor;
    await m.writeFile();
    const doc = JSON.parse(fs.readFileSync(m.config.breakpointsFile, 'utf8'));
    doc.breakpoints[0].enabled = false;
    fs.writeFileSync(m.config.breakpointsFile, JSON.stringify(doc));
    await m.pollFile();
  }
  const socket = new NullSocket();
  const headers = { host: 'localhost:3000', 'user-agent': 'bench', accept: 'application/json' };
  const one = () => inProcessRequest(app, socket, '/orders/7', headers);
  const runN = async (n) => {
    for (let i = 0; i < n; i++) {
      await one();
      if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
  };
  await runN(5000);
  const t0 = process.cpuUsage();
  await runN(40_000);
  const t = process.cpuUsage(t0);
  process.stdout.write(JSON.stringify({ us: (t.user + t.system) / 40_000 }));
}

function runRequests(variant) {
  const r = spawnSync(process.execPath, [self, '--requests', variant], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${variant}: ${r.stderr}`);
  return JSON.parse(r.stdout).us;
}

if (args[0] === '--child') await child(args[1]);
else if (args[0] === '--requests') await requestCpu(args[1]);
else {
  const calls = {};
  for (const mode of ['off', 'disarmed', 'ratelimited']) {
    const rs = Array.from({ length: ROUNDS }, () => run(mode === 'ratelimited' ? 'armed' : mode));
    calls[mode] = { nsPerCall: Number(median(rs.map((r) => r.ns)).toFixed(2)), callbackCalls: Math.max(...rs.map((r) => r.called)) };
  }
  // Several processes: the p99 of 5000 captures moves with whatever else the machine runs, so
  // each run is reported and the summary is their median.
  const captures = Array.from({ length: Number(opt('capture-runs', '5')) }, () => run('capture'));
  const capture = { bytes: captures[0].bytes, p50: median(captures.map((c) => c.p50)), p99: median(captures.map((c) => c.p99)), max: Math.max(...captures.map((c) => c.max)), cpuP50: median(captures.map((c) => c.cpuP50)), cpuP99: median(captures.map((c) => c.cpuP99)) };
  const req = { off: [], on: [], disarmed: [] };
  for (let r = 0; r < ROUNDS; r++) for (const v of ['off', 'on', 'disarmed']) req[v].push(runRequests(v));
  const summary = (xs) => ({ cpuUsPerRequest: Number(median(xs).toFixed(2)), rounds: xs.map((x) => Number(x.toFixed(2))) });
  const out = {
    node: process.version,
    cpus: os.cpus().length,
    calls,
    armedCapture2KB: {
      bytes: capture.bytes,
      runs: captures.length,
      p50us: Number(capture.p50.toFixed(1)),
      p99us: Number(capture.p99.toFixed(1)),
      maxUs: Number(capture.max.toFixed(1)),
      cpuP50us: capture.cpuP50,
      cpuP99us: capture.cpuP99,
      p99usByRun: captures.map((c) => Number(c.p99.toFixed(1))),
    },
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    requestsNoProbe: { off: summary(req.off), on: summary(req.on), onWithDisarmedSnapshot: summary(req.disarmed) },
  };
  console.log(args.includes('--json') ? JSON.stringify(out) : JSON.stringify(out, null, 2));
}
