import { fileURLToPath } from 'node:url';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import * as tracekit from '../src/index.js';
import { tracedServers } from './traced-server.js';

const THIS_FILE = fileURLToPath(import.meta.url);

const traced = tracedServers();
const { listen, serverSpan } = traced;

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
