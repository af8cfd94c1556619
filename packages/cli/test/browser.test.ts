/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { browserAvailable, launchChromium } from './browser.js';
import { eventually, request, tempProject, testViewer } from './helpers.js';
import { logsRequest, sid, tid, traceRequest } from './otlp-builders.js';
import { SHOP_DIR, startShop, type ShopApp } from './shop-app.js';

// The screenshots shown in the README: refreshed into docs/images with TRACEKIT_SCREENSHOTS=1, else
// taken into a temporary folder (still proving the views render) so a test run leaves the tree clean.
const IMAGES = process.env.TRACEKIT_SCREENSHOTS === '1' ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/images') : fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-shots-'));

// Generous limits: a browser and a child app on a loaded 2-core CI machine can be slow to start.
describe.skipIf(!browserAvailable)('the viewer in Chromium', { timeout: 60_000 }, () => {
  let root: string;
  let viewer: Viewer;
  let shop: ShopApp;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    root = tempProject();
    viewer = await testViewer(SHOP_DIR, { dir: path.join(root, '.tracekit') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme: 'dark' });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    fs.mkdirSync(IMAGES, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await shop?.stop();
    await browser?.close();
    await viewer?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const get = async (p: string) => {
    const res = await fetch(`${shop.url}${p}`);
    return { status: res.status, body: (await res.json()) as { requestId?: string } };
  };

  it('fills the trace list live while a traced Express app serves requests', async () => {
    await page.goto(`${viewer.url}traces`);
    await page.getByText('No traces yet').waitFor();
    shop = await startShop({ TRACEKIT_ENDPOINT: viewer.url.replace(/\/$/, ''), TRACEKIT_INVENTORY_INTERVAL_MS: '100' });
    for (const id of ['1', '2', '3']) expect((await get(`/users/${id}`)).status).toBe(200);
    // No reload: the list is told about new traces through server-sent events.
    await page.waitForFunction(() => document.querySelectorAll('tr[data-trace-id]').length >= 3);
    const routes = await page.locator('tr[data-trace-id] td:nth-child(3)').allTextContents();
    expect(routes.filter((r) => r === 'GET /users/:id')).toHaveLength(3);
    await page.screenshot({ path: path.join(IMAGES, 'viewer-traces.png') });
  });

  it('filters by route and finds a trace by its request ID', async () => {
    const { body } = await get('/users/42');
    await get('/xss');
    const requestId = body.requestId!;
    await eventually(() => viewer.store.byRequestId.get(requestId));
    await page.locator('select[name=route]').selectOption('/users/:id');
    await page.waitForURL(/route=%2Fusers%2F%3Aid/);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('tr[data-trace-id] td:nth-child(3)')).every((td) => td.textContent === 'GET /users/:id') && document.querySelectorAll('tr[data-trace-id]').length === 4);
    await page.locator('input[name=q]').fill(`{"level":"info","msg":"request done","requestId":"${requestId}"}`);
    await page.locator('input[name=q]').press('Enter');
    const traceId = viewer.store.byRequestId.get(requestId)!;
    await page.waitForURL(`**/traces/${traceId}`);
    await page.getByText(requestId).first().waitFor();
  });

  it('shows the SERVER span first and its children after it, in order', async () => {
    await page.locator('.wf-row').first().waitFor();
    const names = await page.locator('.wf-row .span-name').allTextContents();
    const levels = await page.locator('.wf-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-level'))));
    expect(names[0]).toBe('GET /users/:id');
    expect(levels[0]).toBe(1);
    const db = names.indexOf('db.users.find');
    expect(db).toBeGreaterThan(0);
    expect(levels[db]).toBeGreaterThan(1);
    await page.locator('.wf-row', { hasText: 'db.users.find' }).click();
    await page.waitForURL(/span=/);
    await expect(page.locator('.details .span-title').textContent()).resolves.toBe('db.users.find');
    await expect(page.locator('.details table.attrs').first().textContent()).resolves.toContain('postgresql');
    await page.screenshot({ path: path.join(IMAGES, 'viewer-trace.png') });
  });

  it('groups two occurrences of the same error into one group of 2 with the source line of the throw', async () => {
    expect((await get('/checkout/fail')).status).toBe(500);
    expect((await get('/checkout/fail')).status).toBe(500);
    await eventually(() => viewer.store.errors.list(() => true).find((g) => g.count === 2));
    await page.goto(`${viewer.url}errors`);
    const row = page.locator('tr[data-fingerprint]');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    await expect(row.locator('td.count').textContent()).resolves.toBe('2');
    await expect(row.locator('.msg').textContent()).resolves.toBe('payment provider unavailable');
    await page.screenshot({ path: path.join(IMAGES, 'viewer-errors.png') });
    await row.locator('a').first().click();
    await page.waitForURL(/\/errors\/.+/);
    const hit = page.locator('pre.source div.hit').first();
    await hit.waitFor();
    await expect(hit.textContent()).resolves.toBe("3  throw new Error('payment provider unavailable');");
    await expect(page.locator('.frame.in-app .file').first().textContent()).resolves.toBe('payments.mjs:3:9');
    await page.screenshot({ path: path.join(IMAGES, 'viewer-error-group.png'), fullPage: true });
  });

  it('shows a span name and an attribute full of markup as text, and no script runs', async () => {
    const trace = [...viewer.store.traces.values()].find((t) => [...t.spans.values()].some((s) => s.name.startsWith('<img')))!;
    expect(trace).toBeDefined();
    await page.goto(`${viewer.url}traces/${trace.traceId}`);
    const row = page.locator('.wf-row', { hasText: '<img src=x onerror=alert(1)>' });
    await row.waitFor();
    await expect(row.locator('.span-name').textContent()).resolves.toBe('<img src=x onerror=alert(1)>');
    await row.click();
    const value = page.locator('.details table.attrs td', { hasText: '</script>' });
    await expect(value.first().textContent()).resolves.toBe('</script><script>alert(1)</script>');
    expect(await page.locator('.waterfall img, .details img, .details script').count()).toBe(0);
    await page.goto(`${viewer.url}traces?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    await page.locator('input[name=q]').waitFor();
    await new Promise((r) => setTimeout(r, 300));
    expect(dialogs).toEqual([]);
  });

  it('renders the routes view and the code inventory', async () => {
    await page.goto(`${viewer.url}routes?window=all`);
    await page.locator('table.routes').waitFor();
    const routes = await page.locator('table.routes tbody td:nth-child(2)').allTextContents();
    expect(routes).toEqual(expect.arrayContaining(['GET /users/:id', 'GET /checkout/fail', 'GET /xss']));
    await page.screenshot({ path: path.join(IMAGES, 'viewer-routes.png') });
    await page.goto(`${viewer.url}inventory`);
    await page.locator('table.inventory td', { hasText: 'payments.mjs' }).first().waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows snapshots with the breakpoints file, AI calls and metrics', async () => {
    fs.writeFileSync(path.join(root, '.tracekit', 'breakpoints.json'), JSON.stringify({ breakpoints: [{ id: 'b1', label: 'cart totals', file: 'src/cart.ts', line: 12, function: 'total', enabled: true, captures: 1, maxCaptures: 100 }], probes: [] }));
    const snapshot = logsRequest('shop-test', [{ eventName: 'tracekit.snapshot', body: JSON.stringify({ cart: { items: 2, total: 99.5 } }), attrs: { 'tracekit.breakpoint.label': 'cart totals', 'code.filepath': 'src/cart.ts', 'code.lineno': 12 } }]);
    expect((await request(viewer, 'POST', '/v1/logs', { 'content-type': 'application/json' }, JSON.stringify(snapshot))).status).toBe(200);
    await page.goto(`${viewer.url}snapshots`);
    await page.locator('article.snapshot pre.vars', { hasText: '"total": 99.5' }).waitFor();
    // The breakpoints table comes from its own request (/api/breakpoints): wait for it, then count.
    await page.locator('table.breakpoints td', { hasText: 'cart totals' }).first().waitFor();
    await expect(page.locator('table.breakpoints td', { hasText: 'cart totals' }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(IMAGES, 'viewer-snapshots.png') });
    // The Disarm button writes the file through the viewer's API; the row then offers Arm.
    const bpFile = path.join(root, '.tracekit', 'breakpoints.json');
    await page.getByRole('button', { name: 'Disarm b1' }).click();
    await page.getByRole('button', { name: 'Arm b1' }).waitFor();
    expect((JSON.parse(fs.readFileSync(bpFile, 'utf8')) as { breakpoints: Array<{ id: string; enabled: boolean }> }).breakpoints[0]).toMatchObject({ id: 'b1', enabled: false });
    await page.getByRole('button', { name: 'Arm b1' }).click();
    await page.getByRole('button', { name: 'Disarm b1' }).waitFor();
    expect((JSON.parse(fs.readFileSync(bpFile, 'utf8')) as { breakpoints: Array<{ id: string; enabled: boolean; captures: number }> }).breakpoints[0]).toMatchObject({ id: 'b1', enabled: true, captures: 0 });

    const ai = traceRequest('shop-test', [{ traceId: tid(77), spanId: sid(77), name: 'chat gpt-4o-mini', kind: 3, ms: 640, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 812, 'gen_ai.usage.output_tokens': 96, 'tracekit.cost.usd': 0.00018, 'gen_ai.response.time_to_first_chunk': 0.21 } }], Date.now());
    expect((await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json' }, JSON.stringify(ai))).status).toBe(200);
    await page.goto(`${viewer.url}ai`);
    await page.locator('table.ai td', { hasText: 'gpt-4o-mini' }).first().waitFor();
    await expect(page.locator('table.ai td.num', { hasText: '$0.00018' }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(IMAGES, 'viewer-ai.png') });

    const now = String(BigInt(Date.now()) * 1_000_000n);
    const runtime = { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-test' } }] }, scopeMetrics: [{ metrics: [
      { name: 'nodejs.eventloop.delay.p99', unit: 's', gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 0.0121 }] } },
      { name: 'v8js.memory.heap.used', unit: 'By', gauge: { dataPoints: [{ timeUnixNano: now, asInt: '48211968', attributes: [{ key: 'v8js.heap.space.name', value: { stringValue: 'old_space' } }] }] } },
    ] }] }] };
    expect((await request(viewer, 'POST', '/v1/metrics', { 'content-type': 'application/json' }, JSON.stringify(runtime))).status).toBe(200);
    await page.goto(`${viewer.url}metrics`);
    await page.locator('table.metrics td', { hasText: 'nodejs.eventloop.delay.p99' }).waitFor();
    await expect(page.locator('table.metrics td.num', { hasText: '48,211,968' }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(IMAGES, 'viewer-metrics.png') });
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
