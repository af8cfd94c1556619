import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, shutdown } from '../../src/adapter-api.js';
import { encodeSpoolFile, spoolFileName } from '../../src/export/spool-file.js';
import { encodeTraces } from '../../src/export/otlp-encoding.js';
import { TracekitSpan } from '../../src/tracing/span.js';
import { refusedUrl, startReceiver, waitFor, type Receiver } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(here, 'fixtures', 'spool-app.mjs');
const DIST = path.resolve(here, '../../dist/index.js');

let receiver: Receiver | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await shutdown();
  await receiver?.close();
  receiver = undefined;
});

const tmpSpool = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tk-spool-')), 'spool');
const FAST_ENV = { TRACEKIT_EXPORT_MAX_RETRIES: '1', TRACEKIT_RETRY_INITIAL_DELAY_MS: '10', TRACEKIT_RETRY_MAX_DELAY_MS: '50', TRACEKIT_BATCH_DELAY_MS: '20' };

/** Runs the fixture app on the built package and resolves with its stdout and exit code. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [APP, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Complete spool files, including one a replay had claimed (`<name>.claim-<pid>`). */
const spoolFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /\.tkspool(\.claim-\d+)?$/.test(n)) : []);
const itemsIn = (names: string[]) => names.reduce((n, name) => n + Number(/-(\d+)\.tkspool/.exec(name)![1]), 0);

/** A valid spool file holding `n` spans, written the way the exporter writes them. */
function writeSpoolFile(dir: string, created: number, n: number, seq = 0): { name: string; ids: string[] } {
  const sink = { onEnd: () => undefined };
  const spans = Array.from({ length: n }, (_, i) => {
    const s = new TracekitSpan(sink, 'a'.repeat(31) + String(i % 10), (seq * 100 + i + 1).toString(16).padStart(16, '0'), undefined, 1, undefined, `seeded-${i}`, undefined, { i }, undefined, undefined);
    s.end();
    return s;
  });
  const body = encodeTraces(spans, { resource: { 'service.name': 'seed' }, scope: { name: 'seed', version: '1' } }, 'http/protobuf');
  const name = spoolFileName(created, 999_999, seq, 'traces', n);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), encodeSpoolFile({ signal: 'traces', contentType: 'application/x-protobuf', encoding: 'identity', items: n, body }));
  return { name, ids: spans.map((s) => s.spanId) };
}

