import 'reflect-metadata';
import { SpanKind } from '@opentelemetry/api';
import { Controller, Get, Injectable, Module, Param, VersioningType, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shutdown, TracekitConfigError, type ReadableSpan } from '@tracekit/core/adapter';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

@Controller('users')
class UsersController {
  @Get(':id')
  findOne(@Param('id') id: string) {
    return { id, requestId: tracekit.getRequestId() };
  }
}

@Injectable()
class Settings {
  readonly header = 'x-correlation-id';
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

@Injectable()
class OptionsFromClass implements tracekit.TracekitOptionsFactory {
  createTracekitOptions(): tracekit.NestjsOptions {
    return { requestIdHeader: 'x-trace-id', requestHook: (span, req: IncomingMessage) => span.setAttribute('app.agent', String(req.headers['user-agent'])) };
  }
}

let tracing: TestTracing;
let app: INestApplication | undefined;
beforeAll(async () => {
  tracing = await setupTestTracing();
});
afterAll(() => shutdown());
afterEach(async () => {
  await app?.close();
  app = undefined;
  tracing.reset();
});

async function serverSpan(): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const span = (await tracing.spans()).find((s) => s.kind === SpanKind.SERVER);
    if (span) return span;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no SERVER span');
}

async function listen(created: INestApplication): Promise<string> {
  app = created;
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

describe('TracekitModule', () => {
  it('forRootAsync takes options from a factory with injected providers', async () => {
    @Module({
      imports: [
        tracekit.TracekitModule.forRootAsync({
          imports: [SettingsModule],
          inject: [Settings],
          useFactory: async (settings: Settings) => ({ requestIdHeader: settings.header }),
        }),
      ],
      controllers: [UsersController],
    })
    class AppModule {}
    const base = await listen(await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false }));
    const res = await fetch(`${base}/users/5`, { headers: { 'x-correlation-id': 'corr-1' } });
    expect(res.headers.get('x-correlation-id')).toBe('corr-1');
    expect(await res.json()).toEqual({ id: '5', requestId: 'corr-1' });
    expect((await serverSpan()).attributes['tracekit.request_id']).toBe('corr-1');
  });

  it('forRootAsync takes options from a class; hooks get Node\'s request on Fastify too', async () => {
    @Module({ imports: [tracekit.TracekitModule.forRootAsync({ useClass: OptionsFromClass })], controllers: [UsersController] })
    class AppModule {}
    const base = await listen(await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false }));
    const res = await fetch(`${base}/users/6`, { headers: { 'x-trace-id': 'tr-6', 'user-agent': 'unit-agent' } });
    expect(res.headers.get('x-trace-id')).toBe('tr-6');
    const span = await serverSpan();
    expect(span.attributes['app.agent']).toBe('unit-agent');
    expect(span.name).toBe('GET /users/:id');
  });

  it('forRootAsync without a factory and bad options fail at bootstrap, naming the option', async () => {
    expect(() => tracekit.TracekitModule.forRootAsync({})).toThrow(TracekitConfigError);
    @Module({ imports: [tracekit.TracekitModule.forRoot({ requestIdHeader: 'bad header' })], controllers: [UsersController] })
    class BadModule {}
    await expect(NestFactory.create(BadModule, new ExpressAdapter(), { logger: false, abortOnError: false })).rejects.toThrow(/requestIdHeader/);
  });

  it('names spans by the full template: global prefix and URI version included', async () => {
    @Controller({ path: 'users', version: '2' })
    class UsersV2Controller {
      @Get(':id')
      findOne(@Param('id') id: string) {
        return { id };
      }
    }
    @Module({ imports: [tracekit.TracekitModule.forRoot()], controllers: [UsersV2Controller] })
    class AppModule {}
    for (const platform of [new ExpressAdapter(), new FastifyAdapter()]) {
      const created = await NestFactory.create(AppModule, platform, { logger: false });
      created.setGlobalPrefix('api');
      created.enableVersioning({ type: VersioningType.URI });
      const base = await listen(created);
      expect((await fetch(`${base}/api/v2/users/3`)).status).toBe(200);
      const span = await serverSpan();
      expect(span.name).toBe('GET /api/v2/users/:id');
      expect(span.attributes['code.function.name']).toBe('UsersV2Controller.findOne');
      await app?.close();
      app = undefined;
      tracing.reset();
    }
  });

  it('works in apps built with @nestjs/testing, where the HTTP platform comes after the providers', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [tracekit.TracekitModule.forRoot()], controllers: [UsersController] }).compile();
    const created = moduleRef.createNestApplication({ logger: false });
    const base = await listen(created);
    const res = await fetch(`${base}/users/9`);
    const body = (await res.json()) as { requestId: string };
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    const span = await serverSpan();
    expect(span.name).toBe('GET /users/:id');
    expect(span.attributes['tracekit.request_id']).toBe(body.requestId);
  });
});
