import Fastify from 'fastify';
import { createRequire } from 'node:module';

const ready = createRequire(import.meta.url)('./ready.cjs');
const app = Fastify();
app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
ready(app.server);
