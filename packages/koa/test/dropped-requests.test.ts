import Router from '@koa/router';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import koa3 from 'koa';
import koa2 from 'koa2';
import { describe, expect, it } from 'vitest';
import * as tracekit from '../src/index.js';
import { type KoaClass } from './conformance-app.js';
import { servedApps } from './served-apps.js';

// Requests that sampling drops (sampleRate 0, tail keep-errors on): a route handler runs in the
// request's own context, entered once, and what tail sampling needs still arrives.
const apps = servedApps({ sampleRate: 0, keepErrors: true });
const serve = (app: any) => apps.serve(app);

async function serverSpans() {
  await new Promise((r) => setTimeout(r, 30));
  return (await apps.tracing.spans()).filter((s) => s.kind === SpanKind.SERVER);
}

describe.each([
  ['Koa 3', koa3 as unknown as KoaClass],
  ['Koa 2', koa2 as unknown as KoaClass],
])('%s, every request dropped', (_version, Koa) => {
  it('the handler sees the request’s ID and trace; nothing is exported', async () => {
    const app = new Koa();
    app.use(tracekit.koa());
    const router = new Router();
    router.get('/who/:id', async function who(ctx: any) {
      await new Promise((r) => setTimeout(r, 1));
      const active = trace.getActiveSpan();
      ctx.body = { requestId: tracekit.getRequestId(), traceId: active?.spanContext().traceId, recording: active?.isRecording() };
    });
    app.use(router.routes());
    const res = await fetch(`${await serve(app)}/who/1`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' } });
    expect(await res.json()).toEqual({ requestId: res.headers.get('x-request-id'), traceId: '0af7651916cd43dd8448eb211c80319c', recording: false });
    expect(await serverSpans()).toEqual([]);
  });

  it('a handler that throws keeps the request, with its route, handler and error', async () => {
    const app = new Koa();
    app.use(tracekit.koa());
    app.use(async (ctx: any, next: () => Promise<unknown>) => {
      try {
        await next();
      } catch (err) {
        ctx.status = 500;
        ctx.body = { message: (err as Error).message };
      }
    });
    const router = new Router();
    router.get('/fail/:id', async function failing() {
      await new Promise((r) => setTimeout(r, 1));
      throw new RangeError('late');
    });
    app.use(router.routes());
    const res = await fetch(`${await serve(app)}/fail/3`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'late' });
    const spans = await serverSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes['tracekit.request_id']).toBe(res.headers.get('x-request-id'));
    expect(spans[0]!.attributes['http.route']).toBe('/fail/:id');
    expect(spans[0]!.attributes['code.function.name']).toBe('failing');
    expect(spans[0]!.attributes['error.type']).toBe('RangeError');
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
