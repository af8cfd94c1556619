import Router from '@koa/router';
import Koa from 'koa';
import { createRequire } from 'node:module';
import * as tracekit from '@tracekit/koa';

const ready = createRequire(import.meta.url)('./ready.cjs');
tracekit.init({ serviceName: 'bench-koa' });
const app = new Koa();
app.use(tracekit.koa());
const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id, name: 'Ada' };
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => ready(server));
