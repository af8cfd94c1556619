import { SpanKind } from '@opentelemetry/api';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { shutdown, withSpan } from '../../src/index.js';
import { aiSpans, plainClientSpans } from './support/helpers.js';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

let t: TestTracing;
let fake: { url: string; close(): Promise<void> };
beforeAll(async () => {
  fake = await startFakeProvider();
  t = await setupTestTracing({ ai: { providers: [{ baseURL: `${fake.url}/gateway`, name: 'my-gateway', api: 'openai' }] } });
});
afterAll(async () => {
  await fake.close();
  await shutdown();
});
beforeEach(() => t.reset());

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('detection with plain fetch', () => {
  it('Gemini: model from the path, thoughts counted as output and reasoning, priced', async () => {
    const r = await postJson('/v1beta/models/gemini-2.5-flash:generateContent?key=AIzaSyFAKEFAKEFAKE', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    await r.json();
    const [span] = aiSpans(await t.spans());
    expect(span!.name).toBe('generate_content gemini-2.5-flash');
    expect(span!.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 20,
      'gen_ai.usage.reasoning.output_tokens': 18,
      'gen_ai.response.finish_reasons': ['STOP'],
      'tracekit.cost.usd': 0.000053,
    });
    expect(JSON.stringify(span!.attributes)).not.toContain('AIzaSy');
  });

  it('OpenAI Responses API, JSON and streamed: usage, cached and reasoning tokens, tool calls', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test-000000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const r = await openai.responses.create({ model: 'gpt-4.1', input: 'Capital of France?' });
    expect(r.output_text).toBe('Paris.');
    const stream = await openai.responses.create({ model: 'gpt-4.1', input: 'Capital of France?', stream: true });
    for await (const _ of stream) void _;
    const spans = aiSpans(await t.spans());
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes).toMatchObject({
        'gen_ai.response.id': 'resp_67ccd2bed1ec8190',
        'gen_ai.usage.input_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 100,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.reasoning.output_tokens': 20,
        'tracekit.ai.tool_calls': 1,
        'gen_ai.response.finish_reasons': ['stop'],
        'tracekit.cost.usd': 0.00085,
      });
    }
    expect(spans[1]!.attributes['gen_ai.request.stream']).toBe(true);
  });

  it('streams written one byte per TCP write give the same facts', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test-000000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test-000000000000000000000', baseURL: fake.url, maxRetries: 0 });
    const s1 = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [], stream: true }, { headers: { 'x-fake-split': '1', 'x-fake-chunks': '2' } });
    for await (const _ of s1) void _;
    const s2 = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 5, messages: [], stream: true }, { headers: { 'x-fake-split': '1', 'x-fake-chunks': '1' } });
    for await (const _ of s2) void _;
    const [a, b] = aiSpans(await t.spans());
    expect(a!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 42, 'gen_ai.usage.output_tokens': 2, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(b!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 125, 'gen_ai.usage.output_tokens': 15, 'gen_ai.response.finish_reasons': ['end_turn'] });
  });

  it('a declared provider: any path under its base URL, its name', async () => {
    await (await postJson('/gateway/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] })).json();
    const [span] = aiSpans(await t.spans());
    expect(span!.attributes['gen_ai.provider.name']).toBe('my-gateway');
  });

  it('non-AI requests keep their plain CLIENT span', async () => {
    await withSpan('job', async () => {
      await (await postJson('/api/orders', { sku: 1 })).text();
      await (await fetch(`${fake.url}/v1/chat/completions`)).text();
    });
    const spans = await t.spans();
    expect(aiSpans(spans)).toHaveLength(0);
    const plain = plainClientSpans(spans, fake.url);
    expect(plain.map((s) => s.name).sort()).toEqual(['GET', 'POST']);
    expect(plain.every((s) => s.kind === SpanKind.CLIENT)).toBe(true);
  });
});
