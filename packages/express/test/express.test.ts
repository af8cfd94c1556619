import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import * as tracekit from '../src/index.js';
import { tracedServers } from './traced-server.js';

const traced = tracedServers();
const { listen, serverSpan } = traced;

/** Builds the same app with or without TraceKit, to compare responses. */
function errorApp(express: any, traced: boolean) {
  const app = express();
  if (traced) app.use(tracekit.express());
  app.get('/next-error', (_req: any, _res: any, next: any) => next(new RangeError('out of range')));
  app.get('/sync', () => {
    throw new TypeError('bad type');
  });
  app.get('/teapot', (_req: any, _res: any, next: any) => next(Object.assign(new Error('short and stout'), { status: 418 })));
  if (traced) app.use(tracekit.expressErrorHandler());
  app.use((err: any, _req: any, res: any, _next: any) => {
    res.status(err.status ?? 500).set('x-handled', 'yes').json({ message: err.message, kind: err.name });
  });
  return app;
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
] as const)('%s', (_version, express: any) => {
  it('route templates through nested routers, parameterised mounts and mounted sub-apps', async () => {
    const app = express();
    app.use(tracekit.express());
    const inner = express.Router({ mergeParams: true });
    inner.get('/comments/:commentId', (_req: any, res: any) => res.send('c'));
    const posts = express.Router({ mergeParams: true });
    posts.use('/posts/:postId', inner);
    app.use('/users/:userId', posts);
    const sub = express();
    sub.get('/status', function subStatus(_req: any, res: any) {
      res.send('up');
    });
    app.use('/admin', sub);
    const base = await listen(app);
    const r1 = await fetch(`${base}/users/7/posts/9/comments/3`);
    expect(r1.status).toBe(200);
    const s1 = await serverSpan(r1.headers.get('x-request-id'));
    expect(s1.attributes['http.route']).toBe('/users/:userId/posts/:postId/comments/:commentId');
    expect(s1.name).toBe('GET /users/:userId/posts/:postId/comments/:commentId');
    const r2 = await fetch(`${base}/admin/status`);
    const s2 = await serverSpan(r2.headers.get('x-request-id'));
    expect(s2.attributes['http.route']).toBe('/admin/status');
    expect(s2.attributes['code.function.name']).toBe('subStatus');
  });

  it('a child span for the route handler, named after it, parent of the handler’s spans', async () => {
    const app = express();
    app.use(tracekit.express());
    app.get('/orders/:id', async function getOrder(_req: any, res: any) {
      await tracekit.withSpan('db.orders.find', async () => new Promise((r) => setTimeout(r, 2)));
      res.json({ ok: true });
    });
    const base = await listen(app);
    const res = await fetch(`${base}/orders/5`);
    const server = await serverSpan(res.headers.get('x-request-id'));
    const spans = (await traced.tracing.spans()).filter((s) => s.traceId === server.traceId);
    const handler = spans.find((s) => s.name === 'handler getOrder');
    const db = spans.find((s) => s.name === 'db.orders.find');
    expect(handler?.parentSpanId).toBe(server.spanId);
    expect(handler?.kind).toBe(SpanKind.INTERNAL);
    expect(handler?.attributes).toEqual({ 'code.function.name': 'getOrder', 'http.route': '/orders/:id' });
    expect(db?.parentSpanId).toBe(handler?.spanId);
    expect(server.attributes['code.function.name']).toBe('getOrder');
  });

  it.each([
    ['/next-error', 'RangeError', 'out of range', 500],
    ['/sync', 'TypeError', 'bad type', 500],
  ])('%s is recorded, and the app’s error handler answers exactly as without TraceKit', async (path, type, message, status) => {
    const plain = await listen(errorApp(express, false));
    const traced = await listen(errorApp(express, true));
    const a = await fetch(plain + path);
    const b = await fetch(traced + path);
    expect(b.status).toBe(a.status);
    expect(b.status).toBe(status);
    expect(await b.json()).toEqual(await a.json());
    expect(b.headers.get('x-handled')).toBe('yes');
    const span = await serverSpan(b.headers.get('x-request-id'));
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message });
    expect(span.attributes['error.type']).toBe(type);
    const events = span.events?.filter((e) => e.name === 'exception') ?? [];
    expect(events).toHaveLength(1);
    expect(events[0]?.attributes).toMatchObject({ 'exception.type': type, 'exception.message': message });
  });

  it('an error carrying a 4xx status is passed on but is not an error', async () => {
    const base = await listen(errorApp(express, true));
    const res = await fetch(`${base}/teapot`);
    expect(res.status).toBe(418);
    expect(await res.json()).toEqual({ message: 'short and stout', kind: 'Error' });
    const span = await serverSpan(res.headers.get('x-request-id'));
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events ?? []).toHaveLength(0);
    expect(span.attributes['http.response.status_code']).toBe(418);
  });
});

