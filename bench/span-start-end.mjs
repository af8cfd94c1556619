//   node bench/span-start-end.mjs   (docs/performance.md: the 0.5 µs target for a span start and end)
// One child span's start and end (the span object, its ID, the tracer's fast path and the hand-off
// to the pipeline's queue), without its export: the pipeline runs between turns of 32 spans.
import { context } from '@opentelemetry/api';
import * as tk from '@tracekit/core/adapter';
tk.init({ serviceName: 'bench', handleShutdown: false, exporter: 'none', maxQueueSize: 1_000_000 });
const runtime = tk.createAdapter('bench');
const req = { method: 'GET', url: '/users/1', httpVersion: '1.1', headers: { host: '127.0.0.1:3000' }, socket: { localPort: 3000, remoteAddress: '127.0.0.1' } };
const scope = runtime.start(req, tk.nodeRequestInfo(req));
const tracer = tk.getClient().tracer;
const attrs = { 'code.function.name': 'getUser' };
const N = 200_000;
const out = [];
await scope.run(async () => {
  const ctx = context.active();
  for (let r = 0; r < 6; r++) {
    let cpu = 0;
    for (let i = 0; i < N; i += 512) {
      const c0 = process.cpuUsage();
      for (let k = 0; k < 512; k++) tracer.startSpan('work', { attributes: attrs }, ctx).end();
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
      await tk.flush();
    }
    if (r > 0) out.push((cpu * 1000) / N);
  }
});
out.sort((a, b) => a - b);
console.log(`span start + end (child of a request span, handed to the pipeline; export not counted): ${Math.round(out[2])} ns (${out.map(Math.round).join(' ')})`);
