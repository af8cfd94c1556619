import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { shutdown } from '../client.js';
import type { ReadableSpan } from '../export/types.js';
import type { AdapterOptions } from '../types.js';
import { rawRequest, type KitResponse } from './http-client.js';
import { setupTestTracing, type TestTracing } from './test-tracing.js';

/** A running app under test. */
export interface ConformanceApp {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  close(): Promise<void>;
}

/** What an adapter's test suite gives the kit (see the routes in the kit's README section). */
export interface ConformanceTarget {
  /** The adapter's `tracekit.framework` value. */
  framework: string;
  /** Builds the app with the adapter wired with `options` and the kit's routes, listening on 127.0.0.1:0. */
  start(options: AdapterOptions<any, any>): Promise<ConformanceApp>;
}

/** The state the scenarios share. */
export interface ConformanceContext {
  readonly framework: string;
  readonly adapterOptions: AdapterOptions<any, any>;
  readonly app: ConformanceApp;
  readonly tracing: TestTracing;
  /** Makes the kit's requestHook throw while true. */
  hookThrows: boolean;
  /** While set, the kit's spanName option names every SERVER span this. */
  spanNameOverride: string | undefined;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  request(path: string, headers?: Array<[string, string | Buffer]>): Promise<KitResponse>;
  /** Flushes and returns the SERVER span of the request with this request ID. */
  serverSpan(requestId: string): Promise<ReadableSpan>;
  /** All spans of a trace. */
  traceSpans(traceId: string): Promise<ReadableSpan[]>;
}

/** Creates the shared context; call `setup()` in `beforeAll` and `teardown()` in `afterAll`. */
export function createConformanceContext(target: ConformanceTarget): ConformanceContext {
  let app: ConformanceApp | undefined;
  let tracing: TestTracing | undefined;
  const ctx: ConformanceContext = {
    framework: target.framework,
    hookThrows: false,
    spanNameOverride: undefined,
    adapterOptions: {
      ignore: ['/health'],
      requestHook: () => {
        if (ctx.hookThrows) throw new Error('requestHook failure (conformance)');
      },
      // Returning undefined keeps the default name (METHOD /route).
      spanName: () => ctx.spanNameOverride,
    },
    get app() {
      assert.ok(app, 'setup() has not run');
      return app;
    },
    get tracing() {
      assert.ok(tracing, 'setup() has not run');
      return tracing;
    },
    async setup() {
      tracing = await setupTestTracing();
      app = await target.start(ctx.adapterOptions);
    },
    async teardown() {
      await app?.close();
      await shutdown();
    },
    request: (path, headers) => rawRequest(ctx.app.baseUrl, path, headers),
    async serverSpan(requestId) {
      // The SERVER span ends when the response finishes, which can be a moment after the client has it.
      for (let i = 0; i < 50; i++) {
        const spans = await ctx.tracing.spans();
        const found = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['tracekit.request_id'] === requestId);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new assert.AssertionError({ message: `no SERVER span with tracekit.request_id=${requestId}` });
    },
    async traceSpans(traceId) {
      return (await ctx.tracing.spans()).filter((s) => s.traceId === traceId);
    },
  };
  return ctx;
}

/** One scenario of the kit. */
export interface ConformanceScenario {
  name: string;
  run(ctx: ConformanceContext): Promise<void>;
}

const port = (ctx: ConformanceContext) => Number(new URL(ctx.app.baseUrl).port);

async function get(ctx: ConformanceContext, path: string, headers: Array<[string, string | Buffer]> = []) {
  const res = await ctx.request(path, headers);
  const requestId = res.headers['x-request-id'];
  assert.ok(requestId, `${path}: the response has no x-request-id header`);
  return { res, requestId, span: await ctx.serverSpan(requestId) };
}

