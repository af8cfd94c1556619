import type { ReadableSpan } from '@tracekit/core/adapter';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import fastify5 from 'fastify';
import fastify4 from 'fastify4';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';
import { listen, type FastifyFactory } from './conformance-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tracing: TestTracing;
beforeAll(async () => {
  tracing = await setupTestTracing();
});
afterAll(() => tracekit.shutdown());
afterEach(() => tracing.reset());

/** Waits for the SERVER span with this request ID (it ends when the response finishes). */
async function serverSpan(requestId: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const found = (await tracing.spans()).find((s) => s.kind === SpanKind.SERVER && s.attributes['tracekit.request_id'] === requestId);
    if (found) return found;
    await sleep(10);
  }
  throw new Error(`no SERVER span for ${requestId}`);
}

const exceptions = (span: ReadableSpan) => (span.events ?? []).filter((e) => e.name === 'exception');

const apps: any[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function start(Fastify: FastifyFactory, routes: (app: any) => void | Promise<void>, options: tracekit.FastifyOptions = {}, serverOptions = {}) {
  const app = Fastify(serverOptions);
  await app.register(tracekit.tracekitPlugin, options);
  await routes(app);
  apps.push(app);
  const { baseUrl } = await listen(app);
  return { app, baseUrl };
}

/** Sends a request, waits until the server says the handler started, then drops the connection. */
function abortAfterStart(baseUrl: string, path: string, started: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}${path}`, { headers: { 'x-request-id': `abort-${path.slice(1)}` } });
    req.on('error', () => resolve());
    void started.then(() => {
      req.destroy();
      resolve();
    });
  });
}

describe.each([
  ['Fastify 5', fastify5 as unknown as FastifyFactory],
  ['Fastify 4', fastify4 as unknown as FastifyFactory],
])('%s', (_version, Fastify) => {
  it('runs the handler in the request context, with a child span from preHandler to onSend, also after body parsing', async () => {
    const seen: Record<string, string | undefined> = {};
    const { baseUrl } = await start(Fastify, (app) => {
      app.addHook('preValidation', async () => {
        seen.preValidation = tracekit.getRequestId();
      });
      app.post('/echo/:id', async function echoHandler(request: any) {
        const active = tracekit.getActiveSpan()?.spanContext().spanId;
        await tracekit.withSpan('work', async () => sleep(1));
        return { requestId: tracekit.getRequestId(), active, body: request.body };
      });
    });
    const res = await fetch(`${baseUrl}/echo/5`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'body-1' }, body: JSON.stringify({ a: 1 }) });
    const body = (await res.json()) as { requestId: string; active: string; body: unknown };
    expect(body.requestId).toBe('body-1');
    expect(body.body).toEqual({ a: 1 });
    expect(seen.preValidation).toBe('body-1');
    const span = await serverSpan('body-1');
    expect(span.name).toBe('POST /echo/:id');
    expect(span.attributes['code.function.name']).toBe('echoHandler');
    const trace = (await tracing.spans()).filter((s) => s.traceId === span.traceId);
    const handler = trace.find((s) => s.name === 'handler echoHandler');
    expect(handler?.parentSpanId).toBe(span.spanId);
    expect(handler?.kind).toBe(SpanKind.INTERNAL);
    expect(handler?.attributes).toEqual({ 'code.function.name': 'echoHandler', 'http.route': '/echo/:id' });
    expect(body.active).toBe(handler?.spanId);
    const work = trace.find((s) => s.name === 'work');
    expect(work?.parentSpanId).toBe(handler?.spanId);
    expect(trace).toHaveLength(3);
  });

  it('keeps the request context when the body arrives after the headers', async () => {
    let headersSeen!: () => void;
    const arrived = new Promise<void>((r) => (headersSeen = r));
    const seen: Record<string, string | undefined> = {};
    const { baseUrl } = await start(Fastify, (app) => {
      app.addHook('onRequest', async () => headersSeen());
      app.addHook('preValidation', async () => {
        seen.preValidation = tracekit.getRequestId();
      });
      app.post('/late-body', async (request: any) => ({ requestId: tracekit.getRequestId(), body: request.body }));
    });
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${baseUrl}/late-body`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'late-1', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.flushHeaders();
      // The body leaves in a later packet, once the server has run its onRequest hooks.
      void arrived.then(() => setTimeout(() => req.end(JSON.stringify({ late: true })), 20));
    });
    expect(JSON.parse(body)).toEqual({ requestId: 'late-1', body: { late: true } });
    expect(seen.preValidation).toBe('late-1');
  });

  it('traces fastify.inject() like a real request', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(tracekit.tracekitPlugin);
    app.get('/users/:id', async function getUser(request: any) {
      return { id: request.params.id, requestId: tracekit.getRequestId() };
    });
    const res = await app.inject({ method: 'GET', url: '/users/9?x=1', headers: { 'x-request-id': 'inject-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('inject-1');
    expect(res.json()).toEqual({ id: '9', requestId: 'inject-1' });
    const span = await serverSpan('inject-1');
    expect(span.name).toBe('GET /users/:id');
    expect(span.attributes['url.path']).toBe('/users/9');
    expect(span.attributes['url.query']).toBe('x=1');
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(span.attributes['tracekit.framework']).toBe('fastify');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('knows the route and handler of every route: registered before the plugin, in a prefixed plugin, with its own onRequest hooks, and its HEAD twin', async () => {
    const app = Fastify();
    // Registered before TraceKit: no route hook, the route is read from Fastify at the handler.
    app.get('/before/:id', async function beforePlugin() {
      return 'b';
    });
    await app.register(tracekit.tracekitPlugin);
    const seen: string[] = [];
    app.get('/own-hook', { onRequest: (_req: any, _rep: any, next: () => void) => (seen.push('fn'), next()) }, async function ownHook() {
      return 'o';
    });
    app.get('/own-hooks', { onRequest: [async () => void seen.push('a1'), async () => void seen.push('a2')] }, async function ownHooks() {
      return 'o';
    });
    await app.register(
      async (child: any) => {
        child.get('/items/:sku', async function getItem() {
          return 'i';
        });
      },
      { prefix: '/shop' },
    );
    apps.push(app);
    const { baseUrl } = await listen(app);
    const cases = [
      ['GET', '/before/1', 'GET /before/:id', 'beforePlugin'],
      ['GET', '/own-hook', 'GET /own-hook', 'ownHook'],
      ['GET', '/own-hooks', 'GET /own-hooks', 'ownHooks'],
      ['GET', '/shop/items/x1', 'GET /shop/items/:sku', 'getItem'],
      ['HEAD', '/shop/items/x2', 'HEAD /shop/items/:sku', 'getItem'],
    ] as const;
    for (const [method, path, name, handler] of cases) {
      const id = `route-${method}-${path.replaceAll('/', '_')}`;
      const res = await fetch(`${baseUrl}${path}`, { method, headers: { 'x-request-id': id } });
      expect(res.status, path).toBe(200);
      const span = await serverSpan(id);
      expect(span.name, path).toBe(name);
      expect(span.attributes['http.route'], path).toBe(name.split(' ')[1]);
      expect(span.attributes['code.function.name'], path).toBe(handler);
      const child = (await tracing.spans()).find((s) => s.parentSpanId === span.spanId && s.name === `handler ${handler}`);
      expect(child, `${path} handler span`).toBeDefined();
    }
    // The route's own hooks still run, in order, once each.
    expect(seen).toEqual(['fn', 'a1', 'a2']);
  });

  it('records errors thrown by hooks, once, and keeps the response', async () => {
    const { baseUrl } = await start(Fastify, (app) => {
      app.get('/guarded', { preHandler: async () => Promise.reject(new Error('hook failure')) }, async () => 'never');
      app.addHook('onRequest', async (request: any) => {
        if (request.url === '/early') throw new Error('onRequest failure');
      });
      app.get('/early', async () => 'never');
    });
    for (const [path, message] of [
      ['/guarded', 'hook failure'],
      ['/early', 'onRequest failure'],
    ] as const) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { 'x-request-id': `hook${path.replace('/', '-')}` } });
      expect(res.status).toBe(500);
      expect(((await res.json()) as { message: string }).message).toBe(message);
      const span = await serverSpan(`hook${path.replace('/', '-')}`);
      expect(span.name).toBe(`GET ${path}`);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('Error');
      expect(exceptions(span).map((e) => e.attributes?.['exception.message'])).toEqual([message]);
    }
  });

  it("names the not-found handler by the method, including the app's own one", async () => {
    const { baseUrl } = await start(Fastify, (app) => {
      app.setNotFoundHandler(function notFound(_request: any, reply: any) {
        reply.code(404).send({ missing: true, requestId: tracekit.getRequestId() });
      });
    });
    const res = await fetch(`${baseUrl}/nowhere?a=b`, { method: 'POST', headers: { 'x-request-id': 'nf-1' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ missing: true, requestId: 'nf-1' });
    const span = await serverSpan('nf-1');
    expect(span.name).toBe('POST');
    expect(span.attributes['http.route']).toBeUndefined();
    expect(span.attributes['code.function.name']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect((await tracing.spans()).filter((s) => s.traceId === span.traceId)).toHaveLength(1);
  });

  it('marks 5xx replies as errors without an exception event, and leaves 4xx unset', async () => {
    const { baseUrl } = await start(Fastify, (app) => {
      app.get('/unavailable', async (_request: any, reply: any) => reply.code(503).send('down'));
      app.get('/bad', async (_request: any, reply: any) => reply.code(400).send({ error: 'bad' }));
    });
    await fetch(`${baseUrl}/unavailable`, { headers: { 'x-request-id': 's-503' } });
    await fetch(`${baseUrl}/bad`, { headers: { 'x-request-id': 's-400' } });
    const down = await serverSpan('s-503');
    expect(down.status.code).toBe(SpanStatusCode.ERROR);
    expect(down.attributes['error.type']).toBe('503');
    expect(exceptions(down)).toHaveLength(0);
    const bad = await serverSpan('s-400');
    expect(bad.status.code).toBe(SpanStatusCode.UNSET);
    expect(bad.attributes['error.type']).toBeUndefined();
  });

  it("records an error the app's error handler turns into a response, and leaves that response alone", async () => {
    const { baseUrl } = await start(Fastify, (app) => {
      app.setErrorHandler((error: Error, _request: any, reply: any) => {
        reply.code(502).send({ handled: error.message });
      });
      app.get('/fails', async function fails() {
        throw new TypeError('upstream broke');
      });
    });
    const res = await fetch(`${baseUrl}/fails`, { headers: { 'x-request-id': 'eh-1' } });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ handled: 'upstream broke' });
    const span = await serverSpan('eh-1');
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(exceptions(span)).toHaveLength(1);
    const handler = (await tracing.spans()).find((s) => s.traceId === span.traceId && s.name === 'handler fails');
    expect(handler?.status.code).toBe(SpanStatusCode.ERROR);
    expect(exceptions(handler as ReadableSpan)).toHaveLength(1);
  });

  it('ends the span of a request the client aborted, with error.type aborted', async () => {
    let signalStarted!: () => void;
    const started = new Promise<void>((r) => (signalStarted = r));
    const { baseUrl } = await start(Fastify, (app) => {
      app.get('/slow', async (request: any) => {
        signalStarted();
        await new Promise((r) => request.raw.once('close', r));
        return 'late';
      });
    });
    await abortAfterStart(baseUrl, '/slow', started);
    const span = await serverSpan('abort-slow');
    expect(span.name).toBe('GET /slow');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
    const handler = (await tracing.spans()).find((s) => s.traceId === span.traceId && s.name === 'handler GET /slow');
    expect(handler).toBeDefined();
  });

  it('ends the span of a request cut by connectionTimeout, with error.type timeout', async () => {
    const { baseUrl } = await start(
      Fastify,
      (app) => {
        app.get('/hang', async (request: any) => {
          await new Promise((r) => request.raw.once('close', r));
          return 'late';
        });
      },
      {},
      { connectionTimeout: 50 },
    );
    const res = await new Promise<string>((resolve) => {
      http.get(`${baseUrl}/hang`, { headers: { 'x-request-id': 'timeout-1' } }).on('error', (e) => resolve(String((e as NodeJS.ErrnoException).code)));
    });
    expect(res).toBe('ECONNRESET');
    const span = await serverSpan('timeout-1');
    expect(span.name).toBe('GET /hang');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('timeout');
  });

  it('gives requestHook the request, responseHook the reply and spanName the request', async () => {
    const calls: string[] = [];
    const { baseUrl } = await start(
      Fastify,
      (app) => {
        app.get('/named/:id', async () => 'ok');
      },
      {
        requestHook: (span, request) => {
          calls.push(`request ${request.routeOptions.url}`);
          span.setAttribute('app.tenant', String(request.headers['x-tenant']));
        },
        responseHook: (span, reply) => {
          calls.push(`response ${reply.statusCode}`);
          span.setAttribute('app.sent', reply.sent);
        },
        spanName: (request) => `custom ${request.method}`,
        ignore: (request) => request.headers['x-skip'] === '1',
      },
    );
    await fetch(`${baseUrl}/named/1`, { headers: { 'x-request-id': 'hooks-1', 'x-tenant': 'acme' } });
    await fetch(`${baseUrl}/named/2`, { headers: { 'x-request-id': 'hooks-2', 'x-skip': '1' } });
    const span = await serverSpan('hooks-1');
    expect(span.name).toBe('custom GET');
    expect(span.attributes['app.tenant']).toBe('acme');
    expect(span.attributes['app.sent']).toBe(true);
    expect(calls).toEqual(['request /named/:id', 'response 200']);
    await sleep(20);
    expect((await tracing.spans()).filter((s) => s.attributes['tracekit.request_id'] === 'hooks-2')).toHaveLength(0);
  });

  it('traces once when registered twice, and covers routes of encapsulated plugins', async () => {
    const { baseUrl } = await start(Fastify, async (app) => {
      await app.register(async (child: any) => {
        await child.register(tracekit.tracekitPlugin);
        child.get('/inner/:x', async function inner() {
          return 'ok';
        });
      });
    });
    await fetch(`${baseUrl}/inner/1`, { headers: { 'x-request-id': 'twice-1' } });
    const span = await serverSpan('twice-1');
    expect(span.name).toBe('GET /inner/:x');
    const trace = (await tracing.spans()).filter((s) => s.traceId === span.traceId);
    expect(trace.map((s) => s.name).sort()).toEqual(['GET /inner/:x', 'handler inner']);
  });

  it('fails at registration on a bad option, naming it', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(tracekit.tracekitPlugin, { requestHook: 'nope' as never })).rejects.toThrow(/requestHook/);
  });
});

describe('Fastify 5 handlerTimeout', () => {
  it('records the timeout error Fastify replies with', async () => {
    const { baseUrl } = await start(
      fastify5 as unknown as FastifyFactory,
      (app) => {
        app.get('/stuck', async (request: any) => {
          await new Promise((r) => request.signal.addEventListener('abort', r));
          return 'late';
        });
      },
      {},
      { handlerTimeout: 30 },
    );
    const res = await fetch(`${baseUrl}/stuck`, { headers: { 'x-request-id': 'ht-1' } });
    expect(res.status).toBe(503);
    const span = await serverSpan('ht-1');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(503);
    expect(span.attributes['error.type']).toBe('FastifyError');
    expect(exceptions(span).map((e) => e.attributes?.['exception.message'])).toEqual(["Request timed out after 30 ms on route '/stuck'"]);
  });
});
