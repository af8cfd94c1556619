// What an adapter costs per request inside its framework, without sockets: Fastify's `inject()`
// and Hono's `app.request()` run the whole framework in process. Each variant runs in its own
// process (TraceKit's context manager, once enabled, stays enabled), 3 rounds interleaved,
// median CPU per request:
//   bare       the framework alone
//   als        bare plus an AsyncLocalStorage store entered per request (the context floor)
//   disabled   the adapter registered, TRACEKIT_ENABLED=false (its hooks run and return at once)
//   dropped    the adapter at sampleRate 0 (keepErrors on): a request the sampler drops
//   sampled    the adapter at sampleRate 1 with the file store (the default)
// The steps between the lines are what the issue's targets need apart: the hooks' own cost, the
// dropped request's, and the recorded request's.
//
//   node bench/adapter-cost.mjs [--framework fastify|hono] [--requests 20000]
import { spawnSync } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
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
const framework = opt('framework', 'fastify');
const requests = Number(opt('requests', '20000'));
const VARIANTS = ['bare', 'als', 'disabled', 'dropped', 'sampled'];

async function fastifyApp(variant) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  if (variant === 'als') {
    const als = new AsyncLocalStorage();
    app.addHook('onRequest', (_req, _reply, next) => als.run({}, next));
  } else if (variant !== 'bare') {
    const tracekit = await import('@tracekit/fastify');
    await app.register(tracekit.tracekitPlugin);
  }
  app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }));
  await app.ready();
  return async (i) => {
    const res = await app.inject({ method: 'GET', url: `/users/${i % 1000}` });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  };
}

async function honoApp(variant) {
  const { Hono } = await import('hono');
  const app = new Hono();
  if (variant === 'als') {
    const als = new AsyncLocalStorage();
    app.use((_c, next) => als.run({}, next));
  } else if (variant !== 'bare') {
    const tracekit = await import('@tracekit/hono');
    app.use(tracekit.hono());
  }
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), name: 'Ada' }));
  return async (i) => {
    const res = await app.request(`http://127.0.0.1/users/${i % 1000}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    await res.text();
  };
}

if (args[0] === '--child') {
  const variant = args[1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-adapter-cost-'));
  process.env.TRACEKIT_FILE = path.join(dir, 'traces.jsonl');
  if (variant === 'disabled') process.env.TRACEKIT_ENABLED = 'false';
  if (variant === 'dropped') process.env.TRACEKIT_SAMPLE_RATE = '0';
  const one = await (framework === 'hono' ? honoApp(variant) : fastifyApp(variant));
  // inject() and app.request() resolve without a turn of the event loop: yield every 32
  // requests, as a server between socket reads, so the pipeline's setImmediate work runs.
  const run = async (from, to) => {
    for (let i = from; i < to; i++) {
      await one(i);
      if (i % 32 === 31) await new Promise((r) => setImmediate(r));
    }
  };
  await run(0, 5000);
  const c0 = process.cpuUsage();
  await run(0, requests);
  if (variant !== 'bare' && variant !== 'als') await (await import('@tracekit/core')).flush();
  const c = process.cpuUsage(c0);
  const stats = variant === 'bare' || variant === 'als' ? undefined : (await import('@tracekit/core')).getClient()?.stats();
  fs.rmSync(dir, { recursive: true, force: true });
  if (stats && stats.spansDropped > 0) throw new Error(`${variant}: ${stats.spansDropped} spans dropped by a full queue: the measurement would flatter it`);
  process.stdout.write(JSON.stringify({ cpuUs: (c.user + c.system) / requests }));
  process.exit(0);
}

const results = Object.fromEntries(VARIANTS.map((v) => [v, []]));
for (let r = 0; r < 3; r++) {
  for (const v of VARIANTS) {
    const out = spawnSync(process.execPath, [self, '--child', v, '--framework', framework, '--requests', String(requests)], { encoding: 'utf8', env: { ...process.env } });
    if (out.status !== 0) throw new Error(`${v}: ${out.stderr}`);
    results[v].push(JSON.parse(out.stdout).cpuUs);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[1];
console.log(`${framework}, Node ${process.version}, ${requests} requests per run, 3 rounds, CPU µs per request (median; min–max)`);
let prev;
for (const v of VARIANTS) {
  const m = median(results[v]);
  console.log(`${v.padEnd(9)} ${m.toFixed(2).padStart(7)}  (${Math.min(...results[v]).toFixed(2)}–${Math.max(...results[v]).toFixed(2)})${prev === undefined ? '' : `  +${(m - prev).toFixed(2)} over the line above`}`);
  prev = m;
}
