// The official instrumentation for Koa: @opentelemetry/instrumentation-koa (with
// instrumentation-http) on the OpenTelemetry SDK. It patches Koa through require hooks, so Koa
// and @koa/router are loaded with require() after the SDK is set up.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { KoaInstrumentation } = require('@opentelemetry/instrumentation-koa');
require('./otel-setup.cjs')([new KoaInstrumentation()]);
const Koa = require('koa');
const Router = require('@koa/router');
const ready = require('./ready.cjs');

const app = new Koa();
const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id, name: 'Ada' };
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => ready(server));
