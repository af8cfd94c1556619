import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeRequestInfo } from '../../src/http/node-request.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that answers with what nodeRequestInfo read from each request's socket. */
async function infoServer(): Promise<number> {
  const server = http.createServer((req, res) => {
    const info = nodeRequestInfo(req);
    res.end(JSON.stringify({ port: info.serverPort, address: info.clientAddress, scheme: info.scheme }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function get(port: number, agent: http.Agent): Promise<{ port: number; address: string; scheme: string; socket: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        const socket = res.socket.localPort ?? -1;
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ ...JSON.parse(body), socket }));
      })
      .on('error', reject);
  });
}

describe('server port and client address, per connection and per request', () => {
  it('every request on a keep-alive connection, and on other connections and servers, reports its own server port and client address', async () => {
    const a = await infoServer();
    const b = await infoServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push(await get(a, agent), await get(b, agent));
      for (const [i, r] of seen.entries()) expect(r).toMatchObject({ port: i % 2 === 0 ? a : b, address: '127.0.0.1', scheme: 'http' });
      // The same client socket served the three requests to each server (keep-alive).
      expect(new Set(seen.filter((_, i) => i % 2 === 0).map((r) => r.socket)).size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('a socket that does not know its endpoints yet reports none, and reports them once it knows', () => {
    const socket: { localPort?: number; remoteAddress?: string } = {};
    const req = { method: 'GET', url: '/', httpVersion: '1.1', headers: {}, socket } as unknown as http.IncomingMessage;
    expect(nodeRequestInfo(req).serverPort).toBeUndefined();
    expect(nodeRequestInfo(req).clientAddress).toBeUndefined();
    socket.localPort = 8080;
    socket.remoteAddress = '10.0.0.7';
    const info = nodeRequestInfo(req);
    expect(info.serverPort).toBe(8080);
    expect(info.clientAddress).toBe('10.0.0.7');
  });
});
