// A small shop API on NestJS, traced by TraceKit. Run it with `npm start` (from this folder) and
// look at the traces with `npx tracekit view` once it has served a few requests.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import * as tracekit from '@tracekit/nestjs';
import { AppModule } from './app.module.js';

tracekit.init({ serviceName: 'shop-api' });

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`shop-api listening on ${await app.getUrl()}`);
