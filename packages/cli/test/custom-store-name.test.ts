import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testViewer } from './helpers.js';

// A store with a name of its own (TRACEKIT_FILE=…/shop-spans.jsonl), rotated by TraceKit's real
// file exporter into shop-spans.1.jsonl, shop-spans.2.jsonl…: view, open, tail and ui read it all.
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const TSX = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;
const WRITER = fileURLToPath(new URL('./fixtures/store-writer/write.mjs', import.meta.url));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-custom-store-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRACEKIT_')));

/** A child whose output is collected, with a wait for text to appear (bounded to 10 s). */
function start(args: string[], env: Record<string, string>): { child: ChildProcessWithoutNullStreams; out: () => string; waitFor: (text: string) => Promise<void> } {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...cleanEnv(), ...env } });
  children.push(child);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    if (!out.includes(text)) throw new Error(`no "${text}" in:\n${out}`);
  };
  return { child, out: () => out, waitFor };
}

function tracekit(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', TSX, BIN, ...args], { cwd: root, env: { ...cleanEnv(), ...env }, encoding: 'utf8' });
}

const jobs = (out: string) => [...out.matchAll(/INTERNAL (job-\d+)/g)].map((m) => m[1]);

describe('a store with a name of its own, rotated by the file exporter', () => {
  const dir = path.join(root, 'store');
  const store = path.join(dir, 'shop-spans.jsonl');

  it('view (TRACEKIT_FILE or the file named) and open read its rotated files, oldest first', async () => {
    const writer = start([WRITER], { STORE: store });
    writer.child.stdin.write('write job-1 job-2 job-3 job-4\n');
    await writer.waitFor('wrote job-1 job-2 job-3 job-4');
    writer.child.stdin.end('end\n');
    await new Promise((r) => writer.child.once('exit', r));
    // One line a file: job-1 was rotated three times.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('shop-spans')).sort()).toEqual(['shop-spans.1.jsonl', 'shop-spans.2.jsonl', 'shop-spans.3.jsonl', 'shop-spans.jsonl']);
    expect(fs.readFileSync(path.join(dir, 'shop-spans.3.jsonl'), 'utf8')).toContain('"job-1"');

    const viaEnv = tracekit(['view'], { TRACEKIT_FILE: store });
    expect([viaEnv.status, viaEnv.stderr]).toEqual([0, '']);
    expect(jobs(viaEnv.stdout)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
    expect(jobs(tracekit(['view', store], {}).stdout)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
    // A rotated file named on its own is read alone.
    expect(jobs(tracekit(['view', path.join(dir, 'shop-spans.2.jsonl')], {}).stdout)).toEqual(['job-2']);

    // open finds job-1, which is only in the oldest rotated file.
    const traceId = /trace ([0-9a-f]{32}) {2}\(1 span, shop\)\n {2}· INTERNAL job-1/.exec(viaEnv.stdout)?.[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const opened = tracekit(['open', traceId!], { TRACEKIT_FILE: store });
    expect([opened.status, opened.stderr]).toEqual([0, '']);
    expect(jobs(opened.stdout)).toEqual(['job-1']);
  });

  it('tail reads the lines written before each rotation, even several rotations between two looks', async () => {
    const other = path.join(root, 'tail', 'shop-spans.jsonl');
    const tail = start(['--import', TSX, BIN, 'tail', other], {});
    await tail.waitFor(`tracekit: following ${other}`);
    const writer = start([WRITER], { STORE: other });
    writer.child.stdin.write('write job-1\n');
    await writer.waitFor('wrote job-1');
    await tail.waitFor('job-1');
    // Three spans back to back: each rotates the file, all within one of tail's 250 ms looks (usually).
    writer.child.stdin.write('write job-2 job-3 job-4\n');
    await writer.waitFor('wrote job-2 job-3 job-4');
    await tail.waitFor('job-4');
    writer.child.stdin.write('write job-5\n');
    await tail.waitFor('job-5');
    expect(jobs(tail.out())).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
    writer.child.stdin.end('end\n');
    tail.child.kill('SIGTERM');
  });

  it('the viewer loads it with its rotated files and follows it through several rotations between two polls; tracekit ui does so from TRACEKIT_FILE', async () => {
    const own = path.join(root, 'ui', 'shop-spans.jsonl');
    const writer = start([WRITER], { STORE: own });
    writer.child.stdin.write('write job-1 job-2\n');
    await writer.waitFor('wrote job-1 job-2');
    // Polled by hand only (an hour between polls otherwise).
    const viewer = await testViewer(root, { dir: path.dirname(own), storeFile: { file: own, kind: 'traces' }, followIntervalMs: 3_600_000, persist: false });
    const names = () => [...viewer.store.traces.values()].flatMap((t) => [...t.spans.values()].map((s) => s.name)).sort();
    try {
      expect(viewer.loaded.map((f) => path.basename(f))).toEqual(['shop-spans.1.jsonl', 'shop-spans.jsonl']);
      expect(names()).toEqual(['job-1', 'job-2']);
      // Three rotations before the next poll: job-2's file is now shop-spans.3.jsonl.
      writer.child.stdin.write('write job-3 job-4 job-5\n');
      await writer.waitFor('wrote job-3 job-4 job-5');
      await viewer.follower.poll();
      expect(names()).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
    } finally {
      await viewer.close();
      writer.child.stdin.end('end\n');
    }
    const ui = start(['--import', TSX, BIN, 'ui', '--port', '0', '--no-open', '--no-persist'], { TRACEKIT_FILE: own });
    await ui.waitFor('Ctrl-C to stop');
    const url = /TraceKit viewer: (\S+)/.exec(ui.out())![1]!;
    const stats = (await (await fetch(`${url}api/stats`)).json()) as { traces: number; spans: number };
    expect([stats.traces, stats.spans]).toEqual([5, 5]);
    ui.child.kill('SIGTERM');
  });
});
