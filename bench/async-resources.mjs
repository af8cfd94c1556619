// How many async resources (promises, ticks, immediates...) a request creates, by type, in a
// framework bare, under the ALS floor, and with TraceKit dropping or recording it: with an
// AsyncLocalStorage store active on Node 20, every one of them pays the async hooks. Counted
// with an async_hooks init hook over 1000 requests after a warm-up (Fastify inject(), Hono
// app.request()); counts, not times, so the machine's load does not matter.
//
//   node bench/async-resources.mjs fastify|hono|koa bare|als|dropped|sampled
import { createHook, AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
const [fw, variant] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-async-resources-'));
process.env.TRACEKIT_FILE = path.join(dir, 't.jsonl');
if (variant === 'dropped') process.env.TRACEKIT_SAMPLE_RATE = '0';
let one;
if (fw === 'fastify') {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  if (variant === 'als') { const als = new AsyncLocalStorage(); app.addHook('onRequest', (_q, _r, next) => als.run({}, next)); }
  else if (variant !== 'bare') await app.register((await import('@tracekit/fastify')).tracekitPlugin);
  app.get('/users/:id', async (request) => ({ id: request.params.id }));
  await app.ready();
  one = (i) => app.inject({ method: 'GET', url: `/users/${i}` });
} else if (fw === 'koa') {
  // Koa has no in-process request: a loopback server and a keep-alive client (the client's own
  // resources are counted too, alike in every variant).
  const { default: Koa } = await import('koa');
  const { default: Router } = await import('@koa/router');
  const http = await import('node:http');
  const app = new Koa();
  if (variant === 'als') { const als = new AsyncLocalStorage(); app.use((_c, next) => als.run({}, next)); }
  else if (variant !== 'bare') app.use((await import('@tracekit/koa')).koa());
  const router = new Router();
  router.get('/users/:id', (ctx) => { ctx.body = { id: ctx.params.id }; });
  app.use(router.routes());
  const server = http.createServer(app.callback());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const port = server.address().port;
  one = (i) => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: `/users/${i}`, agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
} else {
  const { Hono } = await import('hono');
  const app = new Hono();
  if (variant === 'als') { const als = new AsyncLocalStorage(); app.use((_c, next) => als.run({}, next)); }
  else if (variant !== 'bare') app.use((await import('@tracekit/hono')).hono());
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
  one = async (i) => { const r = await app.request(`http://127.0.0.1/users/${i}`); await r.text(); };
}
for (let i = 0; i < 2000; i++) await one(i);
const counts = {};
const h = createHook({ init(_id, type) { counts[type] = (counts[type] || 0) + 1; } });
const N = 1000;
h.enable();
for (let i = 0; i < N; i++) await one(i);
h.disable();
console.log(fw, variant, Object.entries(counts).map(([k, v]) => `${k}=${(v / N).toFixed(1)}`).join(' '));
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