describe('disk spool (in process)', () => {
  it('replays oldest-first after a restart of the client, and quarantines corrupt and foreign files without crashing', async () => {
    const dir = tmpSpool();
    const old = writeSpoolFile(dir, Date.now() - 60_000, 3, 1);
    const newer = writeSpoolFile(dir, Date.now() - 30_000, 2, 2);
    // A valid name with a damaged body, a truncated copy of a good file, and a stranger.
    fs.writeFileSync(path.join(dir, spoolFileName(Date.now() - 45_000, 999_999, 3, 'traces', 5)), 'TKSPOOL1\n{"v":1}\nnot protobuf');
    const good = fs.readFileSync(path.join(dir, newer.name));
    fs.writeFileSync(path.join(dir, spoolFileName(Date.now() - 40_000, 999_999, 4, 'traces', 2)), good.subarray(0, good.length - 5));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    // A directory is never moved (a spoolDir pointed at a shared directory must not lose anything).
    fs.mkdirSync(path.join(dir, 'keep-me'));
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));

    receiver = await startReceiver();
    const client = init({ exporter: 'otlp', endpoint: receiver.url, spoolDir: dir, handleShutdown: false }, { env: {} });
    await receiver.until((r) => r.spans().length >= 5);
    await waitFor(() => client.stats().spoolFiles === 0 && client.stats().spoolQuarantined === 3, 5000, 'replayed');
    // Oldest first: the 3-span file, then the 2-span file.
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.spans().map((s) => s.spanId)).toEqual([...old.ids, ...newer.ids]);
    expect(client.stats()).toMatchObject({ spansExported: 5, spoolQuarantined: 3, spoolFiles: 0 });
    expect(fs.readdirSync(path.join(dir, 'quarantine'))).toHaveLength(3);
    expect(fs.readdirSync(dir).filter((n) => n !== 'quarantine').sort()).toEqual(['keep-me']);
    const reports = lines.filter((l) => l.includes('TK_SPOOL_QUARANTINED'));
    expect(reports).toHaveLength(3);
    expect(reports.join('')).toMatch(/checksum mismatch|truncated/);
    expect(reports.join('')).toContain('notes.txt');
  });

  it('drops files older than spoolMaxAgeMs and, when full, the oldest first, counting their spans', async () => {
    const dir = tmpSpool();
    writeSpoolFile(dir, Date.now() - 10 * 60_000, 4, 1);
    const a = writeSpoolFile(dir, Date.now() - 20_000, 50, 2);
    const b = writeSpoolFile(dir, Date.now() - 10_000, 50, 3);
    const bytes = fs.statSync(path.join(dir, b.name)).size;
    const url = await refusedUrl();
    // Room for one and a half files: the expired one goes by age, then the older of the two by size.
    const client = init({ exporter: 'otlp', endpoint: url, spoolDir: dir, spoolMaxAgeMs: 5 * 60_000, spoolMaxBytes: Math.floor(bytes * 1.5), handleShutdown: false, retryInitialDelayMs: 60_000 }, { env: {} });
    await waitFor(() => client.stats().spansSpoolDropped === 54, 5000, 'dropped by bounds');
    expect(client.stats()).toMatchObject({ spoolFiles: 1, spansSpoolDropped: 54 });
    // The counters move when a drop is decided; the file itself goes with an asynchronous unlink.
    await waitFor(() => !fs.existsSync(path.join(dir, a.name)), 5000, 'the older file removed');
    // (b may be claimed by a replay attempt against the refusing endpoint at this moment)
    expect(spoolFiles(dir).map((n) => n.replace(/\.claim-\d+$/, ''))).toEqual([b.name]);
    expect(fs.existsSync(path.join(dir, a.name))).toBe(false);
  });
});

describe('disk spool failures', () => {
  it('a spool that cannot be written drops the batch with one diagnostic line and counts it, without crashing', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-spool-'));
    const blocker = path.join(base, 'not-a-dir');
    fs.writeFileSync(blocker, 'a file where the spool directory should be');
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const client = init({ exporter: 'otlp', endpoint: await refusedUrl(), spoolDir: path.join(blocker, 'spool'), handleShutdown: false, batchDelayMs: 10, maxExportRetries: 0 }, { env: {} });
    for (let i = 0; i < 3; i++) client.tracer.startSpan(`s${i}`).end();
    await waitFor(() => client.stats().spansSpoolDropped === 3, 5000, 'dropped');
    expect(client.stats()).toMatchObject({ spansSpooled: 0, spansSpoolDropped: 3, exportFailures: 1, spoolFiles: 0 });
    expect(lines.filter((l) => l.includes('TK_SPOOL_WRITE'))).toHaveLength(1);
  });
});

