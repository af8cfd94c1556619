import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { getClient, recordAICall, shutdown, startAICall, withSpan } from '../../src/index.js';
import { aiSpans } from './support/helpers.js';

let t: TestTracing;
beforeAll(async () => {
  t = await setupTestTracing({ ai: { pricing: { 'llama-3.1-70b': { input: 0.5, output: 1.5 } } } });
});
afterAll(() => shutdown());
beforeEach(() => t.reset());

describe('recordAICall and startAICall', () => {
  it('recordAICall produces the same span as a detected call, child of the active span', async () => {
    withSpan('job', () => recordAICall({ provider: 'aws.bedrock', model: 'claude-sonnet-4', inputTokens: 1000, outputTokens: 100, durationMs: 1500, finishReasons: ['end_turn'] }));
    const spans = await t.spans();
    const [span] = aiSpans(spans);
    expect(span!.name).toBe('chat claude-sonnet-4');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.parentSpanId).toBe(spans.find((s) => s.name === 'job')!.spanId);
    expect(span!.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'tracekit.cost.usd': 0.0045,
    });
    expect({ start: span!.startTime, end: span!.endTime, d: span!.endTime - span!.startTime }).toMatchObject({ d: 1500 });
  });

  it('startAICall / end: overrides from init({ ai: { pricing } }), errors, ended once', async () => {
    const before = getClient()!.stats();
    const call = startAICall({ provider: 'my-gateway', model: 'llama-3.1-70b', stream: true });
    call.firstChunk();
    call.end({ inputTokens: 2000, outputTokens: 1000, error: 'rate_limit_error' });
    call.end({ inputTokens: 1 });
    const [span] = aiSpans(await t.spans());
    // A price from the override says so, rather than the shipped table's date.
    expect(span!.attributes).toMatchObject({ 'tracekit.cost.usd': 0.0025, 'tracekit.cost.price_table': 'override', 'error.type': 'rate_limit_error', 'gen_ai.request.stream': true });
    expect(span!.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    const after = getClient()!.stats();
    expect(after.aiCalls - before.aiCalls).toBe(1);
    expect(after.aiErrors - before.aiErrors).toBe(1);
    expect(after.aiInputTokens - before.aiInputTokens).toBe(2000);
  });

  it('never throws on bad input', () => {
    expect(() => recordAICall(null as never)).not.toThrow();
    expect(() => startAICall(undefined as never).end()).not.toThrow();
  });
});
