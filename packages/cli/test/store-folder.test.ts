import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, request, tempProject, testViewer } from './helpers.js';
import { logsRequest, sid, tid, traceRequest } from './otlp-builders.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
function project(): { root: string; dir: string } {
  const root = tempProject();
  roots.push(root);
  const dir = path.join(root, '.tracekit');
  fs.mkdirSync(dir);
  return { root, dir };
}
const line = (n: number, service = 'files') => JSON.stringify(traceRequest(service, [{ traceId: tid(n), spanId: sid(n), name: `GET /n${n}`, kind: 2, attrs: { 'tracekit.request_id': `file-${n}` } }])) + '\n';

describe('the store folder', () => {
  it('loads rotated and live files on start, oldest first, and skips malformed lines', async () => {
    const { root, dir } = project();
    fs.writeFileSync(path.join(dir, 'traces.2.jsonl'), line(1));
    fs.writeFileSync(path.join(dir, 'traces.1.jsonl'), line(2) + 'not json\n');
    fs.writeFileSync(path.join(dir, 'traces.jsonl'), line(3));
    fs.writeFileSync(path.join(dir, 'logs.jsonl'), JSON.stringify(logsRequest('files', [{ body: 'hello', traceId: tid(3) }])) + '\n');
    const viewer = await testViewer(root);
    try {
      expect([...viewer.store.traces.keys()]).toEqual([tid(1), tid(2), tid(3)]);
      expect(viewer.loaded.map((f) => path.basename(f))).toEqual(['traces.2.jsonl', 'traces.1.jsonl', 'traces.jsonl', 'logs.jsonl']);
      expect(viewer.follower.skipped).toBe(1);
      const trace = (await request(viewer, 'GET', `/api/traces/${tid(3)}`)).json();
      expect(trace.logs.map((l: { body: string }) => l.body)).toEqual(['hello']);
    } finally {
      await viewer.close();
    }
  });

  it('follows appends (a line written in two parts too) and rotation while running', async () => {
    const { root, dir } = project();
    const live = path.join(dir, 'traces.jsonl');
    fs.writeFileSync(live, line(1));
    const viewer = await testViewer(root);
    try {
      const half = line(2);
      fs.appendFileSync(live, half.slice(0, 40));
      await viewer.follower.poll();
      fs.appendFileSync(live, half.slice(40));
      await eventually(() => viewer.store.traces.get(tid(2)));
      // The app rotates: the rest of the old file is read under its new name, then the new file.
      fs.appendFileSync(live, line(3));
      fs.renameSync(live, path.join(dir, 'traces.1.jsonl'));
      fs.writeFileSync(live, line(4));
      await eventually(() => viewer.store.traces.get(tid(4)));
      expect([...viewer.store.traces.keys()]).toEqual([tid(1), tid(2), tid(3), tid(4)]);
    } finally {
      await viewer.close();
    }
  });

  it('appends received data to the store, does not read it back twice, and a restart keeps it', async () => {
    const { root, dir } = project();
    const viewer = await testViewer(root);
    const body = JSON.stringify(traceRequest('otlp', [{ traceId: tid(9), spanId: sid(9), name: 'received' }]));
    expect((await request(viewer, 'POST', '/v1/traces', { 'content-type': 'application/json' }, body)).status).toBe(200);
    const logs = JSON.stringify(logsRequest('otlp', [{ body: 'once' }]));
    expect((await request(viewer, 'POST', '/v1/logs', { 'content-type': 'application/json' }, logs)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 150));
    await viewer.follower.poll();
    expect(viewer.store.logs.map((l) => l.body)).toEqual(['once']);
    expect(viewer.store.spanCount).toBe(1);
    await viewer.close();
    expect(fs.readFileSync(path.join(dir, 'traces.jsonl'), 'utf8')).toBe(body + '\n');
    const again = await testViewer(root);
    try {
      expect(again.store.traces.get(tid(9))?.root?.name).toBe('received');
      expect(again.store.logs.map((l) => l.body)).toEqual(['once']);
    } finally {
      await again.close();
    }
  });
});

describe('the commands', () => {
  const bin = new URL('../dist/bin.js', import.meta.url).pathname;

  it('tracekit open prints one trace by trace ID or request ID, and its viewer link', () => {
    const { root, dir } = project();
    fs.writeFileSync(path.join(dir, 'traces.1.jsonl'), line(1));
    fs.writeFileSync(path.join(dir, 'traces.jsonl'), line(2));
    const byRequest = execFileSync(process.execPath, [bin, 'open', 'file-1'], { cwd: root, encoding: 'utf8' });
    expect(byRequest).toContain(`trace ${tid(1)}`);
    expect(byRequest).not.toContain(tid(2));
    expect(byRequest).toContain(`http://127.0.0.1:4318/traces/${tid(1)}`);
    const byTraceparent = execFileSync(process.execPath, [bin, 'open', `00-${tid(2)}-${sid(2)}-01`], { cwd: root, encoding: 'utf8' });
    expect(byTraceparent).toContain('→ HTTP_REQUEST');
    expect(byTraceparent).toContain(`trace ${tid(2)}`);
    // The folder of TRACEKIT_FILE, as the app was told, when there is no --dir.
    const elsewhere = project();
    fs.writeFileSync(path.join(elsewhere.dir, 'traces.jsonl'), line(5));
    const viaEnv = execFileSync(process.execPath, [bin, 'open', 'file-5'], { cwd: root, encoding: 'utf8', env: { ...process.env, TRACEKIT_FILE: path.join(elsewhere.dir, 'traces.jsonl') } });
    expect(viaEnv).toContain(`trace ${tid(5)}`);
    const missing = spawnSync(process.execPath, [bin, 'open', 'nope'], { cwd: root, encoding: 'utf8' });
    expect([missing.status, missing.stderr]).toEqual([1, `tracekit: no trace "nope" in ${dir}\n`]);
  });

  it('tracekit ui prints its URL, and says clearly when the port is taken', async () => {
    const { root } = project();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const taken = spawnSync(process.execPath, [bin, 'ui', '--port', String(port), '--no-open'], { cwd: root, encoding: 'utf8', timeout: 10_000 });
      expect(taken.status).toBe(1);
      expect(taken.stderr).toContain(`tracekit ui: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
    const child = spawn(process.execPath, [bin, 'ui', '--port', '0', '--no-open', '--host', 'localhost'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const url = await eventually(() => /TraceKit viewer: (http:\/\/localhost:\d+\/)/.exec(out)?.[1]);
      expect((await fetch(`${url}api/stats`)).status).toBe(200);
      expect(out).toContain('/v1/traces');
    } finally {
      child.kill('SIGTERM');
    }
    // 192.0.2.1 (TEST-NET-1) is on no machine: the warning comes first, then binding fails.
    const remote = spawnSync(process.execPath, [bin, 'ui', '--host', '192.0.2.1', '--port', '0', '--no-open'], { cwd: root, encoding: 'utf8', timeout: 10_000 });
    expect(remote.status).toBe(1);
    expect(remote.stderr).toBe('tracekit ui: warning: listening on 192.0.2.1, not loopback: anyone who can reach this address can read your traces and send data to the viewer\ntracekit ui: cannot listen on 192.0.2.1: not an address of this machine\n');
    const bad = spawnSync(process.execPath, [bin, 'ui', '--port', 'abc'], { cwd: root, encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([2, 'tracekit ui: --port must be a number from 0 to 65535, got "abc"\n']);
  });
});
