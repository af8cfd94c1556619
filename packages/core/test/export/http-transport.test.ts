import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportTimeoutError, HttpTransport } from '../../src/export/http-transport.js';

// A loopback server that takes requests and never answers.
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function silentServer(): Promise<URL> {
  const server = http.createServer(() => undefined);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`);
}

describe('HttpTransport timeouts', () => {
  it('names the time it waited: its own timeout', async () => {
    const url = await silentServer();
    const attempt = new HttpTransport().post(url, new Uint8Array([1]), {}, 150);
    const err = await attempt.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportTimeoutError);
    expect((err as Error).message).toBe(`no answer from ${url.origin} within 150 ms`);
  });

  it('names the shorter time when a flush brought the deadline forward, not the configured timeout', async () => {
    const url = await silentServer();
    const transport = new HttpTransport();
    const started = Date.now();
    const attempt = transport.post(url, new Uint8Array([1]), {}, 20_000);
    transport.shortenAll(started + 200);
    const err = await attempt.result.catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(ExportTimeoutError);
    const waited = Number(/within (\d+) ms/.exec((err as Error).message)?.[1]);
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThanOrEqual(200);
  });
});
