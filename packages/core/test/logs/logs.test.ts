import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { format as utilFormat } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import express from 'express';
import pino from 'pino';
import winston from 'winston';
import { afterEach, describe, expect, it } from 'vitest';
import { pinoMixin, pinoOptions, shutdown, winstonFormat } from '../../src/index.js';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import * as tracekit from '../../../express/src/index.js';

const require = createRequire(import.meta.url);

/** A stream that keeps each JSON line a logger writes. */
function lines(): { stream: Writable; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { stream, records };
}

/** An Express app whose handler calls `log` inside the traced request. */
async function serve(log: () => void): Promise<{ base: string; close(): Promise<void> }> {
  const a = express();
  a.use(tracekit.express());
  a.get('/orders/:id', function getOrder(_req, res) {
    log();
    res.json({ ok: true });
  });
  const server = http.createServer(a);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function get(url: string): Promise<{ status: number; requestId: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id']) }));
    }).on('error', reject);
  });
}

/** The exported handler span of the one request, and its SERVER span. */
async function requestSpans(t: TestTracing) {
  const spans = await t.spans();
  const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
  const inner = spans.filter((s) => s.traceId === server.traceId && s.kind !== SpanKind.SERVER);
  return { server, handler: inner.find((s) => s.name.startsWith('handler')) ?? server };
}

afterEach(() => shutdown());

describe('pino', () => {
  it('pinoMixin puts trace_id, span_id, trace_flags and request_id on lines logged in a request, the active span being the handler span', async () => {
    const t = await setupTestTracing();
    const out = lines();
    const logger = pino({ mixin: pinoMixin(), base: null, timestamp: false }, out.stream);
    const app = await serve(() => logger.info({ orderId: 7 }, 'loading order'));
    const res = await get(`${app.base}/orders/7`);
    logger.info('outside any request');
    await app.close();
    const { server, handler } = await requestSpans(t);
    expect(out.records).toEqual([
      { level: 30, orderId: 7, msg: 'loading order', trace_id: server.traceId, span_id: handler.spanId, trace_flags: '01', request_id: res.requestId },
      { level: 30, msg: 'outside any request' },
    ]);
    expect(handler.parentSpanId).toBe(server.spanId);
  });

  it("keeps the logger's own mixin (its fields win on a clash)", async () => {
    await setupTestTracing();
    const out = lines();
    const logger = pino({ mixin: pinoMixin(() => ({ app: 'shop', request_id: 'mine' })), base: null, timestamp: false }, out.stream);
    const app = await serve(() => logger.warn('careful'));
    await get(`${app.base}/orders/1`);
    await app.close();
    expect(out.records[0]).toMatchObject({ app: 'shop', request_id: 'mine', msg: 'careful', level: 40 });
    expect(out.records[0]!.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a pino required after init() gets the mixin automatically; logs.autoPino: false leaves it alone', async () => {
    const t = await setupTestTracing();
    const autoPino = require('pino') as typeof pino;
    const out = lines();
    const logger = autoPino({ base: null, timestamp: false }, out.stream);
    const own = lines();
    const withOwn = autoPino({ base: null, timestamp: false, mixin: () => ({ mine: true }) }, own.stream);
    const app = await serve(() => {
      logger.info('auto');
      withOwn.info('auto with own');
    });
    await get(`${app.base}/orders/2`);
    await app.close();
    const { server, handler } = await requestSpans(t);
    expect(out.records[0]).toMatchObject({ msg: 'auto', trace_id: server.traceId, span_id: handler.spanId, trace_flags: '01' });
    expect(own.records[0]).toMatchObject({ msg: 'auto with own', mine: true, trace_id: server.traceId });
    // The wrapped factory keeps pino's own API.
    expect(typeof (autoPino as unknown as { destination: unknown }).destination).toBe('function');
    expect((autoPino as unknown as { pino: unknown }).pino).toBe(autoPino);
    await shutdown();

    await setupTestTracing({ logs: { autoPino: false } });
    const plain = require('pino') as typeof pino;
    const out2 = lines();
    const logger2 = plain({ base: null, timestamp: false }, out2.stream);
    const app2 = await serve(() => logger2.info('plain'));
    await get(`${app2.base}/orders/3`);
    await app2.close();
    expect(out2.records).toEqual([{ level: 30, msg: 'plain' }]);
  });

  it('logs.export: true exports pino records as OTLP log records linked to the span, redacted', async () => {
    const t = await setupTestTracing({ logs: { export: true } });
    const out = lines();
    const logger = pino({ ...pinoOptions(), base: null, timestamp: false }, out.stream);
    const app = await serve(() => logger.error({ orderId: 9, password: 'hunter2' }, 'payment failed for %s', 'order-9'));
    await get(`${app.base}/orders/9`);
    await app.close();
    const { server, handler } = await requestSpans(t);
    const records = (await t.logs()).filter((r) => r.eventName === 'tracekit.log');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      severityNumber: 17,
      severityText: 'error',
      body: 'payment failed for order-9',
      traceId: server.traceId,
      spanId: handler.spanId,
      attributes: { orderId: 9, 'log.source': 'pino' },
    });
    expect(records[0]!.attributes.password).not.toBe('hunter2');
    expect(out.records[0]).toMatchObject({ msg: 'payment failed for order-9', trace_id: server.traceId });
  });
});

