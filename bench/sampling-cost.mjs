// Microbenchmarks of sampling and redaction (docs/sampling.md, docs/redaction.md).
//
//   node bench/sampling-cost.mjs [--rounds 5] [--requests 40000] [--json]
//
// 1. Per-request CPU of an Express app served in-process (real IncomingMessage/ServerResponse
//    over a socket stub that discards bytes: no network, no HTTP parser, so what TraceKit adds
//    is not lost in the noise of a loopback benchmark). Variants: bare Express; bare with an
//    AsyncLocalStorage context around each request (the part of any tracer's cost that is Node's
//    async context propagation); TraceKit at sampleRate 1, 0.01 and 0 (keepErrors on, the
//    default), and 0 with keepErrors off. Each variant runs in its own process; rounds are
//    interleaved and the median is reported. "added" is the variant minus bare.
// 2. The same for TraceKit's request lifecycle alone on node:http objects (createAdapter
//    start/run/child span/end, as an adapter drives it, without a framework).
// 3. TraceKit's core work alone, synchronously (no I/O at all): the tightest view of what one
//    dropped request costs. At 0.01 the 1% recorded requests add their own cost, and at this
//    loop's rate (hundreds of thousands of requests a second) their garbage weighs more than in
//    a real server.
// 4. Redaction per request: the SERVER and handler spans of a typical request, the same with an
//    exception, and an event record, redacted as the export pipeline does (mask mode). It runs
//    off the request path, in the export batch.
//
// Needs the built packages: npm run build (or cd packages/core && npx tsup; same for express).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inProcessRequest, NullSocket } from './lib/in-process-http.mjs';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', '5'));
const REQUESTS = Number(opt('requests', '40000'));

const VARIANTS = {
  bare: undefined,
  // Bare plus an AsyncLocalStorage context around each request: the part of any tracer's cost
  // that is Node's async context propagation, not TraceKit's own work.
  'bare + context': 'context',
  'rate 1': { sampleRate: 1 },
  'rate 0.01': { sampleRate: 0.01 },
  'rate 0': { sampleRate: 0 },
  'rate 0, no tail': { sampleRate: 0, keepErrors: false },
};


const HEADERS = { host: 'localhost:3000', 'user-agent': 'autocannon/9', accept: 'application/json', connection: 'keep-alive' };

const oneRequest = (handler, socket) => inProcessRequest(handler, socket, '/users/42?fields=name', HEADERS);

