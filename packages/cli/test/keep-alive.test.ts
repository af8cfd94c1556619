import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { tempProject, testViewer } from './helpers.js';

let root: string;
let viewer: Viewer;
beforeAll(async () => {
  root = tempProject();
  viewer = await testViewer(root);
});
afterAll(async () => {
  await viewer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Sends a request on an open socket and resolves with the status line of the answer. */
function exchange(socket: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (c: Buffer) => {
      got += c.toString();
      if (got.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(got.split('\r\n')[0]!);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('the server closed the connection')));
    socket.write(text);
  });
}

describe('connections', () => {
  // An exporter keeps its connection between batches; with Node's default 5 s keep-alive the
  // server closed it while a client (undici keeps 4 s, more under load) could still reuse it, and
  // the next POST failed with EPIPE.
  it('keeps an idle keep-alive connection open for longer than clients keep theirs', async () => {
    const socket = net.connect(viewer.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let closed = false;
    socket.once('close', () => (closed = true));
    const get = `GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1:${viewer.port}\r\nConnection: keep-alive\r\n\r\n`;
    expect(await exchange(socket, get)).toBe('HTTP/1.1 200 OK');
    await new Promise((r) => setTimeout(r, 6000));
    expect(closed).toBe(false);
    expect(await exchange(socket, get)).toBe('HTTP/1.1 200 OK');
    socket.destroy();
  }, 15_000);
});
