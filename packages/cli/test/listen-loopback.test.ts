import http from 'node:http';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PortInUseError, type Viewer } from '../src/ui/server/viewer-server.js';
import { tempProject, testViewer } from './helpers.js';

/** Whether this machine can listen on ::1 (a container without IPv6 cannot). */
async function canBindIpv6Loopback(): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

/** GET over one address with a chosen Host header (what a browser sends for http://localhost:<port>/). */
function get(address: string, port: number, pathname: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: address, port, path: pathname, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Known before the tests are named, so each name says whether its ::1 part runs on this machine.
const ipv6 = await canBindIpv6Loopback();
const IPV6_NOTE = ipv6 ? '::1 can be bound here' : 'SKIPPED the ::1 part: this machine cannot bind ::1';
const viewers: Viewer[] = [];
afterAll(async () => {
  for (const v of viewers.splice(0)) await v.close();
});

describe('the viewer listens where localhost resolves, on loopback only', () => {
  it(`by default on 127.0.0.1 and ::1 on one port, so http://localhost:<port> works over either (${IPV6_NOTE})`, async () => {
    const viewer = await testViewer(tempProject());
    viewers.push(viewer);
    expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}/`);
    const v4 = await get('127.0.0.1', viewer.port, '/api/stats', `localhost:${viewer.port}`);
    expect(v4.status).toBe(200);
    if (ipv6) {
      expect(viewer.addresses).toEqual(['127.0.0.1', '::1']);
      const v6 = await get('::1', viewer.port, '/api/stats', `localhost:${viewer.port}`);
      expect(v6.status).toBe(200);
      expect(JSON.parse(v6.body)).toEqual(JSON.parse(v4.body));
      // The Host check still applies over ::1.
      expect((await get('::1', viewer.port, '/api/stats', 'evil.example')).status).toBe(403);
    } else {
      expect(viewer.addresses).toEqual(['127.0.0.1']);
    }
    await viewer.close();
    viewers.splice(viewers.indexOf(viewer), 1);
    // Both servers are closed: nothing answers on either address.
    await expect(get('127.0.0.1', viewer.port, '/api/stats', `localhost:${viewer.port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    if (ipv6) await expect(get('::1', viewer.port, '/api/stats', `localhost:${viewer.port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it(`--host localhost listens on both loopback addresses too and names localhost in its URL; --host 127.0.0.1 only there (${IPV6_NOTE})`, async () => {
    const named = await testViewer(tempProject(), { host: 'localhost' });
    viewers.push(named);
    expect(named.url).toBe(`http://localhost:${named.port}/`);
    expect(named.addresses).toEqual(ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
    const only = await testViewer(tempProject(), { host: '127.0.0.1' });
    viewers.push(only);
    expect(only.addresses).toEqual(['127.0.0.1']);
    if (ipv6) await expect(get('::1', only.port, '/api/stats', `localhost:${only.port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it(`a chosen port taken on ::1 alone fails with PortInUseError naming ::1, and frees 127.0.0.1 again (${ipv6 ? '::1 can be bound here' : 'SKIPPED: this machine cannot bind ::1'})`, async () => {
    if (!ipv6) return;
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '::1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const failed = await testViewer(tempProject(), { port }).then(
        (v) => {
          viewers.push(v);
          return undefined;
        },
        (err: unknown) => err,
      );
      expect(failed).toBeInstanceOf(PortInUseError);
      expect((failed as PortInUseError).message).toBe(`port ${port} on ::1 is already in use (another viewer, or an OpenTelemetry Collector?); choose another with --port`);
      // 127.0.0.1:<port> was let go: it can be bound again.
      const again = net.createServer();
      await new Promise<void>((resolve, reject) => {
        again.once('error', reject);
        again.listen(port, '127.0.0.1', () => resolve());
      });
      await new Promise<void>((r) => again.close(() => r()));
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
