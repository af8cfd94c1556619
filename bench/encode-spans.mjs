// The file store's encoder alone: a typical request's two spans (a SERVER span with 13 attributes,
// a handler span with 2; unique trace, span and request IDs and paths), 256 requests per line,
// encoded again and again into recycled buffers. CPU ns per request.
//
//   node bench/encode-spans.mjs                 # this checkout's built core
//   node bench/encode-spans.mjs ../other/dist   # another build of @tracekit/core (its dist folder, relative to bench/)
//
// For a before/after comparison run both in turn under farm-bench (docs/performance.md, round 11).
import { randomUUID } from 'node:crypto';

const dist = process.argv[2] ?? '../packages/core/dist';
const tk = await import(new URL(`${dist}/adapter.js`, import.meta.url).href);
tk.init({ serviceName: 'bench', handleShutdown: false, exporter: 'none' });

const spans = [];
const collect = { onEnd: (s) => spans.push(s) };
const hex = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[(Math.random() * 16) | 0];
  return s;
};
for (let i = 0; i < 256; i++) {
  const attributes = {
    'http.request.method': 'GET', 'url.path': `/users/${i}`, 'url.scheme': 'http', 'server.address': '127.0.0.1', 'server.port': 3000,
    'client.address': '127.0.0.1', 'user_agent.original': 'autocannon/9.0.0', 'network.protocol.version': '1.1', 'tracekit.request_id': randomUUID(),
    'tracekit.framework': 'fastify', 'http.route': '/users/:id', 'code.function.name': 'getUser', 'http.response.status_code': 200,
  };
  const traceId = hex(32);
  const serverId = hex(16);
  new tk.TracekitSpan(collect, traceId, serverId, undefined, 1, undefined, 'GET /users/:id', 1, attributes, undefined, undefined, undefined, true).end();
  new tk.TracekitSpan(collect, traceId, hex(16), serverId, 1, undefined, 'handler getUser', 0, { 'http.route': '/users/:id', 'code.function.name': 'getUser' }, undefined, undefined).end();
}

const encode = tk.traceLineBytesEncoder(tk.getClient().meta);
const N = Number(process.env.N ?? 4000);
for (let i = 0; i < 500; i++) encode.recycle(encode(spans));
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) encode.recycle(encode(spans));
const c = process.cpuUsage(c0);
const bytes = encode(spans).length;
console.log(`${(((c.user + c.system) * 1000) / (N * 256)).toFixed(0)} ns CPU per request (2 spans, ${(bytes / 256).toFixed(0)} bytes)`);
await tk.shutdown();
