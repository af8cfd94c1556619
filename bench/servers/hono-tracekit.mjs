import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createRequire } from 'node:module';
import * as tracekit from '@tracekit/hono';

const ready = createRequire(import.meta.url)('./ready.cjs');
tracekit.init({ serviceName: 'bench-hono' });
const app = new Hono();
app.use(tracekit.hono());
app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), name: 'Ada' }));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, () => ready(server));
