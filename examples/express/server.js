// A small shop API traced by TraceKit. Run it with `npm start` (from this folder) and look at
// the traces with `npx tracekit view` once it has served a few requests.
import express from 'express';
import pino from 'pino';
import * as tracekit from '@tracekit/express';

tracekit.init({ serviceName: 'shop-api' });
// Log correlation: every line logged inside a request carries trace_id, span_id and request_id.
const logger = pino({ mixin: tracekit.pinoMixin() });

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

const app = express();
app.use(tracekit.express());
app.use(express.json());

app.get('/users/:id', async function getUser(req, res) {
  const user = await db('users.findById', () => users.get(req.params.id));
  if (!user) return res.status(404).json({ error: 'no such user' });
  tracekit.setMetadata({ userId: user.id });
  logger.info({ userId: user.id }, 'user loaded');
  res.json(user);
});

const ordersRouter = express.Router();
ordersRouter.get('/:orderId', async function getOrder(req, res) {
  const order = await db('orders.findById', () => orders.get(req.params.orderId));
  if (!order) return res.status(404).json({ error: 'no such order' });
  res.json(order);
});
ordersRouter.post('/', async function createOrder(req, res) {
  const id = String(orders.size + 100);
  const order = { id, userId: String(req.body?.userId ?? '1'), total: Number(req.body?.total ?? 0) };
  await db('orders.insert', () => orders.set(id, order));
  // Code monitoring (TRACEKIT_CODE_MONITORING=true): a snapshot of the order and the request body,
  // redacted, at most once a second. Off, or disarmed with `npx tracekit breakpoints disable <id>`,
  // this is a flag check and the callback does not run (docs/code-monitoring.md).
  tracekit.captureSnapshot('orders.create', () => ({ order, body: req.body }));
  res.status(201).json(order);
});
// An outbound call to another service (here, this same app): a CLIENT span carrying traceparent.
ordersRouter.get('/:orderId/shipping', async function getShipping(req, res) {
  const port = req.socket.localPort;
  const quote = await fetch(`http://127.0.0.1:${port}/internal/shipping/${req.params.orderId}`).then((r) => r.json());
  res.json({ orderId: req.params.orderId, ...quote });
});
app.use('/api/orders', ordersRouter);

app.get('/internal/shipping/:orderId', (req, res) => res.json({ carrier: 'parcel-post', days: 2 }));

app.get('/checkout/fail', async function checkout() {
  await db('payments.charge', () => undefined);
  throw new Error('payment provider unavailable');
});

app.use(tracekit.expressErrorHandler());
// The app's own error handler still runs, after TraceKit recorded the error.
app.use((err, req, res, _next) => {
  res.status(err.status ?? 500).json({ error: err.message, requestId: tracekit.getRequestId() });
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`shop-api listening on http://127.0.0.1:${server.address().port}`);
});