describe('disk spool across processes (built package)', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error('build @tracekit/core first: cd packages/core && npx tsup');
  });

  it.each([
    ['a natural exit (beforeExit flush)', []],
    ['process.exit() (the exit hook spools synchronously)', ['exit']],
  ])('spans spooled during an outage at %s are replayed by the next start of the app', async (_label, extra) => {
    const dir = tmpSpool();
    const down = await refusedUrl();
    const first = await run(['produce', '20', ...extra], { ...FAST_ENV, TRACEKIT_ENDPOINT: down, TRACEKIT_SPOOL_DIR: dir });
    expect(first.code).toBe(0);
    const ids = JSON.parse(first.stdout.trim()) as string[];
    expect(ids).toHaveLength(20);
    expect(itemsIn(spoolFiles(dir))).toBe(20);

    receiver = await startReceiver();
    const second = await run(['replay', '20'], { ...FAST_ENV, TRACEKIT_ENDPOINT: receiver.url, TRACEKIT_SPOOL_DIR: dir });
    expect(second.code).toBe(0);
    const stats = JSON.parse(second.stdout.trim()) as Record<string, number>;
    expect(stats).toMatchObject({ spansExported: 20, spoolFiles: 0, spoolQuarantined: 0 });
    const got = receiver.spans().map((s) => s.spanId as string);
    expect(got.sort()).toEqual([...ids].sort());
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('SIGTERM with a hanging endpoint: the flush is bounded, the batch is spooled, and the process still ends by the signal', async () => {
    const dir = tmpSpool();
    receiver = await startReceiver(() => 'hang');
    const child = spawn(process.execPath, [APP, 'hold', '7'], {
      env: { PATH: process.env.PATH ?? '', ...FAST_ENV, TRACEKIT_ENDPOINT: receiver.url, TRACEKIT_SPOOL_DIR: dir, TRACEKIT_SHUTDOWN_TIMEOUT_MS: '500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    await receiver.until((r) => r.requests.length >= 1);
    child.kill('SIGTERM');
    // The receiver never answers: only TraceKit's own bound can let the process go.
    expect(await exited).toEqual([null, 'SIGTERM']);
    const ids = JSON.parse(out.trim()) as string[];
    expect(itemsIn(spoolFiles(dir))).toBe(ids.length);
  });

  it('a natural exit with a hanging endpoint keeps the exit code the app set', async () => {
    const dir = tmpSpool();
    receiver = await startReceiver(() => 'hang');
    const result = await run(['produce', '4'], { ...FAST_ENV, TRACEKIT_ENDPOINT: receiver.url, TRACEKIT_SPOOL_DIR: dir, TRACEKIT_SHUTDOWN_TIMEOUT_MS: '500', EXIT_CODE: '3' });
    expect(result.code).toBe(3);
    expect(itemsIn(spoolFiles(dir))).toBe(4);
  });

  it('kill -9 while spooling leaves no torn file: the next start replays every complete file and nothing else', async () => {
    const dir = tmpSpool();
    const down = await refusedUrl();
    const child = spawn(process.execPath, [APP, 'flood'], {
      env: { PATH: process.env.PATH ?? '', ...FAST_ENV, TRACEKIT_ENDPOINT: down, TRACEKIT_SPOOL_DIR: dir, OTEL_EXPORTER_OTLP_COMPRESSION: 'none', TRACEKIT_SPOOL_MAX_BYTES: String(512 * 1024 * 1024) },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => spoolFiles(dir).length >= 3, 20_000, 'spool files written');
    // Strike while the next files are being written.
    await waitFor(() => fs.readdirSync(dir).some((n) => n.startsWith('.tmp-')), 10_000, 'a write in progress');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // However the kill landed, leave one unfinished write of the dead process for certain.
    fs.writeFileSync(path.join(dir, `.tmp-${child.pid}-999999-deadbeef`), 'TKSPOOL1\n{"v":1,"signal":"tra');
    const complete = spoolFiles(dir);
    const expected = itemsIn(complete);
    expect(expected).toBeGreaterThan(0);

    receiver = await startReceiver();
    const second = await run(['replay', String(expected)], { ...FAST_ENV, TRACEKIT_ENDPOINT: receiver.url, TRACEKIT_SPOOL_DIR: dir });
    expect(second.code).toBe(0);
    const stats = JSON.parse(second.stdout.trim()) as Record<string, number>;
    expect(stats).toMatchObject({ spansExported: expected, spoolQuarantined: 0, spoolFiles: 0 });
    const got = receiver.spans().map((s) => s.spanId as string);
    expect(got).toHaveLength(expected);
    expect(new Set(got).size).toBe(expected);
    // The dead process's unfinished temp file is gone, and nothing went to quarantine.
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'quarantine'))).toBe(false);
  });
});
