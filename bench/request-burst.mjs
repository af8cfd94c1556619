// TraceKit's work per request when requests arrive as separate tasks in one turn of the event
// loop, as a loaded server reads many sockets in one poll phase (B per turn, default 8). The
// staging pass then runs sooner than the check phase once 16 spans arrived (docs/performance.md,
// round 8); this measures what that costs. Pass a checkout's root to measure its built core:
//
//   node bench/request-burst.mjs [ROOT]          # B=32 N=200000 node bench/request-burst.mjs
//   farm-bench --vs 'node bench/request-burst.mjs ../other' -- node bench/request-burst.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const tracekit = await import(path.join(root, 'packages/core/dist/adapter.js'));
const { fakeRequest, tracedRequest } = await import(path.join(root, 'bench/lib/fake-http.mjs'));
const N = Number(process.env.N ?? 200_000);
const B = Number(process.env.B ?? 8);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-burst-'));
tracekit.init({ serviceName: 'bench', handleShutdown: false, file: path.join(dir, 'traces.jsonl'), maxQueueSize: 1_000_000, maxBatchSize: 512 });
const runtime = tracekit.createAdapter('bench');
const one = (i) => tracedRequest(tracekit, runtime, fakeRequest(i));
/** B requests, each in its own setImmediate callback: one turn of the loop, B tasks. */
const burst = (i) =>
  new Promise((resolve) => {
    let done = 0;
    for (let k = 0; k < B; k++) {
      setImmediate(() => {
        one(i + k);
        if (++done === B) resolve();
      });
    }
  });

for (let i = 0; i < 20_000; i += B) await burst(i);
await tracekit.flush();
const c0 = process.cpuUsage();
for (let i = 0; i < N; i += B) await burst(i);
await tracekit.flush();
const c = process.cpuUsage(c0);
console.log(`requests in bursts of ${B} per loop turn, file store: ${((c.user + c.system) / N).toFixed(2)} µs CPU per request`);
await tracekit.shutdown();
fs.rmSync(dir, { recursive: true, force: true });
