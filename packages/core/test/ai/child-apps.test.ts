import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

/**
 * The built package in real child processes: a CommonJS app and an ES module app, both loading
 * the SDKs before TraceKit and with no loader flag, write their spans to the file store, which
 * is read back here. (Tests import core from source; this one needs `npm run build` first, as CI does.)
 */
const here = path.dirname(fileURLToPath(import.meta.url));
let fake: { url: string; close(): Promise<void> };
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());

interface StoredSpan {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId?: string;
  status?: { code?: number };
  attributes: Record<string, unknown>;
}

function readStore(file: string): StoredSpan[] {
  const spans: StoredSpan[] = [];
  const value = (v: Record<string, unknown>): unknown => {
    if ('stringValue' in v) return v.stringValue;
    if ('intValue' in v) return Number(v.intValue);
    if ('doubleValue' in v) return v.doubleValue;
    if ('boolValue' in v) return v.boolValue;
    if ('arrayValue' in v) return ((v.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map(value);
    return undefined;
  };
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const req = JSON.parse(line) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
      const attributes: Record<string, unknown> = {};
      for (const a of (s.attributes as Array<{ key: string; value: Record<string, unknown> }>) ?? []) attributes[a.key] = value(a.value);
      spans.push({ ...(s as unknown as StoredSpan), attributes });
    }
  }
  return spans;
}

function runApp(app: string, env: Record<string, string> = {}): Promise<{ store: string; raw: string; spans: StoredSpan[]; out: { results: Record<string, unknown>; stats: Record<string, number> } }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-ai-app-'));
  const store = path.join(dir, 'traces.jsonl');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(here, 'apps', app)], { env: { ...process.env, FAKE_URL: fake.url, TRACEKIT_FILE: store, TRACEKIT_EXPORTER: 'file', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${app} failed: ${String(err)}\n${stderr}`));
      const raw = fs.existsSync(store) ? fs.readFileSync(store, 'utf8') : '';
      resolve({ store, raw, spans: raw ? readStore(store) : [], out: JSON.parse(stdout) as never });
    });
  });
}

function checkApp(r: Awaited<ReturnType<typeof runApp>>): void {
  const { spans, out } = r;
  const ai = spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
  const childOf = (name: string) => {
    const parent = spans.find((s) => s.name === name);
    expect(parent, name).toBeDefined();
    const children = ai.filter((s) => s.parentSpanId === parent!.spanId);
    expect(children, `AI spans under ${name}`).toHaveLength(1);
    return children[0]!;
  };
  // exactly one span per call, no plain CLIENT span for the HTTP request behind it
  expect(ai).toHaveLength(9);
  expect(spans.filter((s) => s.attributes['url.full'] !== undefined && String(s.attributes['url.full']).startsWith(fake.url))).toHaveLength(0);
  expect(out.stats.aiCalls).toBe(9);

  expect(childOf('openai.json').attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1234, 'gen_ai.usage.output_tokens': 56, 'tracekit.cost.usd': 0.0001419, 'gen_ai.provider.name': 'openai' });
  expect(out.results['openai.json']).toMatchObject({ prompt_tokens: 1234 });
  expect(childOf('openai.stream').attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 5, 'gen_ai.request.stream': true });
  expect(out.results['openai.stream']).toBe(8);
  const broken = childOf('openai.break');
  expect(broken.attributes).toMatchObject({ 'tracekit.ai.aborted': true });
  expect(broken.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
  expect(childOf('openai.abort').attributes['tracekit.ai.aborted']).toBe(true);
  expect(out.results['openai.abort']).toMatchObject({ error: 'APIUserAbortError' });
  expect(childOf('openai.asResponse').attributes['gen_ai.usage.input_tokens']).toBe(1234);
  expect(out.results['openai.asResponse']).toBe('chatcmpl-Bx7q2fQYd3VZkGx1');
  const limited = childOf('openai.429');
  expect(limited.attributes).toMatchObject({ 'error.type': 'rate_limit_exceeded', 'http.response.status_code': 429 });
  expect(limited.status?.code).toBe(2);
  expect(out.results['openai.429']).toMatchObject({ error: 'RateLimitError', status: 429 });
  expect(childOf('anthropic.json').attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 12012, 'gen_ai.usage.output_tokens': 321, 'tracekit.cost.usd': 0.015351, 'gen_ai.provider.name': 'anthropic' });
  expect(childOf('anthropic.stream').attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 125, 'gen_ai.usage.output_tokens': 15 });
  expect(childOf('anthropic.error-midway').attributes['error.type']).toBe('overloaded_error');
  // API keys never reach the store
  expect(r.raw).not.toContain('childapp-0123456789abcdef');
}

describe('zero-config in child processes (built package)', () => {
  it('CommonJS app, SDKs required before TraceKit: one span per call, prompts absent', async () => {
    const r = await runApp('app.cjs');
    checkApp(r);
    expect(r.raw).not.toContain('Tell me about Paris');
    expect(r.raw).not.toContain('gen_ai.input.messages');
  });

  it('ES module app, SDKs imported before TraceKit, no --import flag: the same', async () => {
    const r = await runApp('app.mjs');
    checkApp(r);
    expect(r.raw).not.toContain('Tell me about Paris');
  });

  it('the app sees the same results and errors as with TraceKit disabled', async () => {
    const traced = await runApp('app.cjs');
    const untraced = await runApp('app.cjs', { TRACEKIT_ENABLED: 'false' });
    expect(untraced.spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined)).toHaveLength(0);
    expect(traced.out.results).toEqual(untraced.out.results);
  });

  it('with TRACEKIT_CAPTURE_AI_CONTENT=true the prompts are in the store, redacted', async () => {
    const r = await runApp('app.mjs', { TRACEKIT_CAPTURE_AI_CONTENT: 'true' });
    checkApp(r);
    expect(r.raw).toContain('Tell me about Paris');
    expect(r.raw).toContain('gen_ai.input.messages');
    expect(r.raw).not.toContain('4111 1111 1111 1111');
  });
});
