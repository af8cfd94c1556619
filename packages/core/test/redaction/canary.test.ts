/**
 * The canary: a real Express app over real HTTP plants a distinct secret in every place one
 * leaks from (query string, allow-listed authorization header, cookie, set-cookie, exception
 * message, outbound URL, captured request and response bodies, an event property). After a
 * flush, none may appear anywhere in the file store or in what a local OTLP receiver got, while
 * the non-secret values next to them still do.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getClient, init, InMemorySpanExporter, setMetadata, shutdown, trackEvent, type ReadableSpan } from '../../src/adapter-api.js';
import { InMemoryLogExporter } from '../../src/testing/index.js';
import * as tracekit from '../../../express/src/index.js';
import { startReceiver, type Receiver } from '../export/helpers.js';

const CANARY = {
  query: 'CANARYqueryTOKEN0001',
  authorization: 'CANARYauthBEARER0002xyz',
  cookie: 'CANARYcookieSID0003',
  exception: 'sk-ant-api03-CANARYexceptionKEY0004aaaaaaaa',
  outboundPassword: 'CANARYoutboundPW0005',
  outboundKey: 'CANARYoutboundKEY0006',
  requestBody: 'CANARYbodyPW0007',
  responseBody: 'CANARYrespTOKEN0008',
  event: 'CANARYeventKEY0009',
  setCookie: 'CANARYsetCOOKIE0010',
};
const NEIGHBOURS = ['page=2', 'visible-note', 'payment declined for key', 'q=visible-q', 'visible-item', 'visible-status', 'visible-plan', 'visible-header', 'user-visible-7'];

let downstream: http.Server;
let downstreamPort: number;
let server: http.Server;
let base: string;

function createApp(): express.Express {
  const app = express();
  app.use(tracekit.express({ captureHeaders: { request: ['authorization', 'cookie', 'x-note'], response: ['set-cookie', 'x-visible'] } }));
  app.use(express.json());
  app.post('/orders/:id', async function placeOrder(req, res, next) {
    setMetadata({ userId: 'user-visible-7' });
    trackEvent('checkout', { plan: 'visible-plan', apiKey: CANARY.event });
    await new Promise<void>((resolve, reject) => {
      http
        .get(`http://svc:${CANARY.outboundPassword}@127.0.0.1:${downstreamPort}/lookup?api_key=${CANARY.outboundKey}&q=visible-q`, (r) => {
          r.resume();
          r.on('end', resolve);
        })
        .on('error', reject);
    });
    res.setHeader('set-cookie', `sid=${CANARY.setCookie}; HttpOnly`);
    res.setHeader('x-visible', 'visible-header');
    next(new Error(`payment declined for key ${CANARY.exception}`));
  });
  app.get('/profile', function profile(_req, res) {
    res.json({ token: CANARY.responseBody, status: 'visible-status' });
  });
  app.use(tracekit.expressErrorHandler());
  app.use((_err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}

function send(method: string, pathAndQuery: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathAndQuery}`, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The canary requests: a failing order with every secret, and a profile answer with a secret in its body. */
async function plant(): Promise<void> {
  const order = await send(
    'POST',
    `/orders/42?token=${CANARY.query}&page=2`,
    { authorization: `Bearer ${CANARY.authorization}`, cookie: `sid=${CANARY.cookie}`, 'x-note': 'visible-note', 'content-type': 'application/json' },
    JSON.stringify({ password: CANARY.requestBody, item: 'visible-item' }),
  );
  expect(order).toBe(500);
  expect(await send('GET', '/profile', {})).toBe(200);
}

function expectClean(text: string): void {
  for (const [where, secret] of Object.entries(CANARY)) {
    expect(text.includes(secret), `the ${where} canary leaked`).toBe(false);
  }
  for (const visible of NEIGHBOURS) expect(text.includes(visible), `"${visible}" is missing`).toBe(true);
}

