import type { AddressInfo } from 'node:net';
import type { ConformanceApp } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The conformance kit's routes on Express (4 or 5, whichever `express` is given). */
export async function startExpressApp(express: any, options: tracekit.ExpressOptions): Promise<ConformanceApp> {
  const app = express();
  app.use(tracekit.express(options));
  app.get('/health', (_req: any, res: any) => res.type('text').send('ok'));
  app.get('/users/:id', async function getUser(req: any, res: any, next: any) {
    try {
      await tracekit.withSpan('db.query', async () => sleep(1), { 'db.system.name': 'test' });
      res.json({ id: req.params.id, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() });
    } catch (e) {
      next(e);
    }
  });
  const api = express.Router();
  api.get('/items/:itemId', (req: any, res: any) => res.json({ itemId: req.params.itemId }));
  app.use('/api', api);
  app.get('/errors/sync', () => {
    throw new Error('sync failure');
  });
  // Express 4 does not route rejected promises to error handlers; pass the error on explicitly there.
  app.get('/errors/async', (_req: any, _res: any, next: any) => {
    const run = async () => {
      await sleep(1);
      throw new Error('async failure');
    };
    run().catch(next);
  });
  app.get('/errors/client', (_req: any, _res: any, next: any) => next(Object.assign(new Error('item not found'), { status: 404 })));
  app.get('/context/:n', async (req: any, res: any) => {
    await sleep(Math.random() * 15);
    await tracekit.withSpan('step', async () => sleep(1));
    res.json({ n: req.params.n, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() });
  });
  app.use(tracekit.expressErrorHandler());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
