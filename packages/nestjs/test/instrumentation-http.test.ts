/**
 * One SERVER span per request when the app also runs OpenTelemetry's instrumentation-http: on
 * both platforms the Nest adapter enriches the span instrumentation-http started (a real
 * NodeTracerProvider and HttpInstrumentation), and Nest's pipeline spans hang from it.
 */
import 'reflect-metadata';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdown } from '@tracekit/core/adapter';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import { expressPlatform, startNestApp, type PlatformFactory } from './conformance-app.js';
import { startInstrumentationHttp } from '../../../test-support/instrumentation-http.js';

const sdk = startInstrumentationHttp();
const { sdkSpans, sdkServer } = sdk;

let tracing: TestTracing;
beforeAll(async () => {
  tracing = await setupTestTracing();
});
afterAll(async () => {
  await shutdown();
  await sdk.stop();
});

const platforms: Array<[string, PlatformFactory]> = [
  ['platform-express', expressPlatform],
  ['platform-fastify', () => new FastifyAdapter()],
];

for (const [name, platform] of platforms) {
  describe(`NestJS 12 on ${name} with instrumentation-http`, () => {
    let app: Awaited<ReturnType<typeof startNestApp>>;
    beforeAll(async () => {
      app = await startNestApp({}, platform);
    });
    afterAll(() => app.close());

    it('enriches the SERVER span instrumentation-http started; the handler span hangs from it', async () => {
      sdkSpans.reset();
      tracing.reset();
      const res = await fetch(`${app.baseUrl}/api/items/7`);
      const server = await sdkServer(res.headers.get('x-request-id') as string);
      expect(sdkSpans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);
      const own = await tracing.spans();
      expect(own.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(0);
      expect(server.instrumentationScope.name).toBe('@opentelemetry/instrumentation-http');
      expect(server.name).toBe('GET /api/items/:itemId');
      expect(server.attributes['code.function.name']).toBe('ItemsController.findOne');
      expect(server.attributes['tracekit.framework']).toBe('nestjs');
      expect(own.find((s) => s.name === 'handler ItemsController.findOne')?.parentSpanId).toBe(server.spanContext().spanId);
    });

    it('records a 5xx exception on it and leaves a 4xx one alone', async () => {
      const failed = await fetch(`${app.baseUrl}/errors/async`);
      const broken = await sdkServer(failed.headers.get('x-request-id') as string);
      expect(broken.status.code).toBe(SpanStatusCode.ERROR);
      expect(broken.attributes['error.type']).toBe('Error');
      expect(broken.events.filter((e) => e.name === 'exception').map((e) => e.attributes?.['exception.message'])).toEqual(['async failure']);
      const missing = await fetch(`${app.baseUrl}/errors/client`);
      const notFound = await sdkServer(missing.headers.get('x-request-id') as string);
      expect(notFound.status.code).toBe(SpanStatusCode.UNSET);
      expect(notFound.events).toEqual([]);
    });
  });
}
