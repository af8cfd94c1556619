import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException, Param, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import type { ConformanceApp } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

@Controller('users')
class UsersController {
  @Get(':id')
  async findOne(@Param('id') id: string) {
    await tracekit.withSpan('db.query', async () => sleep(1), { 'db.system.name': 'test' });
    return { id, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  }
}

@Controller('api/items')
class ItemsController {
  @Get(':itemId')
  findOne(@Param('itemId') itemId: string) {
    return { itemId };
  }
}

@Controller('errors')
class ErrorsController {
  @Get('sync')
  sync() {
    throw new Error('sync failure');
  }

  @Get('async')
  async async() {
    await sleep(1);
    throw new Error('async failure');
  }

  @Get('client')
  client() {
    throw new NotFoundException('item not found');
  }
}

@Controller()
class MiscController {
  @Get('health')
  health() {
    return 'ok';
  }

  @Get('context/:n')
  async context(@Param('n') n: string) {
    await sleep(Math.random() * 15);
    await tracekit.withSpan('step', async () => sleep(1));
    return { n, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  }
}

/** The conformance kit's controllers. */
export const conformanceControllers = [UsersController, ItemsController, ErrorsController, MiscController];

/** An HTTP platform for Nest: a fresh Express or Fastify adapter. */
export type PlatformFactory = () => any;
export const expressPlatform: PlatformFactory = () => new ExpressAdapter();

/** Starts a Nest app on 127.0.0.1, port 0. */
export async function listenNest(module: unknown, platform: PlatformFactory): Promise<{ app: INestApplication; baseUrl: string; close(): Promise<void> }> {
  const app = await NestFactory.create(module as never, platform(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The conformance app: the kit's routes with TracekitModule.forRoot(options). */
export async function startNestApp(options: tracekit.NestjsOptions, platform: PlatformFactory): Promise<ConformanceApp> {
  @Module({ imports: [tracekit.TracekitModule.forRoot(options)], controllers: conformanceControllers })
  class AppModule {}
  return listenNest(AppModule, platform);
}