beforeAll(async () => {
  downstream = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
  downstreamPort = (downstream.address() as AddressInfo).port;
  server = http.createServer(createApp());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  if (getClient()) await shutdown();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => downstream.close(() => resolve()));
});

describe('redaction canary', () => {
  it('the file store (traces.jsonl and logs.jsonl) holds none of the secrets', async () => {
    if (getClient()) await shutdown();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-canary-'));
    const client = init({ handleShutdown: false, batchDelayMs: 5, exporter: 'file', file: path.join(dir, 'traces.jsonl'), captureBody: true }, { env: {} });
    await plant();
    await client.flush();
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['logs.jsonl', 'traces.jsonl']);
    expectClean(files.map((f) => fs.readFileSync(f, 'utf8')).join('\n'));
    await shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['http/json', 'http/protobuf'] as const)('an OTLP receiver (%s) gets none of the secrets', async (protocol) => {
    if (getClient()) await shutdown();
    const receiver: Receiver = await startReceiver();
    try {
      const client = init({ handleShutdown: false, batchDelayMs: 5, endpoint: receiver.url, protocol, compression: 'none', spool: false, captureBody: true }, { env: {} });
      await plant();
      await client.flush();
      await receiver.until((r) => r.spans().length >= 4 && r.logs().length >= 1);
      // Raw bytes as received (protobuf keeps strings as UTF-8), and the decoded requests.
      expectClean(receiver.requests.map((r) => r.body.toString('latin1')).join('\n'));
      expectClean(JSON.stringify([receiver.spans(), receiver.logs()]));
    } finally {
      await shutdown();
      await receiver.close();
    }
  });

  it('remove mode, exactly: each secret replaced where it was, its neighbours untouched', async () => {
    if (getClient()) await shutdown();
    const exporter = new InMemorySpanExporter();
    const logExporter = new InMemoryLogExporter();
    const client = init({ handleShutdown: false, batchDelayMs: 5, captureBody: true, redaction: { mode: 'remove' } }, { exporter, logExporter, env: {} });
    await plant();
    await client.flush();
    const spans: ReadableSpan[] = exporter.spans;
    const order = spans.find((s) => s.name === 'POST /orders/:id')!;
    expect(order.attributes).toMatchObject({
      'url.query': 'token=[REDACTED]&page=2',
      'http.request.header.authorization': ['[REDACTED]'],
      'http.request.header.cookie': ['[REDACTED]'],
      'http.request.header.x-note': ['visible-note'],
      'http.response.header.set-cookie': ['[REDACTED]'],
      'http.response.header.x-visible': ['visible-header'],
      'tracekit.request.body': '{"password":"[REDACTED]","item":"visible-item"}',
      'user.id': 'user-visible-7',
    });
    expect(order.status.message).toBe('payment declined for key [REDACTED]');
    const exception = order.events!.find((e) => e.name === 'exception')!.attributes!;
    expect(exception['exception.message']).toBe('payment declined for key [REDACTED]');
    expect(String(exception['exception.stacktrace'])).toMatch(/^Error: payment declined for key \[REDACTED\]\n/);
    // Node moves `user:password@` into an Authorization header (not recorded), so url.full never had it.
    const outbound = spans.find((s) => s.attributes['url.full'] !== undefined)!;
    expect(outbound.attributes['url.full']).toBe(`http://127.0.0.1:${downstreamPort}/lookup?api_key=[REDACTED]&q=visible-q`);
    const profile = spans.find((s) => s.name === 'GET /profile')!;
    expect(profile.attributes['tracekit.response.body']).toBe('{"token":"[REDACTED]","status":"visible-status"}');
    const event = logExporter.records.find((r) => r.attributes['tracekit.event.name'] === 'checkout')!;
    expect(event.attributes).toMatchObject({ plan: 'visible-plan', apiKey: '[REDACTED]', 'user.id': 'user-visible-7' });
  });
});
