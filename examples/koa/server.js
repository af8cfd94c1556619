// A small shop API on Koa and @koa/router, traced by TraceKit. Run it with `npm start` (from
// this folder) and look at the traces with `npx tracekit view` once it has served a few requests.
import Router from '@koa/router';
import Koa from 'koa';
import * as tracekit from '@tracekit/koa';

tracekit.init({ serviceName: 'shop-api-koa' });

const users = new Map([
  ['1', { id: '1', name: 'Ada' }],
  ['2', { id: '2', name: 'Grace' }],
]);
const orders = new Map([['42', { id: '42', userId: '1', total: 99.5 }]]);

/** Stands for a database call: a child span with the query's attributes. */
function db(operation, fn) {
  return tracekit.withSpan(`db.${operation}`, async () => {
    await new Promise((r) => setTimeout(r, 2));
    return fn();
  }, { 'db.system.name': 'postgresql', 'db.operation.name': operation });
}

/** Reads a JSON request body (kept tiny so the example needs no body-parser). */
async function jsonBody(ctx) {
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  return text ? JSON.parse(text) : {};
}

const app = new Koa();
// First: every request is traced, and errors pass through it on their way out.
app.use(tracekit.koa({ ignore: ['/health'] }));

// The app's own error middleware still decides the response; TraceKit records the error.
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    ctx.status = err.status ?? 500;
    ctx.body = { error: err.expose ? err.message : 'internal error', requestId: tracekit.getRequestId() };
    if (ctx.status >= 500) ctx.app.emit('error', err, ctx);
  }
});

const router = new Router();
router.get('/health', (ctx) => {
  ctx.body = 'ok';
});
router.get('/users/:id', async function getUser(ctx) {
  const user = await db('users.findById', () => users.get(ctx.params.id));
  if (!user) ctx.throw(404, 'no such user');
  tracekit.setMetadata({ userId: user.id });
  ctx.body = user;
});
router.get('/internal/shipping/:orderId', (ctx) => {
  ctx.body = { carrier: 'parcel-post', days: 2 };
});
router.get('/checkout/fail', async function checkout() {
  await db('payments.charge', () => undefined);
  throw new Error('payment provider unavailable');
});

// A nested router under a prefixed one: spans are named /api/orders/...
const ordersRouter = new Router();
ordersRouter.get('/:orderId', async function getOrder(ctx) {
  const order = await db('orders.findById', () => orders.get(ctx.params.orderId));
  if (!order) ctx.throw(404, 'no such order');
  ctx.body = order;
});
ordersRouter.post('/', async function createOrder(ctx) {
  const body = await jsonBody(ctx);
  const id = String(orders.size + 100);
  const order = { id, userId: String(body.userId ?? '1'), total: Number(body.total ?? 0) };
  await db('orders.insert', () => orders.set(id, order));
  ctx.status = 201;
  ctx.body = order;
});
// An outbound call to another service (here, this same app): a CLIENT span carrying traceparent.
ordersRouter.get('/:orderId/shipping', async function getShipping(ctx) {
  const port = ctx.req.socket.localPort;
  const quote = await fetch(`http://127.0.0.1:${port}/internal/shipping/${ctx.params.orderId}`).then((r) => r.json());
  ctx.body = { orderId: ctx.params.orderId, ...quote };
});
const api = new Router({ prefix: '/api' });
api.use('/orders', ordersRouter.routes());

app.use(router.routes());
app.use(api.routes());
app.on('error', (err) => console.error(`request failed: ${err.message}`));

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`shop-api-koa listening on http://127.0.0.1:${server.address().port}`);
});
