// The official instrumentation for Hono: @hono/otel's middleware on the OpenTelemetry SDK. The
// middleware starts the SERVER span itself, so instrumentation-http stays off (with it on, every
// request would have two SERVER spans).
import { serve } from '@hono/node-server';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { Hono } from 'hono';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('./otel-setup.cjs')([], { http: false });
const ready = require('./ready.cjs');
const app = new Hono();
app.use(httpInstrumentationMiddleware({ serviceName: 'bench-hono' }));
app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), name: 'Ada' }));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, () => ready(server));
