import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startViewer, type Viewer, type ViewerOptions } from '../src/ui/server/viewer-server.js';

/** A fresh project folder in the temp directory. */
export function tempProject(prefix = 'tracekit-ui-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A viewer on a free loopback port over `root`, following its store quickly. */
export function testViewer(root: string, options: ViewerOptions = {}): Promise<Viewer> {
  return startViewer({ root, port: 0, followIntervalMs: 25, ...options });
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => any;
}

/** A raw HTTP request (any headers, Host included, which fetch cannot set). */
export function request(viewer: Viewer, method: string, pathname: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: viewer.port, method, path: pathname, headers: { host: `127.0.0.1:${viewer.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8'), json: () => JSON.parse(buf.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `check` every 20 ms until it returns a value other than undefined (at most `ms`). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
