import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { TracekitSpan, traceRequestEncoder } from '@tracekit/core/adapter';
import { parseStoreLine, readStore, renderTraces } from '../src/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const sink = { onEnd: () => undefined };
const base = 1_800_000_000_000;

function storeLine(): string {
  const server = new TracekitSpan(sink, T, '1111111111111111', undefined, 1, undefined, 'GET /users/:id', SpanKind.SERVER, {
    'http.request.method': 'GET', 'url.path': '/users/42', 'url.query': 'verbose=1', 'http.route': '/users/:id', 'tracekit.request_id': 'req-1', 'http.response.status_code': 500,
  }, base, undefined);
  server.addEvent('exception', { 'exception.type': 'TypeError', 'exception.message': 'boom' }, base + 1);
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const handler = new TracekitSpan(sink, T, '2222222222222222', '1111111111111111', 1, undefined, 'handler getUser', SpanKind.INTERNAL, {}, base + 0.5, undefined);
  const client = new TracekitSpan(sink, T, '3333333333333333', '2222222222222222', 1, undefined, 'GET', SpanKind.CLIENT, { 'url.full': 'http://inventory/items', 'http.response.status_code': 200 }, base + 1, undefined);
  client.end(base + 3);
  handler.end(base + 4);
  server.end(base + 5.25);
  return traceRequestEncoder({ resource: { 'service.name': 'shop' }, scope: { name: 't', version: '0' } })([client, handler, server]);
}

describe('tracekit view', () => {
  it('reads the store back and renders one tree per trace', () => {
    const spans = parseStoreLine(storeLine());
    expect(spans.map((s) => s.name)).toEqual(['GET', 'handler getUser', 'GET /users/:id']);
    expect(spans[2]?.attributes['http.response.status_code']).toBe(500);
    expect(renderTraces(spans).split('\n')).toEqual([
      `trace ${T}  (3 spans, shop)`,
      '  → HTTP_REQUEST GET /users/42?verbose=1  route /users/:id  request req-1',
      '    ✗ EXCEPTION TypeError: boom',
      '    · INTERNAL handler getUser  3.50 ms',
      '      · CLIENT GET http://inventory/items → 200  2.00 ms',
      '  ← HTTP_RESPONSE 500 5.25 ms  ERROR',
      '',
    ]);
  });

  it('skips malformed lines and counts them', () => {
    const file = path.join(dir, 'mixed.jsonl');
    fs.writeFileSync(file, `${storeLine()}\nnot json\n{"resourceSpans":[]}\n`);
    const { spans, skipped } = readStore(file);
    expect(spans).toHaveLength(3);
    expect(skipped).toBe(1);
  });

  it('the built command prints the store and fails clearly without one', () => {
    const bin = new URL('../dist/bin.js', import.meta.url).pathname;
    const file = path.join(dir, 'traces.jsonl');
    fs.writeFileSync(file, `${storeLine()}\n`);
    const out = execFileSync(process.execPath, [bin, 'view', file], { encoding: 'utf8' });
    expect(out).toContain('→ HTTP_REQUEST GET /users/42?verbose=1');
    expect(out).toContain('← HTTP_RESPONSE 500 5.25 ms  ERROR');
    const missing = spawnSync(process.execPath, [bin, 'view', path.join(dir, 'nope.jsonl')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no store at');
    const unknown = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
  });
});