describe('pino, automatic, with export', () => {
  it("a pino required after init() also exports its records with logs.export, and keeps the logger's own logMethod hook", async () => {
    const t = await setupTestTracing({ logs: { export: true } });
    const autoPino = require('pino') as typeof pino;
    const out = lines();
    const seenByHook: unknown[] = [];
    const logger = autoPino(
      {
        base: null,
        timestamp: false,
        hooks: {
          logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
            seenByHook.push(args[0]);
            return method.apply(this, args);
          },
        },
      } as Parameters<typeof pino>[0],
      out.stream,
    );
    const app = await serve(() => logger.info({ sku: 'A-1' }, 'stock checked'));
    await get(`${app.base}/orders/11`);
    await app.close();
    const { server, handler } = await requestSpans(t);
    expect(seenByHook).toEqual([{ sku: 'A-1' }]);
    expect(out.records[0]).toMatchObject({ msg: 'stock checked', sku: 'A-1', trace_id: server.traceId, span_id: handler.spanId });
    const records = (await t.logs()).filter((r) => r.eventName === 'tracekit.log');
    expect(records.map((r) => [r.body, r.severityText, r.traceId, r.spanId, r.attributes.sku])).toEqual([['stock checked', 'info', server.traceId, handler.spanId, 'A-1']]);
  });
});

describe('winston', () => {
  it('winstonFormat adds the trace fields and, with logs.export, exports the record', async () => {
    const t = await setupTestTracing({ logs: { export: true } });
    const out = lines();
    const logger = winston.createLogger({
      level: 'info',
      format: winston.format.combine(winstonFormat(), winston.format.json()),
      transports: [new winston.transports.Stream({ stream: out.stream })],
    });
    const app = await serve(() => logger.info('shipping order', { carrier: 'ups' }));
    const res = await get(`${app.base}/orders/4`);
    logger.info('outside');
    await app.close();
    await new Promise((r) => setImmediate(r));
    const { server, handler } = await requestSpans(t);
    expect(out.records).toEqual([
      { level: 'info', message: 'shipping order', carrier: 'ups', trace_id: server.traceId, span_id: handler.spanId, trace_flags: '01', request_id: res.requestId },
      { level: 'info', message: 'outside' },
    ]);
    const records = (await t.logs()).filter((r) => r.eventName === 'tracekit.log');
    expect(records.map((r) => [r.body, r.severityNumber, r.traceId, r.spanId, r.attributes.carrier])).toEqual([
      ['shipping order', 9, server.traceId, handler.spanId, 'ups'],
      ['outside', 9, undefined, undefined, undefined],
    ]);
  });
});