async function run(handler, socket, n) {
  for (let i = 0; i < n; i++) {
    await oneRequest(handler, socket);
    // Let timers run now and then, as I/O does in a server: the export pipeline batches on a timer.
    if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
}

async function measure(handler, n) {
  const socket = new NullSocket();
  await run(handler, socket, 5000);
  const t0 = process.cpuUsage();
  await run(handler, socket, n);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
}

async function childExpress(variant) {
  const { default: express } = await import('express');
  const options = VARIANTS[variant];
  const app = express();
  if (options === 'context') {
    const { context, ROOT_CONTEXT, createContextKey } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const key = createContextKey('bench.request');
    app.use((req, _res, next) => context.with(ROOT_CONTEXT.setValue(key, req), next));
  } else if (options) {
    const tracekit = await import('@tracekit/express');
    tracekit.init({ ...options, exporter: 'none', handleShutdown: false, serviceName: 'bench' });
    app.use(tracekit.express());
  }
  app.get('/users/:id', (req, res) => res.json({ id: req.params.id, name: 'Ada' }));
  return measure(app, REQUESTS);
}

async function childLifecycle(variant) {
  const options = VARIANTS[variant];
  const handler = (_req, res) => res.end('{"id":"42","name":"Ada"}');
  if (options === 'context') {
    const { context, ROOT_CONTEXT, createContextKey } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const key = createContextKey('bench.request');
    return measure((req, res) => context.with(ROOT_CONTEXT.setValue(key, req), () => handler(req, res)), REQUESTS);
  }
  if (!options) return measure(handler, REQUESTS);
  const core = await import('@tracekit/core/adapter');
  core.init({ ...options, exporter: 'none', handleShutdown: false, serviceName: 'bench' });
  const runtime = core.createAdapter('bench');
  const traced = (req, res) => {
    const scope = runtime.start(req, core.nodeRequestInfo(req));
    if (!scope) return handler(req, res);
    core.endWithNodeResponse(runtime, scope, res);
    scope.run(() => {
      scope.setRoute('/users/:id');
      const child = scope.startChild('handler getUser', { 'code.function.name': 'getUser' });
      handler(req, res);
      child.span.end();
    });
  };
  return measure(traced, REQUESTS);
}

/** TraceKit's own work per request, synchronously (no I/O, no framework): start, run, a child span, end. */
async function childCore(variant) {
  const options = VARIANTS[variant];
  const headers = { host: 'localhost:3000', 'user-agent': 'autocannon/9', accept: 'application/json' };
  const info = () => ({ method: 'GET', target: '/users/42?fields=name', header: (name) => headers[name], scheme: 'http', serverPort: 3000, clientAddress: '127.0.0.1', protocolVersion: '1.1' });
  const response = { statusCode: 200 };
  let sink = 0;
  let once;
  if (!options) {
    once = () => {
      sink += info().header('host').length;
    };
  } else if (options === 'context') {
    const { context, ROOT_CONTEXT, createContextKey } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const key = createContextKey('bench.request');
    once = () => {
      const i = info();
      context.with(ROOT_CONTEXT.setValue(key, i), () => (sink += i.header('host').length));
    };
  } else {
    const core = await import('@tracekit/core/adapter');
    core.init({ ...options, exporter: 'none', handleShutdown: false, serviceName: 'bench' });
    const runtime = core.createAdapter('bench');
    once = () => {
      const scope = runtime.start(null, info());
      scope.run(() => {
        scope.setRoute('/users/:id');
        const child = scope.startChild('handler getUser', { 'code.function.name': 'getUser' });
        child.span.end();
      });
      runtime.end(scope, null, response);
    };
  }
  const n = REQUESTS * 5;
  const batch = async (count) => {
    for (let i = 0; i < count; i++) {
      once();
      // Yield now and then so the export pipeline's timer can run (at rate 1 it exports).
      if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await batch(20000);
  const t0 = process.cpuUsage();
  await batch(n);
  const t = process.cpuUsage(t0);
  return sink >= 0 ? (t.user + t.system) / n : 0;
}

async function childRedaction() {
  const core = await import('@tracekit/core/adapter');
  const config = core.resolveConfig({}, {}, process.cwd());
  const redact = core.createRedactor(config.redaction, config.captureBody.maxBytes);
  const sink = { onEnd() {} };
  const err = new Error('could not load order 42 for customer 7');
  // Per-request values differ from request to request (IDs, paths), the rest repeats, as in a real app.
  let n = 0;
  const serverAttributes = () => ({
    'http.request.method': 'GET', 'url.path': `/users/${++n}`, 'url.query': `fields=name&page=${n % 50}`, 'url.scheme': 'http', 'server.address': 'localhost',
    'server.port': 3000, 'client.address': '127.0.0.1', 'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'network.protocol.version': '1.1', 'tracekit.request_id': randomUUID(), 'tracekit.framework': 'express', 'http.route': '/users/:id',
    'code.function.name': 'getUser', 'http.response.status_code': 200, 'http.request.header.authorization': ['Bearer abcdefghijklmnopqrstuvwxyz012345'],
  });
  const make = (withError) => {
    const server = new core.TracekitSpan(sink, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', undefined, 1, undefined, 'GET /users/:id', 1, serverAttributes(), undefined, undefined);
    if (withError) server.addEvent('exception', core.exceptionAttributes(err));
    const child = new core.TracekitSpan(sink, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', undefined, 1, undefined, 'handler getUser', 0, { 'code.function.name': 'getUser', 'http.route': '/users/:id' }, undefined, undefined);
    return [server, child];
  };
  // Built in small batches outside the timed part, so the heap stays as small as a server's.
  const time = (label, build, apply, batches = 50, size = 1000) => {
    for (let i = 0; i < 2000; i++) apply(build());
    let us = 0;
    for (let b = 0; b < batches; b++) {
      const items = Array.from({ length: size }, build);
      const t0 = process.cpuUsage();
      for (const item of items) apply(item);
      const t = process.cpuUsage(t0);
      us += t.user + t.system;
    }
    return { label, us: us / (batches * size) };
  };
  const event = () => ({ time: 0, eventName: 'tracekit.event', severityNumber: 9, severityText: 'INFO', body: 'checkout', attributes: { plan: 'pro', total: 42.5, apiKey: 'k-123456', 'user.id': 'u-1', 'tracekit.event.name': 'checkout' } });
  return [
    time('request (SERVER + handler span)', () => make(false), (spans) => spans.forEach((s) => redact.span(s))),
    time('failed request (with exception event)', () => make(true), (spans) => spans.forEach((s) => redact.span(s))),
    time('trackEvent record', event, (r) => redact.log(r)),
  ];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runChild(kind, variant) {
  const r = spawnSync(process.execPath, [self, '--child', kind, '--variant', variant, '--requests', String(REQUESTS)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${kind}/${variant} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

if (args.includes('--child')) {
  const kind = opt('child');
  const variant = opt('variant');
  const result = kind === 'express' ? await childExpress(variant) : kind === 'lifecycle' ? await childLifecycle(variant) : kind === 'core' ? await childCore(variant) : await childRedaction();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const out = { express: {}, lifecycle: {}, core: {}, redaction: undefined };
for (let round = 1; round <= ROUNDS; round++) {
  for (const kind of ['express', 'lifecycle', 'core']) {
    for (const variant of Object.keys(VARIANTS)) {
      const us = runChild(kind, variant);
      (out[kind][variant] ??= []).push(us);
      if (!args.includes('--json')) process.stderr.write(`round ${round}/${ROUNDS} ${kind.padEnd(9)} ${variant.padEnd(16)} ${us.toFixed(3)} µs CPU/request\n`);
    }
  }
}
out.redaction = runChild('redaction', 'mask');

const table = (kind) =>
  Object.entries(out[kind]).map(([variant, xs]) => {
    const med = median(xs);
    const bare = median(out[kind].bare);
    return { variant, 'µs/request': Number(med.toFixed(3)), 'added µs': variant === 'bare' ? 0 : Number((med - bare).toFixed(3)), spread: Number((Math.max(...xs) - Math.min(...xs)).toFixed(3)) };
  });
if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ express: table('express'), lifecycle: table('lifecycle'), core: table('core'), redaction: out.redaction }, null, 2)}\n`);
} else {
  console.log(`\nExpress, in-process (${REQUESTS} requests per run, median of ${ROUNDS} interleaved runs)`);
  console.table(table('express'));
  console.log('TraceKit request lifecycle alone, on node:http objects');
  console.table(table('lifecycle'));
  console.log('TraceKit core work alone, synchronous (no I/O; "bare" is the loop itself)');
  console.table(table('core'));
  console.log('Redaction per request (mask mode, as the export pipeline applies it)');
  console.table(out.redaction.map((r) => ({ case: r.label, 'µs': Number(r.us.toFixed(3)) })));
}
