// Redaction per request (both spans of a typical request), as the export pipeline runs it: with
// a request ID from crypto.randomUUID() (scanned), a flat generated one (scanned), and a
// generated one TraceKit skips (RequestState.ownRequestId). docs/performance.md, the ledger.
//   node bench/redaction-per-request.mjs
import { randomUUID } from 'node:crypto';
import * as tk from '@tracekit/core/adapter';
const config = tk.resolveConfig({});
const redact = tk.createRedactor(config.redaction, config.captureBody.maxBytes);
const sink = { onEnd() {} };
const base = { 'http.request.method': 'GET', 'url.path': '/users/7', 'url.scheme': 'http', 'server.address': '127.0.0.1', 'server.port': 3000, 'client.address': '127.0.0.1', 'user_agent.original': 'autocannon/9.0.0', 'network.protocol.version': '1.1', 'tracekit.framework': 'fastify', 'http.route': '/users/:id', 'code.function.name': 'getUser', 'http.response.status_code': 200 };
function run(label, mkId, own) {
  const out = [];
  for (let r = 0; r < 6; r++) {
    const spans = [];
    for (let i = 0; i < 20000; i++) {
      const id = mkId();
      const request = { requestId: id, ownRequestId: own, span: undefined, framework: 'x', metadata: undefined };
      const s = new tk.TracekitSpan(sink, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', undefined, 1, undefined, 'GET /users/:id', 1, { ...base, 'tracekit.request_id': id }, undefined, request);
      const h = new tk.TracekitSpan(sink, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b8', '00f067aa0ba902b7', 1, undefined, 'handler getUser', 0, { 'code.function.name': 'getUser', 'http.route': '/users/:id' }, undefined, request);
      spans.push(s, h);
    }
    const c0 = process.cpuUsage();
    for (const s of spans) redact(s);
    const c = process.cpuUsage(c0);
    if (r > 0) out.push(((c.user + c.system) * 1000) / 20000);
  }
  out.sort((a, b) => a - b);
  console.log(label.padEnd(60), Math.round(out[2]), 'ns per request (both spans)', out.map(Math.round).join(' '));
}
run('randomUUID() request ID, scanned (before)', () => randomUUID(), false);
run('flat generated request ID, scanned', () => tk.resolveRequestId(undefined), false);
run('flat generated request ID, not scanned (after: ownRequestId)', () => tk.resolveRequestId(undefined), true);
