/**
 * Helpers of the sampling tests: a client with in-memory exporters and a settable clock, and a
 * real Express app (the Express adapter from source) on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { getActiveSpan, getClient, getTraceId, init, recordException, shutdown, withSpan, type ReadableSpan, type TracekitOptions } from '../../src/adapter-api.js';
import { InMemoryLogExporter, InMemorySpanExporter } from '../../src/testing/index.js';
import * as tracekit from '../../../express/src/index.js';

/** A clock the test moves by hand (epoch ms), for the rate limit and slowness. */
export class ManualClock {
  t = Date.now();
  readonly now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Traced {
  exporter: InMemorySpanExporter;
  clock: ManualClock;
  spans(): Promise<ReadableSpan[]>;
  stats(): Record<string, number>;
}

/** Replaces the process's client with one exporting to memory, on a manual clock. */
export async function traced(options: TracekitOptions, clock = new ManualClock()): Promise<Traced> {
  if (getClient()) await shutdown();
  const exporter = new InMemorySpanExporter();
  const client = init({ handleShutdown: false, batchDelayMs: 5, serviceName: 'sampling-test', ...options }, { exporter, logExporter: new InMemoryLogExporter(), env: {}, now: clock.now });
  return {
    exporter,
    clock,
    async spans() {
      await client.flush();
      return [...exporter.spans];
    },
    stats: () => client.stats(),
  };
}

/** The clock of the current test's client, reachable from the app's handlers. */
let appClock: ManualClock | undefined;
export const setAppClock = (c: ManualClock | undefined) => (appClock = c);

/** A server that records the `traceparent` of every request it receives. */
export async function startDownstream(): Promise<{ url: string; traceparents: string[]; close(): Promise<void> }> {
  const traceparents: string[] = [];
  const server = http.createServer((req, res) => {
    traceparents.push(String(req.headers.traceparent ?? ''));
    res.end('downstream');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    traceparents,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/**
 * The app: `/users/:id` answers its trace ID, `/boom` throws, `/fail` answers 503, `/caught`
 * records a handled exception, `/slow` moves the test clock by 600 ms, `/sleep` waits 120 ms for
 * real, `/nested` starts a child span, `/call?to=` calls a downstream server first,
 * `/call-fail?to=` calls it and then throws, and `/checkout/:id`, `/health`, `/other/:x` answer ok.
 */
export function createApp(): express.Express {
  const app = express();
  app.use(tracekit.express());
  app.get('/users/:id', function getUser(_req, res) {
    res.send(getTraceId() ?? '');
  });
  app.get('/boom', function boom() {
    throw new Error('kaboom');
  });
  app.get('/fail', function fail(_req, res) {
    res.status(503).send('unavailable');
  });
  app.get('/caught', function caught(_req, res) {
    const span = getActiveSpan();
    if (span) recordException(span, new TypeError('handled and answered'));
    res.send('ok');
  });
  app.get('/slow', function slow(_req, res) {
    appClock?.advance(600);
    res.send('ok');
  });
  app.get('/sleep', function sleep(_req, res) {
    setTimeout(() => res.send('ok'), 120);
  });
  app.get('/nested', async function nested(_req, res) {
    await withSpan('db.query', async () => new Promise((r) => setTimeout(r, 1)));
    res.send('ok');
  });
  app.get('/call', async function call(req, res) {
    res.send(await get(String(req.query.to)));
  });
  app.get('/call-fail', async function callFail(req, _res, next) {
    await get(String(req.query.to));
    next(new Error('downstream answered, then we failed'));
  });
  app.get('/checkout/:id', function checkout(_req, res) {
    res.send('ok');
  });
  // Two errors escape: the handler's, then the one the app's error middleware turns it into.
  app.get('/two-errors', function twoErrors(_req, _res, next) {
    next(new TypeError('first'));
  });
  app.get('/health', function health(_req, res) {
    res.send('ok');
  });
  app.get('/other/:x', function other(_req, res) {
    res.send('ok');
  });
  app.use((err: Error, req: express.Request, _res: express.Response, next: express.NextFunction) => {
    next(req.path === '/two-errors' ? new RangeError(`second after ${err.message}`) : err);
  });
  app.use(tracekit.expressErrorHandler());
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).send(err.message);
  });
  return app;
}

export interface Served {
  base: string;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1, port 0, with a small request helper (keep-alive off). */
export async function serve(app: http.RequestListener): Promise<Served> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    get: (path, headers = {}) =>
      new Promise((resolve, reject) => {
        http.get(`${base}${path}`, { headers, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        }).on('error', reject);
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
