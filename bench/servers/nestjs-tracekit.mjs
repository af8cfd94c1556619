import { createRequire } from 'node:module';
import { startNest } from './nestjs-app.mjs';

// Required (CommonJS build) after nestjs-app.mjs, so the adapter runs on the same NestJS 11.
const tracekit = createRequire(import.meta.url)('@tracekit/nestjs');
tracekit.init({ serviceName: 'bench-nestjs' });
await startNest([tracekit.TracekitModule.forRoot()]);
