// The official instrumentation for Fastify: @fastify/otel, registered as a plugin, on the
// OpenTelemetry SDK with instrumentation-http (which @fastify/otel requires for the SERVER span).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FastifyOtelInstrumentation = require('@fastify/otel');
const fastifyOtel = new FastifyOtelInstrumentation();
require('./otel-setup.cjs')([fastifyOtel]);
// Required after the SDK is set up, so instrumentation-http patches node:http first.
const Fastify = require('fastify');
const ready = require('./ready.cjs');

const app = Fastify();
await app.register(fastifyOtel.plugin());
app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
ready(app.server);
