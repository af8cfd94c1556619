import Router from '@koa/router';
import type { AddressInfo } from 'node:net';
import type { ConformanceApp } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Koa's constructor, from Koa 3 (`koa`) or Koa 2 (the `koa2` alias). */
export type KoaClass = new () => any;

/** Builds the conformance kit's routes on Koa with @koa/router, the adapter wired with `options`. */
export function buildConformanceApp(Koa: KoaClass, options: tracekit.KoaOptions<any>): any {
  const app = new Koa();
  app.silent = true;
  app.use(tracekit.koa(options));
  const router = new Router();
  router.get('/health', (ctx: any) => {
    ctx.body = 'ok';
  });
  router.get('/users/:id', async function getUser(ctx: any) {
    await tracekit.withSpan('db.query', async () => sleep(1), { 'db.system.name': 'test' });
    ctx.body = { id: ctx.params.id, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  });
  // A nested router under a prefixed one: the template is /api + /items + /:itemId.
  const items = new Router();
  items.get('/:itemId', (ctx: any) => {
    ctx.body = { itemId: ctx.params.itemId };
  });
  const api = new Router({ prefix: '/api' });
  api.use('/items', items.routes());
  router.get('/errors/sync', () => {
    throw new Error('sync failure');
  });
  router.get('/errors/async', async () => {
    await sleep(1);
    throw new Error('async failure');
  });
  router.get('/errors/client', (ctx: any) => ctx.throw(404, 'item not found'));
  router.get('/context/:n', async (ctx: any) => {
    await sleep(Math.random() * 15);
    await tracekit.withSpan('step', async () => sleep(1));
    ctx.body = { n: ctx.params.n, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  });
  app.use(router.routes());
  app.use(api.routes());
  return app;
}

/** Listens on 127.0.0.1, port 0. */
export async function listen(app: any): Promise<ConformanceApp> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
