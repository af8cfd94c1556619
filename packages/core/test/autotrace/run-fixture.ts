import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The built `@tracekit/core/auto` (child processes use the build, as `tracekit run` does). */
export const AUTO = pathToFileURL(fileURLToPath(new URL('../../dist/auto.js', import.meta.url))).href;
export const AUTO_CJS = fileURLToPath(new URL('../../dist/auto.cjs', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node [flags] file` in a fixture folder and collects its output (bounded to 30 s). */
export function runNode(dir: string, args: string[], env: Record<string, string> = {}, onStdout?: (chunk: string, child: import('node:child_process').ChildProcess) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, TRACEKIT_TRACE_CACHE: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      onStdout?.(c, child);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The flags `tracekit run` passes (see packages/cli/src/commands/run.ts). */
export function tracedFlags(ts = false): string[] {
  return ['--enable-source-maps', '--stack-size=2048', ...(ts ? ['--import', 'tsx'] : []), '--import', AUTO];
}

/** A fresh store directory for one run. */
export function tempStore(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tracekit-autotrace-'));
}

/** The JSON lines of a file (none when it does not exist). */
export function readJsonLines<T = Record<string, unknown>>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

export interface FlatSpan {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId?: string;
  traceId: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status?: { code?: number };
}

function attrs(list: Array<{ key: string; value: Record<string, unknown> }> = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list) {
    const v = a.value;
    out[a.key] = v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue ?? v.doubleValue);
  }
  return out;
}

/** Every span of an OTLP/JSON lines store, flattened. */
export function readSpans(file: string): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const line of readJsonLines<{ resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, any>> }> }> }>(file)) {
    for (const rs of line.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
      spans.push({ ...(s as FlatSpan), attributes: attrs(s.attributes), events: (s.events ?? []).map((e: Record<string, any>) => ({ name: e.name, attributes: attrs(e.attributes) })) });
    }
  }
  return spans;
}

/** Every log record of an OTLP/JSON lines logs store: event name, body, trace and span IDs. */
export function readLogs(file: string): Array<{ eventName: string; body: string; traceId?: string; spanId?: string }> {
  const out: Array<{ eventName: string; body: string; traceId?: string; spanId?: string }> = [];
  for (const line of readJsonLines<{ resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, any>> }> }> }>(file)) {
    for (const rl of line.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) {
      out.push({ eventName: r.eventName, body: r.body?.stringValue ?? '', traceId: r.traceId || undefined, spanId: r.spanId || undefined });
    }
  }
  return out;
}
