import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** packages/core: child processes run here, so their app root is the package. */
export const coreDir = path.resolve(__dirname, '../..');
export const fixturesDir = path.resolve(__dirname, '../fixtures/errors');

/** Runs `node [...nodeArgs] script [...args]` from packages/core and collects its output. Child scripts use the built packages (CI builds before it tests). */
export function runNode(nodeArgs: string[], script: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      cwd: coreDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpKeyValue = { key: string; value: OtlpValue };
const plain = (kvs: OtlpKeyValue[] | undefined): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) {
    const v = kv.value;
    out[kv.key] = v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
  }
  return out;
};

/** A span as read back from `.tracekit/traces.jsonl`, with attributes as a plain object. */
export interface StoredSpan {
  name: string;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
}

/** Every span of a JSONL store of OTLP/JSON export requests (one per line). */
export function readSpans(file: string): StoredSpan[] {
  if (!fs.existsSync(file)) return [];
  const spans: StoredSpan[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; attributes?: OtlpKeyValue[]; status?: { code?: number; message?: string }; events?: Array<{ name: string; attributes?: OtlpKeyValue[] }> }> }> }> };
    for (const rs of request.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          spans.push({ name: s.name, attributes: plain(s.attributes), status: s.status ?? {}, events: (s.events ?? []).map((e) => ({ name: e.name, attributes: plain(e.attributes) })) });
        }
      }
    }
  }
  return spans;
}

/** A log record as read back from `.tracekit/logs.jsonl`. */
export interface StoredLog {
  eventName: string;
  severityText: string;
  body: unknown;
  attributes: Record<string, unknown>;
}

/** Every log record of a JSONL store of OTLP/JSON logs export requests. */
export function readLogs(file: string): StoredLog[] {
  if (!fs.existsSync(file)) return [];
  const logs: StoredLog[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ eventName: string; severityText: string; body?: OtlpValue; attributes?: OtlpKeyValue[] }> }> }> };
    for (const rl of request.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const r of sl.logRecords) logs.push({ eventName: r.eventName, severityText: r.severityText, body: r.body?.stringValue, attributes: plain(r.attributes) });
      }
    }
  }
  return logs;
}

/** The 1-based line of the first line of `file` containing `text`. */
export function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not in ${file}`);
  return index + 1;
}
