import type { ReadableSpan } from '@tracekit/core/adapter';
import Router from '@koa/router';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import koa3 from 'koa';
import koa2 from 'koa2';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import * as tracekit from '../src/index.js';
import { type KoaClass } from './conformance-app.js';
import { servedApps } from './served-apps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const apps = servedApps();
const serve = (app: any) => apps.serve(app);

/** Waits for the SERVER span with this request ID (it ends when the response finishes). */
async function serverSpan(requestId: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const found = (await apps.tracing.spans()).find((s) => s.kind === SpanKind.SERVER && s.attributes['tracekit.request_id'] === requestId);
    if (found) return found;
    await sleep(10);
  }
  throw new Error(`no SERVER span for ${requestId}`);
}

const traceOf = async (span: ReadableSpan) => (await apps.tracing.spans()).filter((s) => s.traceId === span.traceId);
const exceptions = (span: ReadableSpan | undefined) => (span?.events ?? []).filter((e) => e.name === 'exception');
const get = (url: string, id: string, headers: Record<string, string> = {}) => fetch(url, { headers: { 'x-request-id': id, ...headers } });

describe.each([
  ['Koa 3', koa3 as unknown as KoaClass],
  ['Koa 2', koa2 as unknown as KoaClass],
])('%s', (_version, Koa) => {
  it('runs each route handler in a child span named after it, and spans started inside nest under it', async () => {
    const app = new Koa();
    app.use(tracekit.koa());
    const router = new Router();
    router.get('/users/:id', async function getUser(ctx: any) {
      await tracekit.withSpan('db', async () => sleep(1));
      ctx.body = { active: tracekit.getActiveSpan()?.spanContext().spanId };
    });
    app.use(router.routes());
    const res = await get(`${await serve(app)}/users/1`, 'handler-1');
    const body = (await res.json()) as { active: string };
    const span = await serverSpan('handler-1');
    expect(span.name).toBe('GET /users/:id');
    expect(span.attributes['code.function.name']).toBe('getUser');
    const trace = await traceOf(span);
    const handler = trace.find((s) => s.name === 'handler getUser');
    expect(handler?.parentSpanId).toBe(span.spanId);
    expect(handler?.attributes).toEqual({ 'code.function.name': 'getUser', 'http.route': '/users/:id' });
    expect(body.active).toBe(handler?.spanId);
    expect(trace.find((s) => s.name === 'db')?.parentSpanId).toBe(handler?.spanId);
    expect(trace).toHaveLength(3);
  });

  it('names spans through router prefixes and several levels of nesting, and routes added after the first request', async () => {
    const app = new Koa();
    app.use(tracekit.koa());
    const users = new Router();
    users.get('/users/:userId', function getMember(ctx: any) {
      ctx.body = 'member';
    });
    const orgs = new Router();
    orgs.use('/orgs/:orgId', users.routes());
    const v1 = new Router({ prefix: '/v1' });
    v1.use(orgs.routes());
    app.use(v1.routes());
    const base = await serve(app);
    await get(`${base}/v1/orgs/acme/users/7`, 'nest-1');
    v1.get('/late/:id', function late(ctx: any) {
      ctx.body = 'late';
    });
    await get(`${base}/v1/late/3`, 'nest-2');
    const nested = await serverSpan('nest-1');
    expect(nested.name).toBe('GET /v1/orgs/:orgId/users/:userId');
    expect(nested.attributes['http.route']).toBe('/v1/orgs/:orgId/users/:userId');
    expect((await traceOf(nested)).map((s) => s.name).sort()).toEqual(['GET /v1/orgs/:orgId/users/:userId', 'handler getMember']);
    const late = await serverSpan('nest-2');
    expect(late.name).toBe('GET /v1/late/:id');
    expect((await traceOf(late)).map((s) => s.name).sort()).toEqual(['GET /v1/late/:id', 'handler late']);
  });

  it("rethrows an escaped error unchanged to Koa's default handling and app.on('error'), recording it once", async () => {
    const app = new Koa();
    const emitted: unknown[] = [];
    app.on('error', (err: unknown) => emitted.push(err));
    app.use(tracekit.koa());
    const thrown = new TypeError('boom');
    const router = new Router();
    router.get('/boom', function boom() {
      throw thrown;
    });
    app.use(router.routes());
    const res = await get(`${await serve(app)}/boom`, 'escape-1');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('Internal Server Error');
    expect(res.headers.get('x-request-id')).toBe('escape-1');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toBe(thrown);
    const span = await serverSpan('escape-1');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(exceptions(span)).toHaveLength(1);
    const handler = (await traceOf(span)).find((s) => s.name === 'handler boom');
    expect(handler?.status.code).toBe(SpanStatusCode.ERROR);
    expect(exceptions(handler)).toHaveLength(1);
  });

  it("leaves the app's own error middleware in charge of the response, and still records the error", async () => {
    const app = new Koa();
    const emitted: unknown[] = [];
    app.on('error', (err: unknown) => emitted.push(err));
    app.use(tracekit.koa());
    app.use(async (ctx: any, next: () => Promise<void>) => {
      try {
        await next();
      } catch (err) {
        ctx.status = 503;
        ctx.body = { error: (err as Error).message, requestId: tracekit.getRequestId() };
        ctx.app.emit('error', err, ctx);
      }
    });
    const router = new Router();
    router.get('/down', async function down() {
      await sleep(1);
      throw new Error('dependency down');
    });
    app.use(router.routes());
    const res = await get(`${await serve(app)}/down`, 'own-1');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'dependency down', requestId: 'own-1' });
    expect(emitted).toHaveLength(1);
    const span = await serverSpan('own-1');
    expect(span.name).toBe('GET /down');
    expect(span.attributes['error.type']).toBe('Error');
    expect(exceptions(span).map((e) => e.attributes?.['exception.message'])).toEqual(['dependency down']);
  });

  it('records errors thrown by plain middleware, and leaves ctx.throw(4xx) unrecorded', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(tracekit.koa());
    app.use(async (ctx: any, next: () => Promise<void>) => {
      if (ctx.path === '/mw-fail') throw new RangeError('middleware failure');
      if (ctx.path === '/forbidden') ctx.throw(403, 'no access');
      await next();
    });
    const base = await serve(app);
    const failed = await get(`${base}/mw-fail`, 'mw-1');
    const forbidden = await get(`${base}/forbidden`, 'mw-2');
    expect(failed.status).toBe(500);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toBe('no access');
    expect(forbidden.headers.get('x-request-id')).toBe('mw-2');
    const fail = await serverSpan('mw-1');
    expect(fail.name).toBe('GET');
    expect(fail.attributes['error.type']).toBe('RangeError');
    expect(exceptions(fail)).toHaveLength(1);
    const denied = await serverSpan('mw-2');
    expect(denied.status.code).toBe(SpanStatusCode.UNSET);
    expect(denied.attributes['error.type']).toBeUndefined();
    expect(exceptions(denied)).toHaveLength(0);
  });

  it('keeps the request context in downstream middleware, before and after next()', async () => {
    const app = new Koa();
    app.use(tracekit.koa());
    const seen: Array<string | undefined> = [];
    app.use(async (_ctx: any, next: () => Promise<void>) => {
      seen.push(tracekit.getRequestId());
      await next();
      await sleep(1);
      seen.push(tracekit.getRequestId());
    });
    app.use((ctx: any) => {
      ctx.body = 'plain';
    });
    await get(`${await serve(app)}/anything`, 'ctx-1');
    expect(seen).toEqual(['ctx-1', 'ctx-1']);
    const span = await serverSpan('ctx-1');
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
  });

  it('ends the span of a request the client aborted, with error.type aborted', async () => {
    let signalStarted!: () => void;
    const started = new Promise<void>((r) => (signalStarted = r));
    const app = new Koa();
    app.use(tracekit.koa());
    const router = new Router();
    router.get('/slow', async (ctx: any) => {
      signalStarted();
      await new Promise((r) => ctx.req.once('close', r));
      ctx.body = 'late';
    });
    app.use(router.routes());
    const base = await serve(app);
    await new Promise<void>((resolve) => {
      const req = http.get(`${base}/slow`, { headers: { 'x-request-id': 'abort-1' } });
      req.on('error', () => resolve());
      void started.then(() => {
        req.destroy();
        resolve();
      });
    });
    const span = await serverSpan('abort-1');
    expect(span.name).toBe('GET /slow');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });

  it("gives hooks, spanName and ignore Koa's context", async () => {
    const calls: string[] = [];
    const app = new Koa();
    app.use(
      tracekit.koa<any>({
        requestHook: (span, ctx) => {
          calls.push(`request ${ctx.path}`);
          span.setAttribute('app.tenant', String(ctx.get('x-tenant')));
        },
        responseHook: (span, ctx) => {
          calls.push(`response ${ctx.status}`);
          span.setAttribute('app.user', String(ctx.state.user));
        },
        spanName: (ctx) => `custom ${ctx.method}`,
        ignore: (ctx) => ctx.get('x-skip') === '1',
      }),
    );
    app.use((ctx: any) => {
      ctx.state.user = 'u1';
      ctx.body = 'ok';
    });
    const base = await serve(app);
    await get(`${base}/hooked`, 'hooks-1', { 'x-tenant': 'acme' });
    await get(`${base}/hooked`, 'hooks-2', { 'x-skip': '1' });
    const span = await serverSpan('hooks-1');
    expect(span.name).toBe('custom GET');
    expect(span.attributes['app.tenant']).toBe('acme');
    expect(span.attributes['app.user']).toBe('u1');
    expect(calls).toEqual(['request /hooked', 'response 200']);
    await sleep(20);
    expect((await apps.tracing.spans()).filter((s) => s.attributes['tracekit.request_id'] === 'hooks-2')).toHaveLength(0);
  });

  it('traces a request once when the middleware is used twice', async () => {
    const app = new Koa();
    app.use(tracekit.koa());
    app.use(tracekit.koa());
    const router = new Router();
    router.get('/once', function once(ctx: any) {
      ctx.body = 'once';
    });
    app.use(router.routes());
    await get(`${await serve(app)}/once`, 'once-1');
    const span = await serverSpan('once-1');
    expect((await traceOf(span)).map((s) => s.name).sort()).toEqual(['GET /once', 'handler once']);
  });
});

it('fails fast on a bad option, naming it', () => {
  expect(() => tracekit.koa({ ignore: 42 as never })).toThrow(/ignore/);
});
