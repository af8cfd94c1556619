import OpenAI from 'openai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { getClient, instrumentAI, shutdown, trackEvent, withMetadata, withSpan } from '../../src/index.js';
import { aiSpans, plainClientSpans, spansWithAI } from './support/helpers.js';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

type Fake = { url: string; log: Array<{ path: string; headers: Record<string, string> }>; close(): Promise<void> };
let t: TestTracing;
let fake: Fake;
let openai: OpenAI;
const KEY = 'sk-test-abcdefghijklmnopqrstuvwxyz0123';
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

beforeAll(async () => {
  t = await setupTestTracing();
  fake = await startFakeProvider();
  openai = new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
  await shutdown();
});
beforeEach(() => t.reset());

const stats = () => getClient()!.stats();
const scenario = (name: string, extra: Record<string, string> = {}) => ({ headers: { 'x-fake': name, ...extra } });

/** The one AI span of the test, after checking it is the only one and no plain CLIENT span exists. */
async function oneSpan() {
  const spans = await spansWithAI(t);
  const ai = aiSpans(spans);
  expect(ai).toHaveLength(1);
  expect(plainClientSpans(spans, fake.url)).toHaveLength(0);
  expect(JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })))).not.toContain(KEY);
  return { span: ai[0]!, spans };
}