/** The attributes every SERVER span has, exactly. */
function assertBaseShape(ctx: ConformanceContext, span: ReadableSpan, path: string, query: string | undefined, requestId: string, status: number): void {
  assert.equal(span.kind, SpanKind.SERVER);
  const a = span.attributes;
  assert.equal(a['http.request.method'], 'GET');
  assert.equal(a['url.path'], path);
  assert.equal(a['url.scheme'], 'http');
  assert.equal(a['url.query'], query);
  assert.equal(a['http.response.status_code'], status);
  assert.equal(a['server.address'], '127.0.0.1');
  assert.equal(a['server.port'], port(ctx));
  assert.match(String(a['client.address']), /^(::ffff:)?127\.0\.0\.1$/);
  assert.equal(a['user_agent.original'], 'tracekit-conformance/1.0');
  assert.equal(a['network.protocol.version'], '1.1');
  assert.equal(a['tracekit.request_id'], requestId);
  assert.equal(a['tracekit.framework'], ctx.framework);
}

function assertDescendant(spans: ReadableSpan[], child: ReadableSpan, ancestor: ReadableSpan): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  let cur: ReadableSpan | undefined = child;
  for (let i = 0; cur && i < 20; i++) {
    if (cur.parentSpanId === ancestor.spanId) return;
    cur = cur.parentSpanId ? byId.get(cur.parentSpanId) : undefined;
  }
  assert.fail(`span "${child.name}" does not descend from "${ancestor.name}"`);
}

function assertNoError(span: ReadableSpan): void {
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.equal(span.attributes['error.type'], undefined);
  assert.equal((span.events ?? []).filter((e) => e.name === 'exception').length, 0);
}

function assertException(span: ReadableSpan, message: string): void {
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['error.type'], 'Error');
  const events = (span.events ?? []).filter((e) => e.name === 'exception');
  assert.equal(events.length, 1, 'exactly one exception event');
  const attrs = events[0]?.attributes ?? {};
  assert.equal(attrs['exception.type'], 'Error');
  assert.equal(attrs['exception.message'], message);
  assert.match(String(attrs['exception.stacktrace']), new RegExp(message));
}

const HOSTILE_IDS: Array<[string, Buffer]> = [
  ['300 characters', Buffer.from('a'.repeat(300))],
  ['spaces', Buffer.from('my request id')],
  ['non-ASCII bytes', Buffer.from('caf\xe9-\xff-id', 'latin1')],
];

