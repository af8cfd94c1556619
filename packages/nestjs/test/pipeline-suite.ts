/**
 * The NestJS pipeline suite: guards, interceptors, pipes, the handler, exceptions and filters,
 * run by this package against NestJS 12 (both platforms) and by tests/nest11 against NestJS 11.
 */
import 'reflect-metadata';
import { context as otel, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  Body,
  Catch,
  Controller,
  ForbiddenException,
  Get,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Post,
  ServiceUnavailableException,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
  type PipeTransform,
  RequestMethod,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import http from 'node:http';
import { delay, map, of, type Observable } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shutdown, type ReadableSpan } from '@tracekit/core/adapter';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';
import { listenNest, type PlatformFactory } from './conformance-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

@Injectable()
class SlowGuard implements CanActivate {
  async canActivate(): Promise<boolean> {
    await sleep(20);
    return true;
  }
}

@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const mode = req.headers['x-guard'];
    if (mode === 'deny') return false;
    if (mode === 'unauthorized') throw new UnauthorizedException('who are you');
    if (mode === 'crash') throw new Error('guard crashed');
    return true;
  }
}

@Injectable()
class TimingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(delay(5));
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  async intercept(_context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    await sleep(5);
    return next.handle().pipe(map((data) => ({ data })));
  }
}

@Injectable()
class SlowPipe implements PipeTransform {
  async transform(value: unknown) {
    await sleep(15);
    return value;
  }
}

class Teapot extends Error {}

@Catch(Teapot)
class TeapotFilter implements ExceptionFilter {
  catch(_err: Teapot, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<any>();
    // Express's response or Fastify's reply.
    if (typeof res.code === 'function') res.code(418).header('content-type', 'application/json').send('{"brewed":false}');
    else res.status(418).json({ brewed: false });
  }
}

/** Like a pooled client's callback: continues the request outside its async context. */
@Injectable()
class ForgetfulMiddleware implements NestMiddleware {
  use(_req: unknown, _res: unknown, next: () => void) {
    otel.with(ROOT_CONTEXT, () => setImmediate(next));
  }
}

@Controller('orders')
@UseGuards(HeaderGuard)
class OrdersController {
  @Get(':id')
  @UseInterceptors(WrapInterceptor)
  async findOne(@Param('id', ParseIntPipe, SlowPipe) id: number) {
    await sleep(30);
    return { id, requestId: tracekit.getRequestId() };
  }

  @Post()
  create(@Body() body: { name: string }) {
    return { name: body.name, requestId: tracekit.getRequestId() };
  }

  @Get('stream/:n')
  stream(@Param('n') n: string): Observable<{ n: string }> {
    return of({ n }).pipe(delay(25));
  }

  @Get('teapot/brew')
  @UseFilters(TeapotFilter)
  brew() {
    throw new Teapot('no tea');
  }

  @Get('down/now')
  down() {
    throw new ServiceUnavailableException('maintenance');
  }

  @Get('forbidden/now')
  forbidden() {
    throw new ForbiddenException('not yours');
  }
}

@Module({
  imports: [tracekit.TracekitModule.forRoot({ ignore: ['/health'] })],
  controllers: [OrdersController],
  providers: [
    { provide: APP_GUARD, useClass: SlowGuard },
    { provide: APP_INTERCEPTOR, useClass: TimingInterceptor },
  ],
})
class AppModule {}

@Controller('plain')
class PlainController {
  @Post()
  create(@Body() body: { name: string }) {
    return { name: body.name, requestId: tracekit.getRequestId(), traceId: tracekit.getTraceId() };
  }
}

/** No guards, interceptors or pipes, and a middleware that loses the request's context. */
@Module({ imports: [tracekit.TracekitModule.forRoot()], controllers: [PlainController] })
class PlainModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(ForgetfulMiddleware).forRoutes(PlainController);
  }
}

let tracing: TestTracing;

async function traceOf(requestId: string): Promise<{ server: ReadableSpan; spans: ReadableSpan[] }> {
  for (let i = 0; i < 100; i++) {
    const all = await tracing.spans();
    const server = all.find((s) => s.kind === SpanKind.SERVER && s.attributes['tracekit.request_id'] === requestId);
    if (server) return { server, spans: all.filter((s) => s.traceId === server.traceId) };
    await sleep(10);
  }
  throw new Error(`no SERVER span for ${requestId}`);
}

/** POSTs `body` 30 ms after the request head. */
function postLate(url: string, requestId: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.flushHeaders();
    setTimeout(() => req.end(body), 30);
  });
}

const ms = (s: ReadableSpan) => s.endTime - s.startTime;
const byName = (spans: ReadableSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(found.map((s) => s.name), `exactly one span "${name}"`).toEqual([name]);
  return found[0] as ReadableSpan;
};
const contains = (outer: ReadableSpan, inner: ReadableSpan) => {
  expect(inner.startTime).toBeGreaterThanOrEqual(outer.startTime);
  expect(inner.endTime).toBeLessThanOrEqual(outer.endTime);
};

