import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { TracekitSpan, traceRequestEncoder } from '@tracekit/core/adapter';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-view-rotated-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const encode = traceRequestEncoder({ resource: { 'service.name': 'shop' }, scope: { name: 't', version: '0' } });
const sink = { onEnd: () => undefined };

/** One store line holding one SERVER span whose request ID is `requestId`. */
function line(n: number, requestId: string): string {
  const traceId = n.toString(16).padStart(32, 'a');
  const span = new TracekitSpan(sink, traceId, n.toString(16).padStart(16, '0'), undefined, 1, undefined, 'GET /r/:i', SpanKind.SERVER, { 'http.request.method': 'GET', 'url.path': `/r/${n}`, 'tracekit.request_id': requestId }, 1_800_000_000_000 + n, undefined);
  span.end(1_800_000_000_001 + n);
  return `${encode([span])}\n`;
}

function view(cwd: string, ...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRACEKIT_')));
  return spawnSync(process.execPath, ['--import', TSX, BIN, 'view', ...args], { cwd, env, encoding: 'utf8' });
}

const requestIds = (out: string) => [...out.matchAll(/request (rot-\d+)/g)].map((m) => m[1]);

describe('tracekit view: rotated store files', () => {
  // The file exporter's rotation: traces.1.jsonl is the newest rotated file, traces.3.jsonl the oldest.
  const store = path.join(root, '.tracekit');
  fs.mkdirSync(store);
  fs.writeFileSync(path.join(store, 'traces.3.jsonl'), line(1, 'rot-1') + line(2, 'rot-2'));
  fs.writeFileSync(path.join(store, 'traces.2.jsonl'), line(3, 'rot-3'));
  fs.writeFileSync(path.join(store, 'traces.1.jsonl'), line(4, 'rot-4') + line(5, 'rot-5'));
  fs.writeFileSync(path.join(store, 'traces.jsonl'), line(6, 'rot-6'));
  fs.writeFileSync(path.join(store, 'logs.1.jsonl'), '{"resourceLogs":[]}\n');

  it('prints the traces of every rotated file, oldest first, then the live file', () => {
    const r = view(root);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(requestIds(r.stdout)).toEqual(['rot-1', 'rot-2', 'rot-3', 'rot-4', 'rot-5', 'rot-6']);
    // The same for the live file named explicitly.
    expect(requestIds(view(os.tmpdir(), path.join(store, 'traces.jsonl')).stdout)).toEqual(['rot-1', 'rot-2', 'rot-3', 'rot-4', 'rot-5', 'rot-6']);
  });

  it('reads only the file named when it is not a live traces file', () => {
    expect(requestIds(view(root, path.join(store, 'traces.1.jsonl')).stdout)).toEqual(['rot-4', 'rot-5']);
  });

  it('still reads the rotated files when the live one is not there yet', () => {
    const dir = fs.mkdtempSync(path.join(root, 'only-rotated-'));
    fs.mkdirSync(path.join(dir, '.tracekit'));
    fs.writeFileSync(path.join(dir, '.tracekit', 'traces.1.jsonl'), line(7, 'rot-7'));
    expect(requestIds(view(dir).stdout)).toEqual(['rot-7']);
    const empty = fs.mkdtempSync(path.join(root, 'empty-'));
    const none = view(empty);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no store at');
  });
});