/** The scenarios, in order; every adapter runs all of them. */
export const conformanceScenarios: ConformanceScenario[] = [
  {
    name: 'parameterised route: one SERVER span named by the template, with the exact attributes',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/users/42');
      assert.equal(res.status, 200);
      const body = JSON.parse(res.body) as { id: string; requestId: string; traceId: string };
      assert.equal(body.id, '42');
      assert.equal(body.requestId, requestId);
      assert.equal(body.traceId, span.traceId);
      assert.equal(span.name, 'GET /users/:id');
      assert.equal(span.attributes['http.route'], '/users/:id');
      assert.equal(span.parentSpanId, undefined);
      assertBaseShape(ctx, span, '/users/42', undefined, requestId, 200);
      assertNoError(span);
      const trace = await ctx.traceSpans(span.traceId);
      assert.equal(trace.filter((s) => s.kind === SpanKind.SERVER).length, 1, 'one SERVER span per request');
    },
  },
  {
    name: 'prefixed or nested route keeps the whole template; the query string is recorded',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/api/items/7?q=1');
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { itemId: '7' });
      assert.equal(span.name, 'GET /api/items/:itemId');
      assert.equal(span.attributes['http.route'], '/api/items/:itemId');
      assertBaseShape(ctx, span, '/api/items/7', 'q=1', requestId, 200);
    },
  },
  {
    name: 'unmatched request: named by the method alone, no http.route, 404 is not an error',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/does/not/exist');
      assert.equal(res.status, 404);
      assert.equal(span.name, 'GET');
      assert.equal(span.attributes['http.route'], undefined);
      assertBaseShape(ctx, span, '/does/not/exist', undefined, requestId, 404);
      assertNoError(span);
    },
  },
  {
    name: 'synchronous throw: 500, ERROR status, error.type and one exception event',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/errors/sync');
      assert.equal(res.status, 500);
      assert.equal(span.name, 'GET /errors/sync');
      assertBaseShape(ctx, span, '/errors/sync', undefined, requestId, 500);
      assertException(span, 'sync failure');
    },
  },
  {
    name: 'asynchronous throw: 500, ERROR status, error.type and one exception event',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/errors/async');
      assert.equal(res.status, 500);
      assert.equal(span.name, 'GET /errors/async');
      assertBaseShape(ctx, span, '/errors/async', undefined, requestId, 500);
      assertException(span, 'async failure');
    },
  },
  {
    name: 'a 4xx raised through the framework is not an error',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/errors/client');
      assert.equal(res.status, 404);
      assert.equal(span.attributes['http.route'], '/errors/client');
      assertBaseShape(ctx, span, '/errors/client', undefined, requestId, 404);
      assertNoError(span);
    },
  },
  {
    name: 'a valid traceparent continues the trace and keeps tracestate',
    async run(ctx) {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = '00f067aa0ba902b7';
      const { res, span } = await get(ctx, '/users/1', [['traceparent', `00-${traceId}-${parent}-01`], ['tracestate', 'vendor=value,other=1']]);
      assert.equal(res.status, 200);
      assert.equal(span.traceId, traceId);
      assert.equal(span.parentSpanId, parent);
      assert.equal(span.traceState?.serialize(), 'vendor=value,other=1');
      assert.equal((JSON.parse(res.body) as { traceId: string }).traceId, traceId);
    },
  },
  {
    name: 'a malformed traceparent starts a new trace and never breaks the request',
    async run(ctx) {
      for (const bad of ['garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`, `00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01`]) {
        const { res, span } = await get(ctx, '/users/2', [['traceparent', bad]]);
        assert.equal(res.status, 200, `traceparent ${bad}`);
        assert.equal(span.parentSpanId, undefined, `traceparent ${bad}`);
        assert.notEqual(span.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
        assert.match(span.traceId, /^[0-9a-f]{32}$/);
      }
    },
  },
  {
    name: 'a valid x-request-id is kept and echoed',
    async run(ctx) {
      const { res, requestId, span } = await get(ctx, '/users/3', [['x-request-id', 'req-abc_123.XYZ']]);
      assert.equal(requestId, 'req-abc_123.XYZ');
      assert.equal(span.attributes['tracekit.request_id'], 'req-abc_123.XYZ');
      assert.equal((JSON.parse(res.body) as { requestId: string }).requestId, 'req-abc_123.XYZ');
    },
  },
  {
    name: 'hostile x-request-id values are replaced by a new ID',
    async run(ctx) {
      for (const [what, value] of HOSTILE_IDS) {
        const { res, requestId, span } = await get(ctx, '/users/4', [['x-request-id', value]]);
        assert.equal(res.status, 200, what);
        assert.notEqual(requestId, value.toString('latin1'), what);
        assert.match(requestId, /^[0-9a-f-]{36}$/, what);
        assert.equal(span.attributes['tracekit.request_id'], requestId, what);
        assert.equal((JSON.parse(res.body) as { requestId: string }).requestId, requestId, what);
      }
    },
  },
  {
    name: 'a withSpan child descends from the SERVER span',
    async run(ctx) {
      const { span } = await get(ctx, '/users/5');
      const trace = await ctx.traceSpans(span.traceId);
      const db = trace.find((s) => s.name === 'db.query');
      assert.ok(db, 'the db.query span was exported');
      assert.equal(db.kind, SpanKind.INTERNAL);
      assert.equal(db.attributes['db.system.name'], 'test');
      assertDescendant(trace, db, span);
      assert.ok(db.startTime >= span.startTime && db.endTime <= span.endTime, 'the child lies within the request');
    },
  },
  {
    name: '50 concurrent requests keep their own context',
    async run(ctx) {
      const ids = Array.from({ length: 50 }, (_, i) => `concurrent-${i}-${Date.now()}`);
      const responses = await Promise.all(ids.map((id, i) => ctx.request(`/context/${i}`, [['x-request-id', id]])));
      for (const [i, res] of responses.entries()) {
        const id = ids[i] as string;
        assert.equal(res.status, 200);
        const body = JSON.parse(res.body) as { n: string; requestId: string; traceId: string };
        assert.equal(body.requestId, id);
        assert.equal(body.n, String(i));
        const span = await ctx.serverSpan(id);
        assert.equal(body.traceId, span.traceId);
        const trace = await ctx.traceSpans(span.traceId);
        assert.equal(trace.filter((s) => s.kind === SpanKind.SERVER).length, 1);
        const step = trace.filter((s) => s.name === 'step');
        assert.equal(step.length, 1, `request ${i} has exactly its own step span`);
        assertDescendant(trace, step[0] as ReadableSpan, span);
      }
    },
  },
  {
    name: 'ignored paths get no span at all',
    async run(ctx) {
      const res = await ctx.request('/health');
      assert.equal(res.status, 200);
      assert.equal(res.body, 'ok');
      await new Promise((r) => setTimeout(r, 30));
      const spans = await ctx.tracing.spans();
      assert.equal(spans.filter((s) => s.attributes['url.path'] === '/health').length, 0);
    },
  },
  {
    name: 'a requestHook that throws is counted and the request still succeeds',
    async run(ctx) {
      const before = ctx.tracing.client.stats().hookErrors;
      ctx.hookThrows = true;
      try {
        const { res, span } = await get(ctx, '/users/6');
        assert.equal(res.status, 200);
        assert.equal((JSON.parse(res.body) as { id: string }).id, '6');
        assert.equal(span.name, 'GET /users/:id');
      } finally {
        ctx.hookThrows = false;
      }
      assert.equal(ctx.tracing.client.stats().hookErrors, before + 1);
    },
  },
  {
    name: 'the spanName option names the SERVER span',
    async run(ctx) {
      ctx.spanNameOverride = 'custom: load user';
      try {
        const { res, span } = await get(ctx, '/users/8');
        assert.equal(res.status, 200);
        assert.equal(span.name, 'custom: load user');
        assert.equal(span.attributes['http.route'], '/users/:id');
      } finally {
        ctx.spanNameOverride = undefined;
      }
      const { span } = await get(ctx, '/users/9');
      assert.equal(span.name, 'GET /users/:id');
    },
  },
  {
    name: "the route handler has its own span between the SERVER span and the user's spans",
    async run(ctx) {
      const { span } = await get(ctx, '/users/11');
      const trace = await ctx.traceSpans(span.traceId);
      const handler = trace.find((s) => s.name.startsWith('handler ') && s.kind === SpanKind.INTERNAL);
      assert.ok(handler, `no handler span in ${trace.map((s) => s.name).join(', ')}`);
      assertDescendant(trace, handler, span);
      const db = trace.find((s) => s.name === 'db.query');
      assert.ok(db, 'the db.query span was exported');
      assertDescendant(trace, db, handler);
    },
  },
  {
    name: 'an anonymous handler sets no code.function.name; a handler span is named after the route',
    async run(ctx) {
      // The kit's /api/items/:itemId handler is an arrow function in every app (NestJS: a method).
      const { span } = await get(ctx, '/api/items/3');
      const trace = await ctx.traceSpans(span.traceId);
      for (const s of trace) {
        const fn = s.attributes['code.function.name'];
        assert.ok(fn === undefined || (typeof fn === 'string' && fn !== '' && !fn.includes('anonymous')), `"${s.name}" has code.function.name ${String(fn)}`);
        assert.ok(!s.name.includes('<anonymous>'), `a span is named "${s.name}"`);
        if (s.name.startsWith('handler ') && fn === undefined) assert.equal(s.name, 'handler GET /api/items/:itemId');
      }
    },
  },
  {
    name: 'an exception is stored in full once per trace, on the SERVER span',
    async run(ctx) {
      const { span } = await get(ctx, '/errors/sync');
      assertException(span, 'sync failure');
      const trace = await ctx.traceSpans(span.traceId);
      const full = trace.flatMap((s) => (s.events ?? []).filter((e) => e.name === 'exception' && e.attributes?.['exception.stacktrace'] !== undefined).map(() => s.name));
      assert.deepEqual(full, [span.name], 'only the SERVER span carries the stack trace and frames');
      const fingerprint = span.events?.find((e) => e.name === 'exception')?.attributes?.['tracekit.error.fingerprint'];
      for (const s of trace) {
        if (s === span) continue;
        for (const e of (s.events ?? []).filter((ev) => ev.name === 'exception')) {
          assert.equal(e.attributes?.['exception.message'], 'sync failure');
          assert.equal(e.attributes?.['tracekit.error.fingerprint'], fingerprint);
        }
      }
    },
  },
];
