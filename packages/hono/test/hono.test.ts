import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shutdown } from '@tracekit/core/adapter';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import type { ReadableSpan } from '@tracekit/core/adapter';
import * as tracekit from '../src/index.js';
import { listen } from './conformance-app.js';

let tracing: TestTracing;
beforeAll(async () => {
  tracing = await setupTestTracing();
});
afterAll(() => shutdown());
afterEach(() => tracing.reset());

async function serverSpans(count: number): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100; i++) {
    const spans = (await tracing.spans()).filter((s) => s.kind === SpanKind.SERVER);
    if (spans.length >= count) return spans;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${count} SERVER spans`);
}

async function withServer(app: Hono, fn: (base: string) => Promise<void>): Promise<void> {
  const running = await listen(app);
  try {
    await fn(running.baseUrl);
  } finally {
    await running.close();
  }
}

describe('route templates', () => {
  it('keeps the whole template through basePath, app.route sub-apps, a sub-app onError and route middleware', async () => {
    const app = new Hono().basePath('/v1');
    app.use(tracekit.hono());
    app.use('/admin/*', async (_c, next) => next());
    const admin = new Hono();
    admin.get('/orgs/:org/members/:member', function listMember(c) {
      return c.json({ org: c.req.param('org') });
    });
    const failing = new Hono();
    failing.onError((err, c) => c.text(`sub says ${err.message}`, 502));
    failing.get('/jobs/:job', function runJob() {
      throw new Error('job failed');
    });
    app.route('/admin', admin);
    app.route('/queue', failing);
    await withServer(app, async (base) => {
      const one = await fetch(`${base}/v1/admin/orgs/acme/members/9`);
      expect(await one.json()).toEqual({ org: 'acme' });
      const two = await fetch(`${base}/v1/queue/jobs/3`);
      expect(two.status).toBe(502);
      expect(await two.text()).toBe('sub says job failed');
      const spans = await serverSpans(2);
      const member = spans.find((s) => s.attributes['url.path'] === '/v1/admin/orgs/acme/members/9');
      expect(member?.name).toBe('GET /v1/admin/orgs/:org/members/:member');
      expect(member?.attributes['http.route']).toBe('/v1/admin/orgs/:org/members/:member');
      expect(member?.attributes['code.function.name']).toBe('listMember');
      expect(member?.status.code).toBe(SpanStatusCode.UNSET);
      const job = spans.find((s) => s.attributes['url.path'] === '/v1/queue/jobs/3');
      expect(job?.name).toBe('GET /v1/queue/jobs/:job');
      expect(job?.attributes['code.function.name']).toBe('runJob');
      expect(job?.attributes['http.response.status_code']).toBe(502);
      expect(job?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'job failed' });
      expect(job?.events?.filter((e) => e.name === 'exception').map((e) => e.attributes?.['exception.message'])).toEqual(['job failed']);
    });
  });

  it('names a catch-all handler by its wildcard and an unmatched request by the method alone', async () => {
    const app = new Hono();
    app.use(tracekit.hono());
    app.use('*', async (_c, next) => next());
    app.get('/files/*', (c) => c.text('file'));
    await withServer(app, async (base) => {
      await fetch(`${base}/files/a/b.txt`);
      await fetch(`${base}/nothing`);
      const spans = await serverSpans(2);
      expect(spans.map((s) => [s.attributes['url.path'], s.name, s.attributes['http.route']]).sort()).toEqual([
        ['/files/a/b.txt', 'GET /files/*', '/files/*'],
        ['/nothing', 'GET', undefined],
      ]);
    });
  });
});

describe('errors', () => {
  it("records the error the app's onError answered, and keeps the app's response byte for byte", async () => {
    const app = new Hono();
    app.use(tracekit.hono());
    app.onError((err, c) => c.json({ handled: err.message }, 503, { 'x-handled': 'yes' }));
    app.get('/boom', async () => {
      throw new TypeError('bad type');
    });
    app.get('/forbidden', () => {
      throw new HTTPException(403, { message: 'no' });
    });
    await withServer(app, async (base) => {
      const res = await fetch(`${base}/boom`);
      expect(res.status).toBe(503);
      expect(res.headers.get('x-handled')).toBe('yes');
      expect(await res.json()).toEqual({ handled: 'bad type' });
      const forbidden = await fetch(`${base}/forbidden`);
      expect(forbidden.status).toBe(503);
      const spans = await serverSpans(2);
      const boom = spans.find((s) => s.name === 'GET /boom');
      expect(boom?.attributes['error.type']).toBe('TypeError');
      expect(boom?.events?.[0]?.attributes?.['exception.type']).toBe('TypeError');
      // An HTTPException below 500 is the app saying no, not a failure (the app's handler made it 503).
      const no = spans.find((s) => s.name === 'GET /forbidden');
      expect(no?.events ?? []).toEqual([]);
      expect(no?.attributes['error.type']).toBe('503');
    });
  });

  it('records a thrown non-Error value and lets it through to Hono unchanged', async () => {
    const app = new Hono();
    app.use(tracekit.hono());
    app.get('/odd', () => {
      throw 'plain string';
    });
    await expect(app.request('/odd')).rejects.toBe('plain string');
    const [span] = await serverSpans(1);
    expect(span?.name).toBe('GET /odd');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['http.response.status_code']).toBe(500);
    expect(span?.events?.[0]?.attributes?.['exception.message']).toBe('plain string');
  });
});

describe('without Node: app.request() and app.fetch()', () => {
  it('traces a Web Request with the same span shape, minus what only a socket knows', async () => {
    const app = new Hono();
    app.use(tracekit.hono());
    app.get('/users/:id', (c) => c.json({ requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() }));
    const res = await app.fetch(
      new Request('https://api.example.test:8443/users/5?full=1', {
        headers: { 'user-agent': 'unit', 'x-request-id': 'abc-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      }),
    );
    expect(res.headers.get('x-request-id')).toBe('abc-1');
    const body = (await res.json()) as { requestId: string; traceId: string };
    expect(body).toEqual({ requestId: 'abc-1', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    const [span] = await serverSpans(1);
    expect(span?.name).toBe('GET /users/:id');
    expect(span?.parentSpanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/users/5',
      'url.query': 'full=1',
      'url.scheme': 'https',
      'server.address': 'api.example.test',
      'server.port': 8443,
      'user_agent.original': 'unit',
      'tracekit.request_id': 'abc-1',
      'tracekit.framework': 'hono',
      'http.route': '/users/:id',
      'http.response.status_code': 200,
    });
  });

  it('echoes the request ID on a raw Response and on the not-found answer', async () => {
    const app = new Hono();
    app.use(tracekit.hono({ requestIdHeader: 'X-Correlation-Id' }));
    app.get('/raw', () => new Response('raw', { status: 201 }));
    const raw = await app.request('/raw');
    expect(raw.status).toBe(201);
    expect(await raw.text()).toBe('raw');
    const id = raw.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await app.request('/missing');
    expect(missing.status).toBe(404);
    const spans = await serverSpans(2);
    expect(spans.find((s) => s.name === 'GET /raw')?.attributes['tracekit.request_id']).toBe(id);
    expect(spans.find((s) => s.name === 'GET')?.attributes['tracekit.request_id']).toBe(missing.headers.get('x-correlation-id'));
  });
});

describe('options and nesting', () => {
  it('passes Hono\'s Context to ignore and the hooks, and traces a sub-app with its own middleware once', async () => {
    const seen: string[] = [];
    const middleware = tracekit.hono({
      ignore: (c) => c.req.header('x-skip') === '1',
      requestHook: (span, c) => span.setAttribute('app.tenant', c.req.header('x-tenant') ?? 'none'),
      responseHook: (span, c) => {
        seen.push(c.res.headers.get('content-type') ?? '');
        span.setAttribute('app.cached', c.res.headers.get('x-cache') === 'hit');
      },
    });
    const app = new Hono();
    app.use(middleware);
    const sub = new Hono();
    sub.use(middleware);
    sub.get('/:id', (c) => c.text(c.req.param('id'), 200, { 'x-cache': 'hit' }));
    app.route('/things', sub);
    await withServer(app, async (base) => {
      await fetch(`${base}/things/1`, { headers: { 'x-tenant': 't1' } });
      await fetch(`${base}/things/2`, { headers: { 'x-skip': '1' } });
      const spans = await serverSpans(1);
      await new Promise((r) => setTimeout(r, 30));
      // The traced request: its SERVER span and the anonymous handler's span, named after the route.
      expect((await tracing.spans()).map((s) => s.name).sort()).toEqual(['GET /things/:id', 'handler GET /things/:id']);
      expect(spans[0]?.name).toBe('GET /things/:id');
      expect(spans[0]?.attributes['app.tenant']).toBe('t1');
      expect(spans[0]?.attributes['app.cached']).toBe(true);
      expect(seen).toEqual(['text/plain; charset=UTF-8']);
    });
  });

  it('getRequestScope gives the request\'s scope in the handler (its ID is the one echoed), and undefined for an ignored request', async () => {
    const app = new Hono();
    app.use(tracekit.hono({ ignore: '/health' }));
    app.get('/users/:id', (c) => c.text(tracekit.getRequestScope(c)?.requestId ?? 'none'));
    app.get('/health', (c) => c.text(tracekit.getRequestScope(c) === undefined ? 'untraced' : 'traced'));
    await withServer(app, async (base) => {
      const res = await fetch(`${base}/users/1`);
      const body = await res.text();
      expect(body).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toBe(body);
      expect(await (await fetch(`${base}/health`)).text()).toBe('untraced');
      // The traced request's SERVER span, before the next test resets the spans.
      const [span] = await serverSpans(1);
      expect(span?.attributes['tracekit.request_id']).toBe(body);
    });
  });

  it('rejects bad options when the middleware is created', () => {
    expect(() => tracekit.hono({ requestHook: 'nope' as never })).toThrow(/requestHook/);
  });
});

describe('over Node', () => {
  it('ends the span of a request whose client went away, with error.type aborted', async () => {
    const app = new Hono();
    app.use(tracekit.hono());
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    app.get('/slow', async (c) => {
      await released;
      return c.text('late');
    });
    await withServer(app, async (base) => {
      const { port } = new URL(base);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.write('GET /slow HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      const [span] = await serverSpans(1);
      release();
      expect(span?.name).toBe('GET /slow');
      expect(span?.attributes['error.type']).toBe('aborted');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    });
  });
});
