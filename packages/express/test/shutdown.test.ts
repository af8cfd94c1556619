import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// These tests run the BUILT package (npm test builds first), as a user's process would.
const fixture = new URL('./fixtures/shutdown-app.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function startApp(mode: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-shutdown-'));
  dirs.push(dir);
  const store = path.join(dir, 'traces.jsonl');
  const child = spawn(process.execPath, [fixture], { env: { ...process.env, MODE: mode, TRACEKIT_FILE: store }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      stdout += c;
      const m = /listening (\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((e) => reject(new Error(`exited early: ${JSON.stringify(e)} ${stderr}`)));
  });
  return { child, port, store, exited, output: () => stdout, errors: () => stderr };
}

function serverSpans(store: string) {
  if (!fs.existsSync(store)) return [];
  return fs
    .readFileSync(store, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => JSON.parse(line).resourceSpans[0].scopeSpans[0].spans as Array<{ kind: number; name: string }>)
    .filter((s) => s.kind === 2);
}

describe('shutdown', () => {
  it('SIGTERM without an app handler: flushes every span, then the process ends by the signal', async () => {
    const app = await startApp('plain');
    for (let i = 0; i < 3; i++) await (await fetch(`http://127.0.0.1:${app.port}/work/${i}`)).text();
    expect(serverSpans(app.store)).toHaveLength(0); // still buffered (batch delay 60 s)
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const spans = serverSpans(app.store);
    expect(spans.map((s) => s.name)).toEqual(['GET /work/:n', 'GET /work/:n', 'GET /work/:n']);
    expect(app.errors()).toBe('');
  });

  it('SIGTERM with the app’s own handler: TraceKit only flushes; the app decides how to exit', async () => {
    const app = await startApp('own-handler');
    await (await fetch(`http://127.0.0.1:${app.port}/work/1`)).text();
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain('app handler ran');
    expect(serverSpans(app.store)).toHaveLength(1);
  });

  it('process.exit(3): spans are written synchronously at exit and the exit code is kept', async () => {
    const app = await startApp('exit-code');
    await (await fetch(`http://127.0.0.1:${app.port}/work/1`)).text();
    expect(await app.exited).toEqual({ code: 3, signal: null });
    expect(serverSpans(app.store)).toHaveLength(1);
  });

  it('a process whose event loop empties flushes and exits 0 on its own', async () => {
    const app = await startApp('drain');
    await (await fetch(`http://127.0.0.1:${app.port}/work/1`, { headers: { connection: 'close' } })).text();
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(serverSpans(app.store)).toHaveLength(1);
  });
});
