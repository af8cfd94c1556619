// A small shop API on Hono and @hono/node-server, traced by TraceKit. Run it with `npm start`
// (from this folder) and look at the traces with `npx tracekit view` once it has served a few requests.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as tracekit from '@tracekit/hono';

tracekit.init({ serviceName: 'shop-api' });

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

const app = new Hono();
app.use(tracekit.hono());

app.get('/users/:id', async function getUser(c) {
  const user = await db('users.findById', () => users.get(c.req.param('id')));
  if (!user) throw new HTTPException(404, { message: 'no such user' });
  tracekit.setMetadata({ userId: user.id });
  return c.json(user);
});

// A sub-app mounted with app.route(): its spans carry the whole template (GET /api/orders/:orderId).
const ordersApi = new Hono();
ordersApi.get('/:orderId', async function getOrder(c) {
  const order = await db('orders.findById', () => orders.get(c.req.param('orderId')));
  if (!order) throw new HTTPException(404, { message: 'no such order' });
  return c.json(order);
});
ordersApi.post('/', async function createOrder(c) {
  const body = await c.req.json().catch(() => ({}));
  const id = String(orders.size + 100);
  const order = { id, userId: String(body.userId ?? '1'), total: Number(body.total ?? 0) };
  await db('orders.insert', () => orders.set(id, order));
  return c.json(order, 201);
});
// An outbound call to another service (here, this same app): a CLIENT span carrying traceparent.
ordersApi.get('/:orderId/shipping', async function getShipping(c) {
  const port = c.env.incoming.socket.localPort;
  const quote = await fetch(`http://127.0.0.1:${port}/internal/shipping/${c.req.param('orderId')}`).then((r) => r.json());
  return c.json({ orderId: c.req.param('orderId'), ...quote });
});
app.route('/api/orders', ordersApi);

app.get('/internal/shipping/:orderId', (c) => c.json({ carrier: 'parcel-post', days: 2 }));

app.get('/checkout/fail', async function checkout() {
  await db('payments.charge', () => undefined);
  throw new Error('payment provider unavailable');
});

// The app's own error handler still answers; TraceKit has seen the error through c.error.
app.onError((err, c) => {
  const status = err instanceof HTTPException ? err.status : 500;
  return c.json({ error: err.message, requestId: tracekit.getRequestId() }, status);
});

const port = Number(process.env.PORT ?? 3000);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`shop-api listening on http://127.0.0.1:${info.port}`);
});
