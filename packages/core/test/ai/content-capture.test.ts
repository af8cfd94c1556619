import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { shutdown } from '../../src/index.js';
import { aiSpans } from './support/helpers.js';
// @ts-expect-error plain JS support module
import { startFakeProvider } from './support/fake-provider.mjs';

let t: TestTracing;
let fake: { url: string; close(): Promise<void> };
const SECRET = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

beforeAll(async () => {
  t = await setupTestTracing({ captureAIContent: true, ai: { maxContentLength: 400 } });
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
  await shutdown();
});
beforeEach(() => t.reset());

describe('captureAIContent: true', () => {
  it('records the messages and output in the conventions shape, redacted', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test-key-0000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: `My key is ${SECRET}, card 4111 1111 1111 1111. Capital of France?` },
      ],
    });
    const [span] = aiSpans(await t.spans());
    const input = JSON.parse(span!.attributes['gen_ai.input.messages'] as string) as Array<{ role: string; parts: Array<{ type: string; content: string }> }>;
    expect(input[0]).toEqual({ role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] });
    expect(input[1]!.role).toBe('user');
    expect(input[1]!.parts[0]!.content).toContain('Capital of France?');
    expect(span!.attributes['gen_ai.input.messages']).not.toContain(SECRET);
    expect(span!.attributes['gen_ai.input.messages']).not.toContain('4111 1111 1111 1111');
    expect(JSON.parse(span!.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Paris is the capital of France.' }], finish_reason: 'stop' },
    ]);
  });

  it('streamed tool calls: names and arguments assembled from the pieces', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test-key-0000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'weather?' }], stream: true }, { headers: { 'x-fake': 'tools' } });
    for await (const _ of stream) void _;
    const [span] = aiSpans(await t.spans());
    expect(JSON.parse(span!.attributes['gen_ai.output.messages'] as string)[0].parts).toEqual([
      { type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool_call', name: 'get_time', arguments: '{}' },
    ]);
  });

  it('streams: the output text is assembled from the deltas; long content is cut at maxContentLength', async () => {
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test-000000000000000000000', baseURL: fake.url, maxRetries: 0 });
    const stream = await anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, system: 'Be brief.', messages: [{ role: 'user', content: 'x'.repeat(1000) }], stream: true });
    for await (const _ of stream) void _;
    const [span] = aiSpans(await t.spans());
    const input = span!.attributes['gen_ai.input.messages'] as string;
    expect(input.startsWith('[{"role":"system","parts":[{"type":"text","content":"Be brief."}]}')).toBe(true);
    expect(input).toMatch(/…\[truncated \d+ chars\]$/);
    expect(input.length).toBeLessThan(450);
    expect(JSON.parse(span!.attributes['gen_ai.output.messages'] as string)[0].parts[0].content).toBe('word0 word1 word2 ');
  });
});
