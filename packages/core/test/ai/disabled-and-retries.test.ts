import OpenAI from 'openai';
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
});
afterAll(() => fake.close());
beforeEach(() => t?.reset());

describe('ai.enabled and SDK retries', () => {
  it('with ai.enabled false an AI request is a plain CLIENT span', async () => {
    t = await setupTestTracing({ ai: { enabled: false } });
    const openai = new OpenAI({ apiKey: 'sk-test-000000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    await withSpan('job', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
    const spans = await t.spans();
    expect(aiSpans(spans)).toHaveLength(0);
    expect(plainClientSpans(spans, fake.url).map((s) => s.name)).toEqual(['POST']);
    await shutdown();
  });

  it('each attempt of an SDK retry is its own span, with http.request.resend_count', async () => {
    t = await setupTestTracing();
    const openai = new OpenAI({ apiKey: 'sk-test-000000000000000000000000', baseURL: `${fake.url}/v1`, maxRetries: 1 });
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, { headers: { 'x-fake': '500-text' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const spans = aiSpans(await t.spans());
    expect(spans).toHaveLength(2);
    expect(spans[0]!.attributes['http.request.resend_count']).toBeUndefined();
    expect(spans[1]!.attributes['http.request.resend_count']).toBe(1);
    expect(spans.every((s) => s.attributes['error.type'] === '500')).toBe(true);
    await shutdown();
  });
});
