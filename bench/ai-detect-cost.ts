// What a non-AI outbound request pays for AI detection, alone: the hook core's outbound
// instrumentation calls for every POST (`aiFetchFor`), on a request that is not an AI call.
// End-to-end runs (bench/ai-cost.mjs, scenarios get/post/post-root/http-post) cannot resolve a
// difference this small from their noise; this loop can.
//
//   npx tsx bench/ai-detect-cost.ts
import { init, shutdown } from '../packages/core/src/index.js';
import { aiFetchFor } from '../packages/core/src/ai/fetch-observer.js';

init({ exporter: 'none', handleShutdown: false });
const request = { method: 'POST', origin: 'http://127.0.0.1:8080', path: '/api/orders?page=2', headers: ['content-type', 'application/json'], body: null };
const N = 2_000_000;
let hits = 0;
for (let i = 0; i < N / 10; i++) if (aiFetchFor(request, undefined)) hits++;
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) if (aiFetchFor(request, undefined)) hits++;
const ns = Number(process.hrtime.bigint() - t0) / N;
console.log(`AI detection on a non-AI POST: ${ns.toFixed(0)} ns per request (${hits} false positives); a GET pays one string comparison`);
await shutdown();
