import Router from '@koa/router';
import Koa from 'koa';
import { createRequire } from 'node:module';

const ready = createRequire(import.meta.url)('./ready.cjs');
const app = new Koa();
const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id, name: 'Ada' };
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => ready(server));
