// The official instrumentation for NestJS: @opentelemetry/instrumentation-nestjs-core with
// instrumentation-http on the OpenTelemetry SDK, set up before NestJS is required.
import { createRequire } from 'node:module';
import { startNest } from './nestjs-app.mjs';

const require = createRequire(import.meta.url);
const { NestInstrumentation } = require('@opentelemetry/instrumentation-nestjs-core');
require('./otel-setup.cjs')([new NestInstrumentation()]);
await startNest();