describe('openai SDK, zero-config', () => {
  it('a chat completion: one CLIENT span, child of the active span, with tokens, cost and traceparent', async () => {
    const before = stats();
    const result = await withSpan('handler', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages }));
    expect(result.choices[0]!.message.content).toBe('Paris is the capital of France.');
    const { span, spans } = await oneSpan();
    const parent = spans.find((s) => s.name === 'handler')!;
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanId).toBe(parent.spanId);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-Bx7q2fQYd3VZkGx1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1234,
      'gen_ai.usage.output_tokens': 56,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
      'tracekit.cost.usd': 0.0001419,
      'tracekit.cost.input_usd': 0.0000315,
      'tracekit.cost.cache_read_usd': 0.0000768,
      'tracekit.cost.output_usd': 0.0000336,
      'tracekit.cost.price_table': '2026-12-01',
    });
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(fake.log.at(-1)!.headers.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
    const after = stats();
    expect(after.aiCalls - before.aiCalls).toBe(1);
    expect(after.aiInputTokens - before.aiInputTokens).toBe(1234);
    expect(after.aiOutputTokens - before.aiOutputTokens).toBe(56);
    expect(after.aiCacheReadTokens - before.aiCacheReadTokens).toBe(1024);
    expect(Math.round((after.aiCostUsd - before.aiCostUsd) * 1e10) / 1e10).toBe(0.0001419);
  });

  it('a stream of 500 chunks: usage from the final chunk, time to first chunk, ended once', async () => {
    const before = stats().aiCalls;
    const stream = await openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } },
      scenario('', { 'x-fake-chunks': '500', 'x-fake-split': '31' }),
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.split(' ').filter(Boolean)).toHaveLength(500);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-Bx7stream',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.usage.output_tokens': 500,
    });
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(stats().aiCalls - before).toBe(1);
  });

  it('tool calls are counted, with the finish reason', async () => {
    const r = await openai.chat.completions.create({ model: 'gpt-4.1', messages, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] }, scenario('tools'));
    expect(r.choices[0]!.message.tool_calls).toHaveLength(2);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'tracekit.ai.tool_calls': 2, 'gen_ai.response.finish_reasons': ['tool_calls'], 'gen_ai.usage.input_tokens': 80, 'tracekit.cost.usd': 0.00048 });
  });

  it('streamed tool calls are counted from their first pieces', async () => {
    const stream = await openai.chat.completions.create({ model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true } }, scenario('tools'));
    const names: string[] = [];
    for await (const c of stream) for (const tc of c.choices[0]?.delta.tool_calls ?? []) if (tc.function?.name) names.push(tc.function.name);
    expect(names).toEqual(['get_weather', 'get_time']);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'tracekit.ai.tool_calls': 2, 'gen_ai.response.finish_reasons': ['tool_calls'], 'gen_ai.usage.output_tokens': 40 });
  });

  it('429 with Retry-After: the same RateLimitError, an ERROR span with the provider error type', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, scenario('429')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
    const { span } = await oneSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ 'error.type': 'rate_limit_exceeded', 'http.response.status_code': 429, 'tracekit.ai.retry_after': '7' });
    expect(span.attributes['tracekit.cost.usd']).toBeUndefined();
  });

  it('500 with a non-JSON body: the same InternalServerError, error.type 500', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, scenario('500-text')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const { span } = await oneSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('500');
  });

  it('a network error (nothing listening): the same APIConnectionError, error.type from the error code', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const down = new OpenAI({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const err = await down.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    const ai = aiSpans(await t.spans());
    expect(ai).toHaveLength(1);
    expect(ai[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(ai[0]!.attributes['error.type']).toBe('ECONNREFUSED');
  });

  it('a stream that fails after 3 events: the consumer gets the error, the span ends once with what was known', async () => {
    const before = stats().aiCalls;
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, scenario('stream-error'));
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.id);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(got.length).toBe(3);
    const { span } = await oneSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('UND_ERR_SOCKET');
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-Bx7stream');
    expect(stats().aiCalls - before).toBe(1);
  });

  it.each(['gzip', 'br'])('a %s-compressed response is read like a plain one', async (encoding) => {
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, scenario(encoding));
    expect(r.usage?.prompt_tokens).toBe(1234);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1234, 'gen_ai.usage.output_tokens': 56, 'tracekit.cost.usd': 0.0001419 });
  });

  it('a gzip-compressed stream is read like a plain one', async () => {
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, scenario('gzip-sse'));
    let n = 0;
    for await (const c of stream) n += c.choices.length;
    expect(n).toBeGreaterThan(0);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 5 });
  });

  it('a 50 MB response: the app gets it whole; the span has the usage from its end and says it was truncated', async () => {
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, scenario('huge'));
    expect(r.choices[0]!.message.content).toHaveLength(50 * 1024 * 1024);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1234, 'gen_ai.response.id': 'chatcmpl-Bx7q2fQYd3VZkGx1', 'tracekit.ai.response_truncated': true });
  });

  it('malformed JSON: the SDK fails as it would without TraceKit; the span ends without tokens', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, scenario('malformed')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const { span } = await oneSpan();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['http.response.status_code']).toBe(200);
  });

  it('a provider that hangs: the caller aborts; the span ends once, marked aborted', async () => {
    const before = stats().aiCalls;
    const ac = new AbortController();
    const p = openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, { ...scenario('hang'), signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 50);
    const err = await p;
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    const { span } = await oneSpan();
    expect(span.attributes['tracekit.ai.aborted']).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(stats().aiCalls - before).toBe(1);
  });

  it('an early break out of a stream ends the span once, with the time to first chunk', async () => {
    const before = stats().aiCalls;
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, scenario('slow-stream', { 'x-fake-chunks': '200' }));
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    const { span } = await oneSpan();
    expect(span.attributes['tracekit.ai.aborted']).toBe(true);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-Bx7stream');
    expect(stats().aiCalls - before).toBe(1);
  });

  it('stream.controller.abort() ends the span once', async () => {
    const before = stats().aiCalls;
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, scenario('slow-stream', { 'x-fake-chunks': '200' }));
    const err = await (async () => {
      for await (const _ of stream) stream.controller.abort();
    })().catch((e: unknown) => e);
    void err;
    const { span } = await oneSpan();
    expect(span.attributes['tracekit.ai.aborted']).toBe(true);
    expect(stats().aiCalls - before).toBe(1);
  });

  it('.asResponse() leaves the raw body to the app; the span still gets the usage', async () => {
    const before = stats().aiCalls;
    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    const body = (await res.json()) as { usage: { prompt_tokens: number } };
    expect(body.usage.prompt_tokens).toBe(1234);
    const { span } = await oneSpan();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(1234);
    expect(stats().aiCalls - before).toBe(1);
  });

  it('.withResponse() and stream tee() behave as without TraceKit', async () => {
    const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(data.id).toBe('chatcmpl-Bx7q2fQYd3VZkGx1');
    expect(response.status).toBe(200);
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const [a, b] = stream.tee();
    const count = async (s: typeof a) => {
      let n = 0;
      for await (const _ of s) n++;
      return n;
    };
    expect(await Promise.all([count(a), count(b)])).toEqual([8, 8]);
    const ai = aiSpans(await t.spans());
    expect(ai).toHaveLength(2);
    expect(ai[1]!.attributes['gen_ai.usage.output_tokens']).toBe(5);
  });

  it('embeddings', async () => {
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    const { span } = await oneSpan();
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 8, 'tracekit.cost.usd': 0.00000016 });
  });

  it('outside any trace, with withMetadata: a root span with the conversation ID; trackEvent carries the metadata', async () => {
    await withMetadata({ chatId: 'chat-42', userId: 'u-7' }, async () => {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
      trackEvent('answer.shown', { ok: true });
    });
    const { span } = await oneSpan();
    expect(span.parentSpanId).toBeUndefined();
    expect(span.attributes).toMatchObject({ 'gen_ai.conversation.id': 'chat-42', 'tracekit.chat.id': 'chat-42', 'user.id': 'u-7' });
    const logs = await t.logs();
    const event = logs.find((l) => l.attributes?.['tracekit.event.name'] === 'answer.shown')!;
    expect(event.attributes).toMatchObject({ 'tracekit.chat.id': 'chat-42', 'user.id': 'u-7' });
  });

  it('an unknown model gets no cost and tracekit.cost.unknown_model, never a guess', async () => {
    await openai.chat.completions.create({ model: 'llama3.1:8b', messages }, scenario('echo-model'));
    const { span } = await oneSpan();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(1234);
    expect(span.attributes['tracekit.cost.unknown_model']).toBe(true);
    expect(span.attributes['tracekit.cost.usd']).toBeUndefined();
  });

  it('instrumentAI returns the same client and names the SDK method; create() still returns the SDK promise', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
    expect(instrumentAI(client)).toBe(client);
    expect(instrumentAI(client)).toBe(client);
    const promise = client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(typeof promise.withResponse).toBe('function');
    expect(typeof promise.asResponse).toBe('function');
    await promise;
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'tracekit.ai.source': 'openai.chat.completions.create', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1234 });
  });
});
