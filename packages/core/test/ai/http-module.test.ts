import http from 'node:http';
import zlib from 'node:zlib';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { getClient, shutdown, withSpan } from '../../src/index.js';
import { aiSpans, plainClientSpans } from './support/helpers.js';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

let t: TestTracing;
let fake: { url: string; log: Array<{ headers: Record<string, string> }>; close(): Promise<void> };
beforeAll(async () => {
  t = await setupTestTracing();
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
  await shutdown();
});
beforeEach(() => t.reset());

/** A JSON POST with node:http, the way axios and other http-based clients send it. */
function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-http-0123456789abcdefghijkl', ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const text = JSON.stringify(body);
    req.write(text.slice(0, 10));
    req.end(text.slice(10));
  });
}

describe('AI calls made with node:http (axios, got, node-fetch)', () => {
  it('a JSON call: one AI span instead of the plain CLIENT span, request model from the written body', async () => {
    const r = await withSpan('job', () => post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(JSON.parse(r.body.toString()).usage.prompt_tokens).toBe(1234);
    const spans = await t.spans();
    const ai = aiSpans(spans);
    expect(ai).toHaveLength(1);
    expect(plainClientSpans(spans, fake.url)).toHaveLength(0);
    expect(ai[0]!.parentSpanId).toBe(spans.find((s) => s.name === 'job')!.spanId);
    expect(ai[0]!.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1234, 'tracekit.cost.usd': 0.0001419 });
    expect(fake.log.at(-1)!.headers.traceparent).toBe(`00-${ai[0]!.traceId}-${ai[0]!.spanId}-01`);
  });

  it('a gzip response (the app inflates its own copy) and a stream', async () => {
    const r = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }, { 'x-fake': 'gzip', 'accept-encoding': 'gzip' });
    expect(JSON.parse(zlib.gunzipSync(r.body).toString()).id).toBe('chatcmpl-Bx7q2fQYd3VZkGx1');
    const s = await post('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [] }, { 'x-fake-split': '17' });
    expect(s.body.toString()).toContain('[DONE]');
    const ai = aiSpans(await t.spans());
    expect(ai).toHaveLength(2);
    expect(ai[0]!.attributes['gen_ai.usage.input_tokens']).toBe(1234);
    expect(ai[1]!.attributes).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.usage.output_tokens': 5 });
    expect(ai[1]!.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
  });

  it('an Anthropic error and a connection dropped midway end the span once, as errors', async () => {
    const before = getClient()!.stats().aiCalls;
    const r = await post('/v1/messages', { model: 'claude-sonnet-4-20250514', messages: [] }, { 'anthropic-version': '2023-06-01', 'x-fake': '429' });
    expect(r.status).toBe(429);
    const err = await post('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [] }, { 'x-fake': 'stream-error' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await new Promise((r) => setTimeout(r, 20));
    const ai = aiSpans(await t.spans());
    expect(ai).toHaveLength(2);
    expect(ai[0]!.attributes).toMatchObject({ 'error.type': 'rate_limit_error', 'tracekit.ai.retry_after': '7' });
    expect(ai[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(getClient()!.stats().aiCalls - before).toBe(2);
  });
});
