import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { TracekitSpan, traceRequestEncoder } from '@tracekit/core/adapter';

const BIN = path.resolve(__dirname, '../dist/bin.js');
const PKG = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-bin-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the tracekit command (built)', () => {
  it('its bin entry is a committed file (npm links it at install, before any build) that runs the command', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    const bin = path.resolve(__dirname, '..', pkg.bin.tracekit!);
    const tracked = spawnSync('git', ['ls-files', '--error-unmatch', bin], { cwd: path.dirname(bin), encoding: 'utf8' });
    expect(tracked.status, `${pkg.bin.tracekit} must be in git: a fresh clone's npm install links only commands whose file exists`).toBe(0);
    expect(pkg.files).toContain(pkg.bin.tracekit!.replace(/^\.\//, '').split('/')[0]);
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(PKG.version);
  });

  it('prints its version', () => {
    for (const flag of ['--version', '-v']) {
      const r = spawnSync(process.execPath, [BIN, flag], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(PKG.version);
    }
  });

  it('a reader that stops early (| head) ends the command quietly, without an EPIPE stack trace', () => {
    // One trace big enough that its tree outgrows the pipe's buffer after head has gone.
    const encode = traceRequestEncoder({ resource: { 'service.name': 'shop' }, scope: { name: 't', version: '0' } });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const sink = { onEnd: () => undefined };
    const spans = [];
    for (let i = 0; i < 3000; i++) {
      const span = new TracekitSpan(sink, traceId, (i + 2).toString(16).padStart(16, '0'), '0000000000000001', 1, undefined, `step ${i} ${'x'.repeat(40)}`, SpanKind.INTERNAL, {}, 1_800_000_000_000 + i, undefined);
      span.end(1_800_000_000_001 + i);
      spans.push(span);
    }
    const root = new TracekitSpan(sink, traceId, '0000000000000001', undefined, 1, undefined, 'GET /items', SpanKind.SERVER, { 'url.path': '/items' }, 1_799_999_999_999, undefined);
    root.end(1_800_000_010_000);
    spans.push(root);
    const store = path.join(dir, 'traces.jsonl');
    fs.writeFileSync(store, encode(spans) + '\n');
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" open ${traceId} --dir "${dir}" | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
    expect(r.stdout.split('\n')[0]).toContain(traceId);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });
});
