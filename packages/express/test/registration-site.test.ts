import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import express5 from 'express';
import express4 from 'express4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '@tracekit/core/testing';
import * as tracekit from '../src/index.js';

const THIS_FILE = fileURLToPath(import.meta.url);

let t: TestTracing;
const servers: Server[] = [];
beforeAll(async () => {
  t = await setupTestTracing();
});
afterEach(() => {
  t.reset();
  for (const s of servers.splice(0)) s.close();
});
afterAll(() => tracekit.shutdown());

async function listen(app: any): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function serverSpan(requestId: string | null) {
  for (let i = 0; i < 50; i++) {
    const span = (await t.spans()).find((s) => s.kind === SpanKind.SERVER && s.attributes['tracekit.request_id'] === requestId);
    if (span) return span;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no SERVER span for ${requestId}`);
}

/** The line this is called on, in this file. */
function here(): number {
  const line = new Error().stack!.split('\n')[2]!;
  return Number(/:(\d+):\d+\)?$/.exec(line)![1]);
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
] as const)('%s', (_version, express: any) => {
  it('the SERVER span carries code.filepath and code.lineno of the app.get / router.get / app.route() line that registered its route', async () => {
    const app = express();
    app.use(tracekit.express());
    const lines: Record<string, number> = {};
    lines.app = here(); app.get('/a', function getA(_req: any, res: any) { res.send('a'); });
    const router = express.Router();
    lines.router = here(); router.get('/b', function getB(_req: any, res: any) { res.send('b'); });
    app.use('/r', router);
    lines.route = here(); app.route('/c').post(function postC(_req: any, res: any) { res.send('c'); });
    const base = await listen(app);
    const got: Record<string, unknown[]> = {};
    for (const [key, path, method] of [['app', '/a', 'GET'], ['router', '/r/b', 'GET'], ['route', '/c', 'POST']] as const) {
      const res = await fetch(base + path, { method });
      expect(res.status).toBe(200);
      await res.text();
      const span = await serverSpan(res.headers.get('x-request-id'));
      got[key] = [span.attributes['code.filepath'], span.attributes['code.lineno'], span.attributes['code.function.name']];
    }
    expect(got).toEqual({
      app: [THIS_FILE, lines.app, 'getA'],
      router: [THIS_FILE, lines.router, 'getB'],
      route: [THIS_FILE, lines.route, 'postC'],
    });
  });
});