describe('adapter options', () => {
  it('captureHeaders records allow-listed headers, with secrets masked', async () => {
    const app = express5();
    app.use(tracekit.express({ captureHeaders: { request: ['X-Tenant', 'authorization'], response: ['content-type'] } }));
    app.get('/h', (_req, res) => res.json({}));
    const base = await listen(app);
    const res = await fetch(`${base}/h`, { headers: { 'x-tenant': 'acme', authorization: 'Bearer abcdefghijklmnopqrstuvwxyz' } });
    await res.text();
    const span = await serverSpan(res.headers.get('x-request-id'));
    expect(span.attributes['http.request.header.x-tenant']).toEqual(['acme']);
    expect(String(span.attributes['http.request.header.authorization'])).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(span.attributes['http.response.header.content-type']).toEqual(['application/json; charset=utf-8']);
  });

  it('ignore accepts globs, regular expressions and predicates', async () => {
    const globs = express5();
    globs.use(tracekit.express({ ignore: ['/static/**', /^\/internal/, '/health'] }));
    globs.get('/{*all}', (_req, res) => res.send('ok'));
    const predicate = express5();
    predicate.use(tracekit.express({ ignore: (req) => req.headers['x-synthetic'] === '1' }));
    predicate.get('/{*all}', (_req, res) => res.send('ok'));
    const a = await listen(globs);
    const b = await listen(predicate);
    for (const p of ['/static/css/site.css', '/internal/ping', '/health/', '/static.css', '/api/health']) await (await fetch(a + p)).text();
    await (await fetch(`${b}/probe`, { headers: { 'x-synthetic': '1' } })).text();
    await (await fetch(`${b}/probe`)).text();
    await new Promise((r) => setTimeout(r, 20));
    const paths = (await traced.tracing.spans()).filter((s) => s.kind === SpanKind.SERVER).map((s) => s.attributes['url.path']);
    expect(paths.sort()).toEqual(['/api/health', '/probe', '/static.css']);
  });

  it('spanName names the span; a responseHook that throws is counted and changes nothing', async () => {
    const app = express5();
    app.use(
      tracekit.express({
        spanName: (req) => `custom ${req.method}`,
        responseHook: () => {
          throw new Error('hook bug');
        },
      }),
    );
    app.get('/n', (_req, res) => res.send('fine'));
    const base = await listen(app);
    const before = traced.tracing.client.stats().hookErrors;
    const res = await fetch(`${base}/n`);
    expect(await res.text()).toBe('fine');
    const span = await serverSpan(res.headers.get('x-request-id'));
    expect(span.name).toBe('custom GET');
    expect(traced.tracing.client.stats().hookErrors).toBe(before + 1);
  });

  it('bad adapter options fail at setup with a message naming the option', () => {
    expect(() => tracekit.express({ requestHook: 'nope' as never })).toThrow(/express\(\{ requestHook \}\) is invalid: expected a function/);
    expect(() => tracekit.express({ captureHeaders: { request: 'authorization' as never } })).toThrow(/captureHeaders/);
    expect(() => tracekit.express({ requestIdHeader: 'bad header' })).toThrow(/requestIdHeader/);
  });

  it('a custom request ID header is read and echoed', async () => {
    const app = express5();
    app.use(tracekit.express({ requestIdHeader: 'X-Correlation-Id' }));
    app.get('/c', (_req, res) => res.json({ id: tracekit.getRequestId() }));
    const base = await listen(app);
    const res = await fetch(`${base}/c`, { headers: { 'x-correlation-id': 'corr-1' } });
    expect(res.headers.get('x-correlation-id')).toBe('corr-1');
    expect(await res.json()).toEqual({ id: 'corr-1' });
  });

  it('setMetadata attaches identifiers to every span of the request', async () => {
    const app = express5();
    app.use(tracekit.express());
    app.get('/m', async (_req, res) => {
      await tracekit.withSpan('before', async () => undefined);
      tracekit.setMetadata({ userId: 'u-1', organizationId: 'org-9', plan: 'pro' });
      res.send('m');
    });
    const base = await listen(app);
    const res = await fetch(`${base}/m`);
    await res.text();
    const server = await serverSpan(res.headers.get('x-request-id'));
    for (const s of (await traced.tracing.spans()).filter((x) => x.traceId === server.traceId)) {
      expect(s.attributes).toMatchObject({ 'user.id': 'u-1', 'tracekit.organization.id': 'org-9', 'tracekit.metadata.plan': 'pro' });
    }
  });
});
