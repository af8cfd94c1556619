// What line probes cost (docs/code-monitoring.md).
//
//   node bench/probe-cost.mjs [--hits 60] [--spacing 400] [--json]
//
// In a child process with code monitoring on:
// 1. `await` cost with no probe (no debugger session at all), then with one probe set on a line
//    that never runs (the V8 debugger enabled): ns per `await`, median of 5 rounds. This is why
//    the debugger is enabled only while a probe is set.
// 2. A probe hit that captures the frame's locals (a 2 KB order; from its second hit on, the fast
//    capture: one Debugger.evaluateOnCallFrame, the walk on the app's thread): how long the app's call is
//    paused, seen from the app (wall time of the call minus the same call without a probe) and
//    measured by the worker (paused event to resume), median, p99 and max over --hits hits.
// 3. A probe whose condition is false: the pause of a hit that captures nothing.
// 4. A probe with a condition and four captured expressions, and a log probe with a template:
//    from their second hit on, one Debugger.evaluateOnCallFrame runs the whole hit (the
//    expressions compiled to guarded reads on the app's thread).
//
// Needs the built core package: npm run build (or cd packages/core && npx tsup).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const HITS = Number(opt('hits', '60'));
// Milliseconds between hits: at 4 a second (250 ms) a 3 ms pause already passes the cost limit
// (1% of wall time over 10 s) and the probe is disarmed before the run ends.
const SPACING = Number(opt('spacing', '400'));
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const stats = (xs) => ({ median: Number(pct(xs, 0.5).toFixed(3)), p99: Number(pct(xs, 0.99).toFixed(3)), max: Number(Math.max(...xs).toFixed(3)) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const TARGET = `'use strict';
function work(order, user) {
  const total = order.items.reduce((s, it) => s + it.qty * it.price, 0);
  return total + user.id; // the probe line (4)
}
function never() {
  return 0; // never runs (7)
}
module.exports = { work, never };
`;

async function child() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-probe-bench-'));
  process.chdir(dir);
  fs.writeFileSync('target.js', TARGET);
  fs.mkdirSync('.tracekit');
  const bpFile = path.join(dir, '.tracekit', 'breakpoints.json');
  const tracekit = await import('@tracekit/core');
  const client = tracekit.init({ handleShutdown: false, exporter: 'none', codeMonitoring: { maxCapturesPerSecond: 1000, globalMaxCapturesPerSecond: 10_000, maxCaptures: 1_000_000 } });
  const { createRequire } = await import('node:module');
  const target = createRequire(path.join(dir, 'x.js'))('./target.js');
  const monitor = client.monitor;
  const setProbes = async (probes) => {
    fs.writeFileSync(bpFile, JSON.stringify({ breakpoints: [], probes }));
    await monitor.pollFile();
  };
  const waitFor = async (fn) => {
    for (let i = 0; i < 200 && !fn(); i++) await sleep(25);
  };
  const awaitNs = async () => {
    const rounds = [];
    for (let r = 0; r < 5; r++) {
      const N = 200_000;
      const start = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await null;
      rounds.push(Number(process.hrtime.bigint() - start) / N);
    }
    return pct(rounds, 0.5);
  };
  const order = { id: 1, items: Array.from({ length: 20 }, (_, k) => ({ sku: `SKU-${k}`, qty: k % 3, price: 9.99 + k })), user: { name: 'Ann', password: 'hunter2hunter2' }, notes: 'Leave at the door. '.repeat(30) };
  const user = { id: 42, name: 'Ann' };
  const callMs = () => {
    const s = process.hrtime.bigint();
    target.work(order, user);
    return Number(process.hrtime.bigint() - s) / 1e6;
  };

  const idleAwait = await awaitNs();
  await setProbes([{ id: 'never', location: 'target.js:7', enabled: true }]);
  await waitFor(() => monitor.probes?.debuggerState().enabled);
  const debuggerAwait = await awaitNs();

  const baseline = [];
  for (let i = 0; i < 200; i++) baseline.push(callMs());
  const base = pct(baseline, 0.5);

  const measure = async (probe) => {
    await setProbes([probe]);
    await waitFor(() => monitor.probes?.entries()[0]?.status === 'installed');
    monitor.probes.pauses.length = 0;
    const seen = [];
    let disarmedAfter;
    for (let i = 0; i < HITS; i++) {
      const before = monitor.probes.pauses.length;
      const ms = callMs();
      // Spaced so the probe stays under its cost limit (pauses over 1% of wall time disarm it).
      await sleep(SPACING);
      // Only calls that really paused count (the worker reports each pause after the resume).
      if (monitor.probes.pauses.length > before) seen.push(Math.max(0, ms - base));
      if (monitor.probes.entries()[0]?.status === 'disarmed') {
        disarmedAfter = { calls: i + 1, reason: monitor.probes.entries()[0].error };
        break;
      }
    }
    if (process.env.DEBUG_BENCH) console.error(JSON.stringify(monitor.probes.entries()), client.stats().probeHits);
    return { app: stats(seen), worker: stats([...monitor.probes.pauses]), hits: monitor.probes.pauses.length, ...(disarmedAfter ? { disarmedAfter } : {}) };
  };
  const capture = await measure({ id: 'hit', location: 'target.js:4', enabled: true, maxHits: 1_000_000 });
  const falseCondition = await measure({ id: 'cond', location: 'target.js:4', condition: 'user.id == 7', enabled: true, maxHits: 1_000_000 });
  const conditionCaptures = await measure({ id: 'cond-cap', location: 'target.js:4', condition: "user.id == 42 && order.user.name == 'Ann'", capture: ['order', 'user.id', 'order.items[3].sku', 'total > 100'], enabled: true, maxHits: 1_000_000 });
  const logTemplate = await measure({ id: 'log', location: 'target.js:4', log: 'order {order.id} of {user.name}: {order.items[0].sku} total {total}', enabled: true, maxHits: 1_000_000 });
  await setProbes([]);
  await waitFor(() => !monitor.probes.debuggerState().enabled);
  process.send({
    node: process.version,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    awaitNs: { noDebugger: Number(idleAwait.toFixed(1)), debuggerEnabled: Number(debuggerAwait.toFixed(1)) },
    callWithoutProbeMs: Number(base.toFixed(4)),
    probeHitCaptureLocals: capture,
    probeHitConditionFalse: falseCondition,
    probeHitConditionAndCaptures: conditionCaptures,
    probeHitLogTemplate: logTemplate,
    debuggerAfterLastProbeRemoved: monitor.probes.debuggerState(),
  });
  process.exit(0);
}

if (args[0] === '--child') await child();
else {
  const c = fork(self, ['--child', ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const out = await new Promise((resolve, reject) => {
    c.once('message', resolve);
    c.once('exit', (code) => reject(new Error(`the child exited with ${code}`)));
  });
  console.log(args.includes('--json') ? JSON.stringify(out) : JSON.stringify(out, null, 2));
}
