// Microbenchmark: the CPU cost of capturing one error (docs/errors.md).
//
// - request path: what `recordError` / `recordException` cost where the error happens (type,
//   message, the exception event);
// - in all: plus the work done after a setImmediate, off the request path: reading the stack
//   (V8 formats it then), parsing, dropping TraceKit's frames, in-app marks, source maps, context
//   from the (warm) file cache, fingerprint, inventory; measured through the real asynchronous
//   pipeline (record a batch, await the recorder);
// - "seen before" errors reuse the details worked out for the same stack; "new" errors get a
//   type never seen (the details are worked out from scratch, files already cached);
// - export: the redaction pass over the error's attributes before export (redaction is on by
//   default, and source lines can hold secrets).
//
// Each figure is CPU time per error minus a baseline loop that throws, catches and ends a span
// without recording. Run after building @tracekit/core: node bench/error-capture.mjs
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tracekit from '@tracekit/core/adapter';

const N = Number(process.env.N ?? 20_000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = createRequire(import.meta.url)('../packages/core/test/fixtures/errors/ts-app/out/orders.js');

// A realistic in-app stack: a few calls deep, thrown from this file.
function validate(order) {
  if (!order.items) throw new TypeError(`order ${order.id} has no items`);
}
function price(order) {
  validate(order);
}
function checkout(order) {
  price(order);
}
const plainError = (i) => {
  try {
    checkout({ id: i });
  } catch (err) {
    return err;
  }
};
const mappedError = (i) => {
  try {
    new compiled.OrderService().total(`missing-${i}`);
  } catch (err) {
    return err;
  }
};
/** The same error under a type name never seen before (1000 names cycle through a 256-entry memo). */
const fresh = (make) => (i) => {
  const err = make(i);
  err.name = `E${i % 1000}`;
  return err;
};

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function start(options) {
  return tracekit.init({ exporter: 'none', handleShutdown: false, appRoot: root, maxQueueSize: 1_000_000, serviceName: 'bench', ...options });
}

/**
 * CPU µs per error. `record`: false for the baseline. `complete`: true times everything, the
 * completion of the details and the export included; false times only the synchronous loop (the
 * request path) and completes each batch outside the timed part.
 */
async function measure(client, make, record, complete) {
  const one = (i) => {
    const span = client.tracer.startSpan('request');
    const err = make(i);
    if (record) client.errors.record(span, err);
    span.end();
  };
  for (let i = 0; i < 2000; i++) one(i);
  await client.flush();
  const batch = 200;
  let spent = 0;
  let t0 = cpuUs();
  for (let i = 0; i < N; i += batch) {
    for (let j = 0; j < batch; j++) one(i + j);
    if (complete) await client.flush();
    else {
      spent += cpuUs() - t0;
      await client.flush();
      t0 = cpuUs();
    }
  }
  if (complete) spent = cpuUs() - t0;
  await client.flush();
  return spent / N;
}

const rows = [];
for (const [name, make] of [
  ['plain JavaScript, 4 in-app frames', plainError],
  ['compiled TypeScript, source-mapped', mappedError],
]) {
  let client = start({ redaction: false });
  const baseline = await measure(client, make, false, true);
  const requestPath = (await measure(client, make, true, false)) - (await measure(client, make, false, false));
  const seen = (await measure(client, make, true, true)) - baseline;
  const fresh_ = (await measure(client, fresh(make), true, true)) - baseline;
  await tracekit.shutdown();
  client = start({});
  const baselineRedacted = await measure(client, make, false, true);
  const redaction = (await measure(client, make, true, true)) - baselineRedacted - seen;
  await tracekit.shutdown();
  rows.push({ name, baseline, requestPath, seen, fresh: fresh_, redaction });
}

const f = (n) => n.toFixed(1).padStart(6);
console.log(`CPU µs per error (N=${N}, Node ${process.versions.node})`);
console.log(`${'error'.padEnd(38)} ${'request path'.padStart(12)} ${'in all, seen before'.padStart(20)} ${'in all, new'.padStart(12)} ${'export redaction'.padStart(17)}`);
for (const r of rows) console.log(`${r.name.padEnd(38)} ${f(r.requestPath).padStart(12)} ${f(r.seen).padStart(20)} ${f(r.fresh).padStart(12)} ${f(r.redaction).padStart(17)}`);
console.log(`(baseline: throw, catch and a span without recording: ${rows.map((r) => r.baseline.toFixed(1)).join(' / ')} µs)`);
if (process.env.JSON) console.log(JSON.stringify(rows));
