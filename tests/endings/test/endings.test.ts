import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const fixtures = path.resolve(__dirname, 'fixtures');
const APP = path.join(fixtures, 'app.mjs');
const ORDERS = path.join(fixtures, 'orders.mjs');
const THROW_LINE = fs.readFileSync(ORDERS, 'utf8').split('\n').findIndex((l) => l.includes('@mark:throw')) + 1;

const FRAMEWORKS = ['express', 'fastify', 'koa', 'hono', 'nestjs'] as const;

/** How the process ends, and how Node itself would report that ending. */
const ENDINGS = [
  { ending: 'signal', signal: 'SIGTERM', expected: { code: null, signal: 'SIGTERM' } },
  { ending: 'signal', signal: 'SIGINT', expected: { code: null, signal: 'SIGINT' } },
  { ending: 'app-handler', signal: 'SIGTERM', expected: { code: 0, signal: null } },
  { ending: 'exit', signal: undefined, expected: { code: 3, signal: null } },
  { ending: 'natural', signal: undefined, expected: { code: 0, signal: null } },
  { ending: 'shutdown', signal: undefined, expected: { code: 0, signal: null } },
] as const;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function run(framework: string, ending: string, signal: NodeJS.Signals | undefined, store: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, framework, ending], {
      cwd: fixtures,
      env: { PATH: process.env.PATH ?? '', TRACEKIT_FILE: path.join(store, 'traces.jsonl'), TRACEKIT_SERVICE_NAME: `endings-${framework}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (signal && stdout.includes('ready ')) child.kill(signal);
    });
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

type KeyValue = { key: string; value: { stringValue?: string; intValue?: string | number } };
const valueOf = (kvs: KeyValue[] | undefined, key: string) => {
  const v = kvs?.find((kv) => kv.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined);
};

/** The `tracekit.code_inventory` records of a store's logs.jsonl. */
function inventoryRecords(store: string): Array<{ body: string; file: unknown; line: unknown; function: unknown; count: unknown }> {
  const file = path.join(store, 'logs.jsonl');
  if (!fs.existsSync(file)) return [];
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ eventName?: string; body?: { stringValue?: string }; attributes?: KeyValue[] }> }> }> };
    for (const rl of request.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const r of sl.logRecords) {
          if (r.eventName !== 'tracekit.code_inventory') continue;
          out.push({ body: r.body?.stringValue ?? '', file: valueOf(r.attributes, 'code.filepath'), line: valueOf(r.attributes, 'code.lineno'), function: valueOf(r.attributes, 'code.function.name'), count: valueOf(r.attributes, 'tracekit.inventory.count') });
        }
      }
    }
  }
  return out;
}

/** The SERVER spans (kind 2 in OTLP/JSON) of a store's traces.jsonl. */
function serverSpans(store: string): Array<{ name: string }> {
  const file = path.join(store, 'traces.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => (JSON.parse(l) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; kind: number }> }> }> }).resourceSpans)
    .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
    .filter((s) => s.kind === 2);
}

/** The request count of `http.server.request.duration` for the route in the newest export of metrics.jsonl (cumulative). */
function requestCount(store: string, route: string): number | undefined {
  const file = path.join(store, 'metrics.jsonl');
  if (!fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const last = lines.at(-1);
  if (!last) return undefined;
  type Point = { attributes?: KeyValue[]; count?: string | number };
  const request = JSON.parse(last) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string; histogram?: { dataPoints: Point[] } }> }> }> };
  let count = 0;
  for (const rm of request.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics)
        if (m.name === 'http.server.request.duration') for (const p of m.histogram?.dataPoints ?? []) if (valueOf(p.attributes, 'http.route') === route) count += Number(p.count);
  return count;
}

describe.each(FRAMEWORKS)('%s: every ending writes the same final state once', (framework) => {
  it.each(ENDINGS)('$ending $signal', async ({ ending, signal, expected }) => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), `tk-endings-${framework}-`));
    try {
      const ended = await run(framework, ending, signal, store);
      // TraceKit never changes how the process ends.
      expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual(expected);
      expect(serverSpans(store).map((s) => s.name)).toEqual(['GET /orders/:id', 'GET /orders/:id']);
      const inventory = inventoryRecords(store);
      const loadOrder = inventory.filter((r) => r.function === 'loadOrder');
      // Once: one record for the place, counting both failures.
      expect(loadOrder, JSON.stringify(inventory)).toHaveLength(1);
      expect(loadOrder[0]).toMatchObject({ line: THROW_LINE, count: 2, body: `loadOrder (orders.mjs:${THROW_LINE})` });
      expect(String(loadOrder[0]!.file)).toMatch(/orders\.mjs$/);
      // Metrics too: the RED histogram counted both requests.
      expect(requestCount(store, '/orders/:id')).toBe(2);
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  });
});
