import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { request, tempProject, testViewer } from './helpers.js';

let root: string;
let file: string;
let viewer: Viewer;

const DOC = {
  breakpoints: [{ id: 'bp_cart', label: 'cart totals', file: 'src/cart.js', line: 3, function: 'total', enabled: true, captures: 7, maxCaptures: 100, expiresAt: '2026-01-01T00:00:00.000Z', status: 'expired' }],
  probes: [
    { id: 'p_one', location: 'src/cart.js:4', enabled: true, status: 'installed', hits: 3 },
    { id: 'p_two', location: 'src/cart.js:5', enabled: false, status: 'disarmed', error: 'hit limit of 100 reached', hits: 100 },
  ],
};

const EDIT = { 'content-type': 'application/json', 'x-tracekit': '1' };
const onDisk = () => JSON.parse(fs.readFileSync(file, 'utf8')) as typeof DOC;

beforeAll(async () => {
  root = tempProject();
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src', 'cart.js'), 'module.exports = 1;\n');
  fs.mkdirSync(path.join(root, '.tracekit'));
  file = path.join(root, '.tracekit', 'breakpoints.json');
  viewer = await testViewer(root);
});
beforeEach(() => fs.writeFileSync(file, JSON.stringify(DOC)));
afterAll(async () => {
  await viewer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('editing breakpoints.json from the viewer', () => {
  it('disarms and re-arms a breakpoint: the file changes (atomically, validated) and the answer is the new file', async () => {
    const off = await request(viewer, 'POST', '/api/breakpoints/bp_cart/disarm', EDIT, '{}');
    expect(off.status).toBe(200);
    expect(off.json().breakpoints[0]).toMatchObject({ id: 'bp_cart', enabled: false });
    expect(onDisk().breakpoints[0]).toMatchObject({ id: 'bp_cart', enabled: false, captures: 7 });
    expect(onDisk().breakpoints[0]!.status).toBeUndefined();
    const on = await request(viewer, 'POST', '/api/breakpoints/bp_cart/arm', EDIT, '{}');
    expect(on.status).toBe(200);
    const bp = onDisk().breakpoints[0]!;
    // Re-arming starts a fresh run, as `tracekit breakpoints enable` does.
    expect(bp).toMatchObject({ enabled: true, captures: 0 });
    expect(Date.parse(bp.expiresAt)).toBeGreaterThan(Date.now());
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('disarms, re-arms and removes a probe', async () => {
    expect((await request(viewer, 'POST', '/api/probes/p_one/disarm', EDIT, '{}')).status).toBe(200);
    expect(onDisk().probes[0]).toMatchObject({ id: 'p_one', enabled: false });
    expect((await request(viewer, 'POST', '/api/probes/p_two/arm', EDIT, '{}')).status).toBe(200);
    const two = onDisk().probes[1]!;
    expect(two).toMatchObject({ id: 'p_two', enabled: true, hits: 0 });
    expect(two.error).toBeUndefined();
    expect(two.status).toBeUndefined();
    expect((await request(viewer, 'POST', '/api/probes/p_one/remove', EDIT, '{}')).status).toBe(200);
    expect(onDisk().probes.map((p) => p.id)).toEqual(['p_two']);
  });

  it('answers 404 for an unknown entry and 400 for removing a breakpoint, and leaves the file alone', async () => {
    const before = fs.readFileSync(file, 'utf8');
    expect((await request(viewer, 'POST', '/api/probes/p_nope/disarm', EDIT, '{}')).status).toBe(404);
    expect((await request(viewer, 'POST', '/api/breakpoints/bp_cart/remove', EDIT, '{}')).status).toBe(400);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses an invalid file with 409 instead of overwriting it', async () => {
    fs.writeFileSync(file, '{"breakpoints": [{"id": 1}]');
    expect((await request(viewer, 'POST', '/api/breakpoints/bp_cart/disarm', EDIT, '{}')).status).toBe(409);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"breakpoints": [{"id": 1}]');
  });

  it('refuses edits a cross-site page could send: no custom header, a form content type, another origin or site, GET', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const url = '/api/breakpoints/bp_cart/disarm';
    // A form post (no custom header possible, text/plain or urlencoded).
    expect((await request(viewer, 'POST', url, { 'content-type': 'text/plain' }, '{}')).status).toBe(403);
    expect((await request(viewer, 'POST', url, { 'content-type': 'application/x-www-form-urlencoded', 'x-tracekit': '1' }, 'a=1')).status).toBe(415);
    // A cross-origin fetch (its preflight is refused anyway) and a same-site but cross-origin one.
    expect((await request(viewer, 'POST', url, { ...EDIT, origin: 'http://evil.example' }, '{}')).status).toBe(403);
    expect((await request(viewer, 'POST', url, { ...EDIT, 'sec-fetch-site': 'cross-site' }, '{}')).status).toBe(403);
    expect((await request(viewer, 'POST', url, { ...EDIT, 'sec-fetch-site': 'same-site' }, '{}')).status).toBe(403);
    expect((await request(viewer, 'OPTIONS', url, { origin: 'http://evil.example', 'access-control-request-method': 'POST' })).headers['access-control-allow-origin']).toBeUndefined();
    // DNS rebinding.
    expect((await request(viewer, 'POST', url, { ...EDIT, host: 'evil.example' }, '{}')).status).toBe(403);
    expect((await request(viewer, 'GET', url, EDIT)).status).toBe(405);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    // The viewer's own page: same origin.
    expect((await request(viewer, 'POST', url, { ...EDIT, origin: `http://127.0.0.1:${viewer.port}`, 'sec-fetch-site': 'same-origin' }, '{}')).status).toBe(200);
    expect(onDisk().breakpoints[0]!.enabled).toBe(false);
  });
});