describe('console', () => {
  const captured: string[] = [];
  const realLog = console.log;
  const realError = console.error;
  const realWarn = console.warn;
  afterEach(async () => {
    // Shut down first: it puts back the methods it wrapped (the stubs), then the real ones return.
    await shutdown();
    console.log = realLog;
    console.error = realError;
    console.warn = realWarn;
    captured.length = 0;
  });

  it('logs: { console: true } prefixes output inside a request, leaves the rest alone, and restores console at shutdown', async () => {
    console.log = (...args: unknown[]) => void captured.push(utilFormat(...args));
    console.error = (...args: unknown[]) => void captured.push(`E ${utilFormat(...args)}`);
    const stub = console.log;
    const t = await setupTestTracing({ logs: { console: true } });
    expect(console.log).not.toBe(stub);
    const app = await serve(() => {
      console.log('order %s ready', '5');
      console.error({ code: 1 });
    });
    const res = await get(`${app.base}/orders/5`);
    console.log('not in a request');
    await app.close();
    const { server, handler } = await requestSpans(t);
    const prefix = `trace_id=${server.traceId} span_id=${handler.spanId} trace_flags=01 request_id=${res.requestId}`;
    expect(captured).toEqual([`${prefix} order 5 ready`, `E ${prefix} { code: 1 }`, 'not in a request']);
    await shutdown();
    expect(console.log).toBe(stub);
  });

  it('with logs.export as well, console lines written in a request are exported as log records linked to the span', async () => {
    console.warn = (...args: unknown[]) => void captured.push(`W ${utilFormat(...args)}`);
    const t = await setupTestTracing({ logs: { console: true, export: true } });
    const app = await serve(() => console.warn('low stock for %s', 'sku-9'));
    await get(`${app.base}/orders/6`);
    console.warn('outside');
    await app.close();
    const { server, handler } = await requestSpans(t);
    const records = (await t.logs()).filter((r) => r.eventName === 'tracekit.log');
    expect(records.map((r) => [r.body, r.severityNumber, r.severityText, r.traceId, r.spanId, r.attributes['log.source']])).toEqual([
      ['low stock for sku-9', 13, 'warn', server.traceId, handler.spanId, 'console'],
    ]);
    expect(captured.at(-1)).toBe('W outside');
  });

  it('is off by default', async () => {
    const before = console.log;
    await setupTestTracing();
    expect(console.log).toBe(before);
  });
});

describe('logs options', () => {
  it('defaults, environment variables, and errors naming the option', async () => {
    const { resolveConfig } = await import('../../src/config/config.js');
    expect(resolveConfig({}, {}).logs).toEqual({ console: false, export: false, autoPino: true });
    expect(resolveConfig({}, { TRACEKIT_LOGS_CONSOLE: 'true', TRACEKIT_LOGS_EXPORT: '1', TRACEKIT_LOGS_AUTO_PINO: 'off' }).logs).toEqual({ console: true, export: true, autoPino: false });
    expect(resolveConfig({ logs: { export: true } }, { TRACEKIT_LOGS_EXPORT: 'false' }).logs.export).toBe(true);
    expect(() => resolveConfig({ logs: true as unknown as object }, {})).toThrow(/options\.logs/);
    expect(() => resolveConfig({ logs: { consol: true } as unknown as object }, {})).toThrow(/options\.logs\.consol/);
    expect(() => resolveConfig({ logs: { export: 'maybe' as unknown as boolean } }, {})).toThrow(/options\.logs\.export/);
    expect(() => resolveConfig({}, { TRACEKIT_LOGS_CONSOLE: 'sometimes' })).toThrow(/TRACEKIT_LOGS_CONSOLE/);
  });
});
