// A small shop API on Fastify, traced by TraceKit. Run it with `npm start` (from this folder)
// and look at the traces with `npx tracekit view` once it has served a few requests.
import Fastify from 'fastify';
import * as tracekit from '@tracekit/fastify';

tracekit.init({ serviceName: 'shop-api-fastify' });

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

// Fastify's logger is pino: the mixin puts trace_id, span_id and request_id on request.log lines.
const app = Fastify({ logger: { mixin: tracekit.pinoMixin() } });
// First, so that every route (and every plugin registered after it) is traced.
await app.register(tracekit.tracekitPlugin, { ignore: ['/health'] });

app.get('/health', async () => 'ok');

app.get('/users/:id', async function getUser(request, reply) {
  const user = await db('users.findById', () => users.get(request.params.id));
  if (!user) return reply.code(404).send({ error: 'no such user' });
  tracekit.setMetadata({ userId: user.id });
  request.log.info({ userId: user.id }, 'user loaded');
  return user;
});

// An encapsulated plugin with a prefix: its spans are named /api/orders/...
await app.register(async function ordersPlugin(api) {
  api.get('/:orderId', async function getOrder(request, reply) {
    const order = await db('orders.findById', () => orders.get(request.params.orderId));
    if (!order) return reply.code(404).send({ error: 'no such order' });
    return order;
  });
  api.post('/', async function createOrder(request, reply) {
    const id = String(orders.size + 100);
    const order = { id, userId: String(request.body?.userId ?? '1'), total: Number(request.body?.total ?? 0) };
    await db('orders.insert', () => orders.set(id, order));
    return reply.code(201).send(order);
  });
  // An outbound call to another service (here, this same app): a CLIENT span carrying traceparent.
  api.get('/:orderId/shipping', async function getShipping(request) {
    const port = request.socket.localPort;
    const quote = await fetch(`http://127.0.0.1:${port}/internal/shipping/${request.params.orderId}`).then((r) => r.json());
    return { orderId: request.params.orderId, ...quote };
  });
}, { prefix: '/api/orders' });

app.get('/internal/shipping/:orderId', async () => ({ carrier: 'parcel-post', days: 2 }));

app.get('/checkout/fail', async function checkout() {
  await db('payments.charge', () => undefined);
  throw new Error('payment provider unavailable');
});

// The app's own error handler still runs, after TraceKit recorded the error.
app.setErrorHandler((error, request, reply) => {
  reply.code(error.statusCode ?? 500).send({ error: error.message, requestId: tracekit.getRequestId() });
});

const port = Number(process.env.PORT ?? 3000);
await app.listen({ port, host: '127.0.0.1' });
console.log(`shop-api-fastify listening on http://127.0.0.1:${app.server.address().port}`);
