import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed } from '../src/ui/server/security.js';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { request, tempProject, testViewer } from './helpers.js';

let root: string;
let outside: string;
let viewer: Viewer;
beforeAll(async () => {
  root = tempProject();
  outside = tempProject('tracekit-outside-');
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src', 'app.js'), Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'src', 'link.js'));
  fs.symlinkSync(outside, path.join(root, 'escape'));
  viewer = await testViewer(root);
});
afterAll(async () => {
  await viewer.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe('viewer security', () => {
  it('refuses a Host header that is not the loopback address it listens on (DNS rebinding)', async () => {
    const evil = await request(viewer, 'GET', '/api/stats', { host: 'evil.example' });
    expect(evil.status).toBe(403);
    const evilPort = await request(viewer, 'GET', '/', { host: `evil.example:${viewer.port}` });
    expect(evilPort.status).toBe(403);
    const receiver = await request(viewer, 'POST', '/v1/traces', { host: 'evil.example', 'content-type': 'application/json' }, '{}');
    expect(receiver.status).toBe(403);
    for (const host of [`127.0.0.1:${viewer.port}`, `localhost:${viewer.port}`, `[::1]:${viewer.port}`]) {
      expect((await request(viewer, 'GET', '/api/stats', { host })).status).toBe(200);
    }
  });

  it('allows any IP literal but no other names when bound to a non-loopback address', () => {
    expect(hostAllowed('192.168.1.20:4318', '0.0.0.0')).toBe(true);
    expect(hostAllowed('evil.example:4318', '0.0.0.0')).toBe(false);
    expect(hostAllowed('192.168.1.20:4318', '127.0.0.1')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
  });

  it('refuses cross-origin browser requests to the API and the receiver, and sends no CORS headers', async () => {
    const origin = await request(viewer, 'GET', '/api/traces', { origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    expect(origin.headers['access-control-allow-origin']).toBeUndefined();
    const otherPort = await request(viewer, 'GET', '/api/traces', { origin: 'http://localhost:3000' });
    expect(otherPort.status).toBe(403);
    const site = await request(viewer, 'GET', '/api/traces', { 'sec-fetch-site': 'cross-site' });
    expect(site.status).toBe(403);
    const sameSite = await request(viewer, 'GET', '/api/events', { 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
    const post = await request(viewer, 'POST', '/v1/traces', { origin: 'http://evil.example', 'content-type': 'text/plain' }, '{}');
    expect(post.status).toBe(403);
    const preflight = await request(viewer, 'OPTIONS', '/v1/traces', { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const same = await request(viewer, 'GET', '/api/traces', { origin: `http://127.0.0.1:${viewer.port}`, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
    // A deep link clicked on another site opens the page (but the page's API calls are same-origin).
    const nav = await request(viewer, 'GET', '/traces', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(nav.status).toBe(200);
  });

  it('serves every page with a strict Content-Security-Policy and no inline script', async () => {
    const page = await request(viewer, 'GET', '/traces');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('reads source files only below the project root', async () => {
    const ok = await request(viewer, 'GET', '/api/source?file=src/app.js&line=10');
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ file: 'src/app.js', line: 10, start: 3 });
    expect(ok.json().lines[7]).toBe('line 10');
    for (const file of ['../../etc/passwd', 'src/../../etc/passwd', '/etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'src\\..\\..\\etc\\passwd', 'C:/Windows/win.ini']) {
      const res = await request(viewer, 'GET', `/api/source?file=${file.includes('%') ? file : encodeURIComponent(file)}&line=1`);
      expect([file, res.status]).toEqual([file, 403]);
    }
    const viaLink = await request(viewer, 'GET', '/api/source?file=src/link.js&line=1');
    expect(viaLink.status).toBe(403);
    const viaDir = await request(viewer, 'GET', '/api/source?file=escape/secret.txt&line=1');
    expect(viaDir.status).toBe(403);
    const store = await request(viewer, 'GET', '/api/source?file=.tracekit/traces.jsonl&line=1');
    expect(store.status).toBe(403);
    const missing = await request(viewer, 'GET', '/api/source?file=src/nope.js&line=1');
    expect(missing.status).toBe(404);
  });

  it('only GET and HEAD outside the receiver', async () => {
    expect((await request(viewer, 'POST', '/api/traces', { 'content-type': 'application/json' }, '{}')).status).toBe(405);
    expect((await request(viewer, 'DELETE', '/traces')).status).toBe(405);
  });
});
