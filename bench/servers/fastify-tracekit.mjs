import Fastify from 'fastify';
import { createRequire } from 'node:module';
import * as tracekit from '@tracekit/fastify';

const ready = createRequire(import.meta.url)('./ready.cjs');
tracekit.init({ serviceName: 'bench-fastify' });
const app = Fastify();
await app.register(tracekit.tracekitPlugin);
app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
ready(app.server);
