import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { getClient, instrumentAI, shutdown, withSpan } from '../../src/index.js';
import { aiSpans, plainClientSpans, spansWithAI } from './support/helpers.js';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

type Fake = { url: string; log: Array<{ path: string; headers: Record<string, string> }>; close(): Promise<void> };
let t: TestTracing;
let fake: Fake;
let anthropic: Anthropic;
const KEY = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz';
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

beforeAll(async () => {
  t = await setupTestTracing();
  fake = await startFakeProvider();
  anthropic = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
  await shutdown();
});
beforeEach(() => t.reset());

const scenario = (name: string) => ({ headers: { 'x-fake': name } });

async function oneSpan() {
  const spans = await spansWithAI(t);
  const ai = aiSpans(spans);
  expect(ai).toHaveLength(1);
  expect(plainClientSpans(spans, fake.url)).toHaveLength(0);
  expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(KEY);
  return { span: ai[0]!, spans };
}

describe('@anthropic-ai/sdk, zero-config', () => {
  it('a message: input tokens include cache reads and writes (Anthropic rule), cost by part', async () => {
    const before = getClient()!.stats().aiCalls;
    const r = await withSpan('handler', () => anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 1024, messages }));
    expect(r.content[0]).toMatchObject({ type: 'text' });
    const { span, spans } = await oneSpan();
    expect(span.parentSpanId).toBe(spans.find((s) => s.name === 'handler')!.spanId);
    expect(span.name).toBe('chat claude-sonnet-4-20250514');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.response.id': 'msg_01XFDUDYJgAACzvnptvVoYEL',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 12012,
      'gen_ai.usage.cache_read.input_tokens': 10000,
      'gen_ai.usage.cache_creation.input_tokens': 2000,
      'gen_ai.usage.output_tokens': 321,
      'tracekit.cost.usd': 0.015351,
      'tracekit.cost.cache_read_usd': 0.003,
      'tracekit.cost.cache_write_usd': 0.0075,
    });
    expect(getClient()!.stats().aiCalls - before).toBe(1);
  });

  it('a stream: usage from message_start and message_delta, time to first chunk', async () => {
    const stream = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages, stream: true });
    let text = '';
    for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    expect(text).toBe('word0 word1 word2 ');
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'msg_01Stream',
      'gen_ai.usage.input_tokens': 125,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.output_tokens': 15,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'tracekit.cost.usd': 0.00033,
    });
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
  });

  it('messages.stream() and finalMessage(): one span', async () => {
    const final = await anthropic.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages }).finalMessage();
    expect(final.usage.output_tokens).toBe(15);
    const { span } = await oneSpan();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(15);
  });

  it('an error event midway: the SDK throws as without TraceKit; the span has the provider error type', async () => {
    const stream = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages, stream: true }, scenario('stream-error'));
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const { span } = await oneSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('overloaded_error');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(125);
  });

  it('429: RateLimitError, error.type rate_limit_error, Retry-After', async () => {
    const err = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages }, scenario('429')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'error.type': 'rate_limit_error', 'http.response.status_code': 429, 'tracekit.ai.retry_after': '7' });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('529 overloaded with a JSON error body', async () => {
    const err = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages }, scenario('529')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const { span } = await oneSpan();
    expect(span.attributes['error.type']).toBe('overloaded_error');
  });

  it('tool use is counted', async () => {
    await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 100, messages }, scenario('tools'));
    const { span } = await oneSpan();
    expect(span.attributes).toMatchObject({ 'tracekit.ai.tool_calls': 1, 'gen_ai.response.finish_reasons': ['tool_use'], 'gen_ai.usage.input_tokens': 400, 'tracekit.cost.usd': 0.00056 });
  });

  it('an early break ends the span once', async () => {
    const before = getClient()!.stats().aiCalls;
    const stream = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages, stream: true });
    for await (const ev of stream) if (ev.type === 'message_start') break;
    const { span } = await oneSpan();
    expect(span.attributes['gen_ai.response.id']).toBe('msg_01Stream');
    expect(getClient()!.stats().aiCalls - before).toBe(1);
  });

  it('instrumentAI: the same client, the SDK method named, withResponse() intact', async () => {
    const client = instrumentAI(new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 }));
    const { data, response } = await client.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages }).withResponse();
    expect(data.id).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(response.status).toBe(200);
    const { span } = await oneSpan();
    expect(span.attributes['tracekit.ai.source']).toBe('anthropic.messages.create');
  });
});
