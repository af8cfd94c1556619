import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AddressInfo } from 'node:net';
import type { ConformanceApp } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The conformance kit's routes on Hono, with the adapter wired with `options`. */
export function buildConformanceApp(options: tracekit.HonoOptions): Hono {
  const app = new Hono();
  app.use(tracekit.hono(options));
  app.get('/health', (c) => c.text('ok'));
  app.get('/users/:id', async (c) => {
    await tracekit.withSpan('db.query', async () => sleep(1), { 'db.system.name': 'test' });
    return c.json({ id: c.req.param('id'), requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() });
  });
  const api = new Hono();
  api.get('/items/:itemId', (c) => c.json({ itemId: c.req.param('itemId') }));
  app.route('/api', api);
  app.get('/errors/sync', () => {
    throw new Error('sync failure');
  });
  app.get('/errors/async', async () => {
    await sleep(1);
    throw new Error('async failure');
  });
  app.get('/errors/client', () => {
    throw new HTTPException(404, { message: 'item not found' });
  });
  app.get('/context/:n', async (c) => {
    await sleep(Math.random() * 15);
    await tracekit.withSpan('step', async () => sleep(1));
    return c.json({ n: c.req.param('n'), requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() });
  });
  return app;
}

/** Serves `app` over @hono/node-server on 127.0.0.1, port 0. */
export async function listen(app: Hono): Promise<ConformanceApp> {
  const info = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const s = server;
  return {
    baseUrl: `http://127.0.0.1:${info.port}`,
    close: () => new Promise<void>((resolve) => s?.close(() => resolve())),
  };
}
let server: ReturnType<typeof serve> | undefined;
