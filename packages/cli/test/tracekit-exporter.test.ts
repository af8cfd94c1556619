import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/ui/server/viewer-server.js';
import { eventually, request, tempProject, testViewer } from './helpers.js';
import { SHOP_DIR, startShop } from './shop-app.js';

let root: string;
let viewer: Viewer;
beforeAll(async () => {
  root = tempProject();
  viewer = await testViewer(SHOP_DIR, { dir: `${root}/.tracekit` });
});
afterAll(async () => {
  await viewer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("TraceKit's own OTLP exporter sending to the viewer", () => {
  for (const [label, env] of [
    ['protobuf', {}],
    ['JSON with gzip', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }],
  ] as const) {
    it(`ingests ${label}: request spans with their request IDs, and error details`, async () => {
      const shop = await startShop({ TRACEKIT_ENDPOINT: viewer.url.replace(/\/$/, ''), TRACEKIT_SERVICE_NAME: `shop-${label}`, ...env });
      try {
        const user = (await (await fetch(`${shop.url}/users/7`)).json()) as { requestId: string };
        expect((await fetch(`${shop.url}/checkout/fail`)).status).toBe(500);
        const traceId = await eventually(() => viewer.store.byRequestId.get(user.requestId));
        const trace = await eventually(() => {
          const t = viewer.store.traces.get(traceId);
          return t && t.spans.size >= 2 ? t : undefined;
        });
        expect(trace.summary()).toMatchObject({ method: 'GET', route: '/users/:id', statusCode: 200, service: `shop-${label}`, requestId: user.requestId });
        const names = [...trace.spans.values()].map((s) => s.name).sort();
        expect(names).toContain('GET /users/:id');
        expect(names).toContain('db.users.find');
        const db = [...trace.spans.values()].find((s) => s.name === 'db.users.find')!;
        expect(db.attributes['db.system.name']).toBe('postgresql');
        expect(db.parentSpanId).not.toBe('');

        const group = await eventually(() => viewer.store.errors.list(() => true).find((g) => g.services.includes(`shop-${label}`)));
        expect(group).toMatchObject({ type: 'Error', message: 'payment provider unavailable' });
        const frame = group.frames.find((f) => f.in_app);
        expect(frame).toMatchObject({ file: 'payments.mjs', line: 3, function: 'chargeCard' });
        expect(frame!.context_line).toContain("throw new Error('payment provider unavailable')");
        const api = await request(viewer, 'GET', `/api/errors/${encodeURIComponent(group.fingerprint)}`);
        // Both runs throw the same error: one group across the two services.
        const g = api.json();
        expect(g.routes).toEqual([{ route: '/checkout/fail', count: g.count }]);
      } finally {
        await shop.stop();
      }
    });
  }

  it("reads the file exporter's store: traces, error details and the code inventory written at shutdown", async () => {
    const dir = path.join(root, 'file-store');
    const shop = await startShop({ TRACEKIT_FILE: path.join(dir, 'traces.jsonl'), TRACEKIT_SERVICE_NAME: 'shop-file' });
    const user = (await (await fetch(`${shop.url}/users/3`)).json()) as { requestId: string };
    expect((await fetch(`${shop.url}/checkout/fail`)).status).toBe(500);
    await shop.stop();
    const fromFiles = await testViewer(SHOP_DIR, { dir, persist: false });
    try {
      const traceId = fromFiles.store.byRequestId.get(user.requestId)!;
      expect(fromFiles.store.traces.get(traceId)!.summary()).toMatchObject({ route: '/users/:id', service: 'shop-file', statusCode: 200 });
      const [group] = fromFiles.store.errors.list(() => true);
      expect(group).toMatchObject({ message: 'payment provider unavailable', count: 1, routes: [{ route: '/checkout/fail', count: 1 }] });
      const inventory = (await request(fromFiles, 'GET', '/api/inventory')).json();
      expect(inventory).toContainEqual(expect.objectContaining({ service: 'shop-file', file: 'payments.mjs', function: 'chargeCard', line: 3, count: 1, errors: [expect.objectContaining({ fingerprint: group!.fingerprint })] }));
    } finally {
      await fromFiles.close();
    }
  });
});
