import type { ConformanceApp } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The factory of Fastify 4 or 5 (`fastify` or the `fastify4` alias). */
export type FastifyFactory = (options?: Record<string, unknown>) => any;

/** Builds the conformance kit's routes on Fastify, with the plugin registered with `options`. */
export async function buildConformanceApp(Fastify: FastifyFactory, options: tracekit.FastifyOptions, serverOptions: Record<string, unknown> = {}): Promise<any> {
  const app = Fastify(serverOptions);
  await app.register(tracekit.tracekitPlugin, options);
  app.get('/health', async (_request: any, reply: any) => reply.type('text/plain').send('ok'));
  app.get('/users/:id', async function getUser(request: any) {
    await tracekit.withSpan('db.query', async () => sleep(1), { 'db.system.name': 'test' });
    return { id: request.params.id, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  });
  await app.register(
    async (api: any) => {
      api.get('/items/:itemId', async (request: any) => ({ itemId: request.params.itemId }));
    },
    { prefix: '/api' },
  );
  app.get('/errors/sync', () => {
    throw new Error('sync failure');
  });
  app.get('/errors/async', async () => {
    await sleep(1);
    throw new Error('async failure');
  });
  app.get('/errors/client', async () => {
    throw Object.assign(new Error('item not found'), { statusCode: 404 });
  });
  app.get('/context/:n', async (request: any) => {
    await sleep(Math.random() * 15);
    await tracekit.withSpan('step', async () => sleep(1));
    return { n: request.params.n, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  });
  return app;
}

/** Listens on 127.0.0.1, port 0. */
export async function listen(app: any): Promise<ConformanceApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() };
}