/** Runs the suite on each platform; `nest` labels the NestJS version. */
export function pipelineSuite(nest: string, platforms: Array<[string, PlatformFactory]>): void {
  beforeAll(async () => {
    tracing = await setupTestTracing();
  });
  afterAll(() => shutdown());

  for (const [platformName, platform] of platforms) {
    describe(`${nest} on ${platformName}`, () => {
      let base: string;
      let close: () => Promise<void>;
      beforeAll(async () => {
        const started = await listenNest(AppModule, platform);
        base = started.baseUrl;
        close = started.close;
      });
      afterAll(() => close());
      afterEach(() => tracing.reset());

      async function get(path: string, headers: Record<string, string> = {}) {
        const res = await fetch(`${base}${path}`, { headers });
        const id = res.headers.get('x-request-id') as string;
        return { res, body: await res.text(), ...(await traceOf(id)) };
      }

      it('spans guards, interceptors, pipes and the handler, nested as Nest runs them, each as long as its work', async () => {
        const { res, body, server, spans } = await get('/orders/7');
        expect(res.status).toBe(200);
        expect(JSON.parse(body)).toEqual({ data: { id: 7, requestId: server.attributes['tracekit.request_id'] } });
        expect(server.name).toBe('GET /orders/:id');
        expect(server.attributes['http.route']).toBe('/orders/:id');
        expect(server.attributes['code.function.name']).toBe('OrdersController.findOne');
        expect(spans.map((s) => s.name).sort()).toEqual(
          [
            'GET /orders/:id',
            'guard SlowGuard',
            'guard HeaderGuard',
            'interceptor TimingInterceptor',
            'interceptor WrapInterceptor',
            'handler OrdersController.findOne',
            'pipe ParseIntPipe',
            'pipe SlowPipe',
          ].sort(),
        );
        const slowGuard = byName(spans, 'guard SlowGuard');
        const headerGuard = byName(spans, 'guard HeaderGuard');
        const timing = byName(spans, 'interceptor TimingInterceptor');
        const wrap = byName(spans, 'interceptor WrapInterceptor');
        const handler = byName(spans, 'handler OrdersController.findOne');
        const parseInt = byName(spans, 'pipe ParseIntPipe');
        const slowPipe = byName(spans, 'pipe SlowPipe');
        // Guards run one after the other under the request, then the interceptors wrap pipes and handler.
        for (const s of [slowGuard, headerGuard, timing]) expect(s.parentSpanId).toBe(server.spanId);
        expect(wrap.parentSpanId).toBe(timing.spanId);
        expect(handler.parentSpanId).toBe(wrap.spanId);
        expect(parseInt.parentSpanId).toBe(handler.spanId);
        expect(slowPipe.parentSpanId).toBe(handler.spanId);
        expect(slowGuard.attributes).toEqual({ 'nestjs.type': 'guard', 'nestjs.guard.allowed': true });
        expect(parseInt.attributes).toEqual({ 'nestjs.type': 'pipe', 'nestjs.param': 'param:id' });
        expect(handler.attributes).toEqual({ 'nestjs.type': 'handler', 'code.function.name': 'OrdersController.findOne' });
        // Durations: every span lasts at least as long as the awaited work inside it.
        expect(ms(slowGuard)).toBeGreaterThanOrEqual(19);
        expect(headerGuard.startTime).toBeGreaterThanOrEqual(slowGuard.endTime);
        expect(timing.startTime).toBeGreaterThanOrEqual(headerGuard.endTime);
        expect(ms(slowPipe)).toBeGreaterThanOrEqual(14);
        expect(slowPipe.startTime).toBeGreaterThanOrEqual(parseInt.endTime);
        expect(ms(handler)).toBeGreaterThanOrEqual(44);
        contains(handler, slowPipe);
        contains(wrap, handler);
        // TimingInterceptor delays the result by 5 ms after the handler is done.
        contains(timing, wrap);
        expect(timing.endTime - handler.endTime).toBeGreaterThanOrEqual(4);
        contains(server, timing);
        for (const s of spans) expect(s.status.code).toBe(SpanStatusCode.UNSET);
      });

      it('traces a request a guard rejects: named by its route, the guard says no, no handler, no error', async () => {
        const { res, server, spans } = await get('/orders/1', { 'x-guard': 'deny' });
        expect(res.status).toBe(403);
        expect(server.name).toBe('GET /orders/:id');
        expect(server.attributes['http.response.status_code']).toBe(403);
        expect(server.attributes['code.function.name']).toBe('OrdersController.findOne');
        expect(server.status.code).toBe(SpanStatusCode.UNSET);
        expect(byName(spans, 'guard HeaderGuard').attributes['nestjs.guard.allowed']).toBe(false);
        expect(spans.map((s) => s.name).sort()).toEqual(['GET /orders/:id', 'guard HeaderGuard', 'guard SlowGuard']);
      });

      it('an HttpException with a 4xx status is not an error, wherever it is thrown', async () => {
        for (const [path, headers, status] of [
          ['/orders/1', { 'x-guard': 'unauthorized' }, 401],
          ['/orders/forbidden/now', {}, 403],
          ['/orders/abc', {}, 400],
        ] as const) {
          const { res, server, spans } = await get(path, headers);
          expect(res.status, path).toBe(status);
          for (const s of spans) {
            expect(s.status.code, `${path} ${s.name}`).toBe(SpanStatusCode.UNSET);
            expect(s.events ?? [], `${path} ${s.name}`).toEqual([]);
          }
          expect(server.attributes['error.type']).toBeUndefined();
        }
      });

      it('an HttpException with a 5xx status and an unknown exception are errors, on the SERVER span and where they were thrown', async () => {
        const down = await get('/orders/down/now');
        expect(down.res.status).toBe(503);
        expect(down.server.status).toEqual({ code: SpanStatusCode.ERROR, message: 'maintenance' });
        expect(down.server.attributes['error.type']).toBe('ServiceUnavailableException');
        expect(byName(down.spans, 'handler OrdersController.down').status.code).toBe(SpanStatusCode.ERROR);

        const crash = await get('/orders/1', { 'x-guard': 'crash' });
        expect(crash.res.status).toBe(500);
        expect(crash.server.name).toBe('GET /orders/:id');
        expect(crash.server.attributes['error.type']).toBe('Error');
        expect(crash.server.events?.map((e) => e.attributes?.['exception.message'])).toEqual(['guard crashed']);
        expect(byName(crash.spans, 'guard HeaderGuard').status).toEqual({ code: SpanStatusCode.ERROR, message: 'guard crashed' });
      });

      it("keeps the app's exception filter in charge of the response, and records the exception it handled", async () => {
        const { res, body, server } = await get('/orders/teapot/brew');
        expect(res.status).toBe(418);
        expect(JSON.parse(body)).toEqual({ brewed: false });
        expect(server.attributes['error.type']).toBe('Teapot');
        expect(server.events?.[0]?.attributes?.['exception.message']).toBe('no tea');
      });

      it('ends the handler span of an Observable result when the Observable completes', async () => {
        const { body, spans } = await get('/orders/stream/3');
        expect(JSON.parse(body)).toEqual({ n: '3' });
        expect(ms(byName(spans, 'handler OrdersController.stream'))).toBeGreaterThanOrEqual(24);
      });

      it('keeps the request context after a late body and after middleware that lost it', async () => {
        const plain = await listenNest(PlainModule, platform);
        try {
          // The body arrives after the head, so the body parser resumes from a later socket read.
          const res = await postLate(`${plain.baseUrl}/plain`, 'post-1', JSON.stringify({ name: 'tea' }));
          expect(res.status).toBe(201);
          const body = JSON.parse(res.body) as { name: string; requestId: string; traceId: string };
          const { server, spans } = await traceOf('post-1');
          expect(body).toEqual({ name: 'tea', requestId: 'post-1', traceId: server.traceId });
          expect(server.name).toBe('POST /plain');
          expect(byName(spans, 'handler PlainController.create').parentSpanId).toBe(server.spanId);
        } finally {
          await plain.close();
        }
      });

      it('names an unmatched request by its method and ignores configured paths', async () => {
        const { res, server, spans } = await get('/nowhere');
        expect(res.status).toBe(404);
        expect(server.name).toBe('GET');
        expect(server.attributes['http.route']).toBeUndefined();
        expect(spans).toHaveLength(1);
        const health = await fetch(`${base}/health`);
        expect(health.status).toBe(404);
        expect(health.headers.get('x-request-id')).toBeNull();
      });

      describe('every request dropped (sampleRate 0, tail keep-errors)', () => {
        beforeAll(async () => {
          tracing = await setupTestTracing({ sampleRate: 0, keepErrors: true });
        });
        afterAll(async () => {
          tracing = await setupTestTracing();
        });

        it('guards, interceptors, pipes and the handler run in the request’s context without spans; a failure is kept with its route and error', async () => {
          // Guards, interceptors and pipes of a dropped request run in the request's own context,
          // entered once (runIn): the handler still sees the request ID.
          const ok = await fetch(`${base}/orders/7`, { headers: { 'x-request-id': 'dropped-1' } });
          expect(ok.status).toBe(200);
          expect(JSON.parse(await ok.text())).toEqual({ data: { id: 7, requestId: 'dropped-1' } });
          const crash = await fetch(`${base}/orders/7`, { headers: { 'x-request-id': 'dropped-2', 'x-guard': 'crash' } });
          expect(crash.status).toBe(500);
          await crash.text();
          const { server, spans } = await traceOf('dropped-2');
          expect(spans).toHaveLength(1);
          expect(server.attributes['http.route']).toBe('/orders/:id');
          expect(server.attributes['tracekit.sampling.reason']).toBe('error');
          expect(server.attributes['error.type']).toBe('Error');
          expect(server.status.code).toBe(SpanStatusCode.ERROR);
          expect((await tracing.spans()).filter((s) => s.attributes['tracekit.request_id'] === 'dropped-1')).toEqual([]);
        });
      });
    });
  }
}
