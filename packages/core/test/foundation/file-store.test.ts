import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, init, shutdown, startSpan, withSpan } from '../../src/adapter-api.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-store-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await shutdown();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const spanNames = (file: string) => lines(file).flatMap((l) => JSON.parse(l).resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name));

describe('the embedded file store', () => {
  it('writes one OTLP/JSON export request per line, in batches', async () => {
    const dir = tmp();
    const file = path.join(dir, 'nested', 'traces.jsonl');
    init({ file, handleShutdown: false, serviceName: 'store-test', maxBatchSize: 4 }, { env: {} });
    for (let i = 0; i < 10; i++) startSpan(`op-${i}`).end();
    await flush();
    const ls = lines(file);
    expect(ls.length).toBe(3); // 4 + 4 + 2
    const first = JSON.parse(ls[0] as string);
    expect(first.resourceSpans[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'store-test' } });
    expect(spanNames(file)).toEqual(Array.from({ length: 10 }, (_, i) => `op-${i}`));
  });

  it('rotates by size, keeping maxFiles rotated files, newest first', async () => {
    const dir = tmp();
    const file = path.join(dir, 'traces.jsonl');
    init({ file, handleShutdown: false, maxFileBytes: 4096, maxFiles: 2, maxBatchSize: 2 }, { env: {} });
    for (let i = 0; i < 40; i++) {
      await withSpan(`rotating-${String(i).padStart(2, '0')}`, () => undefined, { payload: 'x'.repeat(200) });
      if (i % 2 === 1) await flush();
    }
    await flush();
    const rotated1 = path.join(dir, 'traces.1.jsonl');
    const rotated2 = path.join(dir, 'traces.2.jsonl');
    expect(fs.existsSync(rotated1)).toBe(true);
    expect(fs.existsSync(rotated2)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'traces.3.jsonl'))).toBe(false);
    for (const f of [file, rotated1, rotated2]) {
      expect(fs.statSync(f).size).toBeLessThanOrEqual(4096);
      for (const l of lines(f)) expect(() => JSON.parse(l)).not.toThrow();
    }
    // The newest spans are in the live file; older ones in .1, older still in .2; the oldest are gone.
    const live = spanNames(file);
    const one = spanNames(rotated1);
    const two = spanNames(rotated2);
    expect(live.at(-1)).toBe('rotating-39');
    expect(one.at(-1)! < live[0]!).toBe(true);
    expect(two.at(-1)! < one[0]!).toBe(true);
    expect(two[0]).not.toBe('rotating-00');
  });

  it('never writes synchronously while the process runs', async () => {
    const dir = tmp();
    const file = path.join(dir, 'traces.jsonl');
    init({ file, handleShutdown: false, maxBatchSize: 8 }, { env: {} });
    const sync = { appendFileSync: fs.appendFileSync, writeFileSync: fs.writeFileSync, writeSync: fs.writeSync };
    let syncWrites = 0;
    fs.appendFileSync = ((...a: Parameters<typeof fs.appendFileSync>) => (syncWrites++, sync.appendFileSync(...a))) as typeof fs.appendFileSync;
    fs.writeFileSync = ((...a: Parameters<typeof fs.writeFileSync>) => (syncWrites++, sync.writeFileSync(...a))) as typeof fs.writeFileSync;
    fs.writeSync = ((...a: Parameters<typeof fs.writeSync>) => (syncWrites++, (sync.writeSync as (...x: unknown[]) => number)(...a))) as typeof fs.writeSync;
    try {
      for (let i = 0; i < 50; i++) startSpan(`async-${i}`).end();
      await flush();
    } finally {
      Object.assign(fs, sync);
    }
    expect(syncWrites).toBe(0);
    expect(spanNames(file)).toHaveLength(50);
  });
});
