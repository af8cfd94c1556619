import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/ai/cost.js';
import { PriceBook } from '../../src/ai/pricing.js';

describe('prices and cost', () => {
  const book = new PriceBook({ 'my-model': { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0.1875 }, 'gpt-4o': { input: 1, output: 2 } });

  it('finds dated snapshots and aliases of listed models, never guessing a family', () => {
    expect(book.lookup('gpt-4o-mini-2024-07-18')).toMatchObject({ input: 0.15, output: 0.6 });
    expect(book.lookup('claude-sonnet-4-20250514')).toMatchObject({ input: 3, output: 15 });
    expect(book.lookup('claude-3-5-haiku-latest')).toMatchObject({ input: 0.8 });
    expect(book.lookup('openai/gpt-4.1')).toMatchObject({ input: 2 });
    expect(book.lookup('gpt-4o-audio-preview')).toBeUndefined();
    expect(book.lookup('llama3.1:8b')).toBeUndefined();
  });

  it('lets override entries win over the shipped table', () => {
    expect(book.lookup('gpt-4o')).toEqual({ input: 1, output: 2 });
    expect(book.lookup('my-model')).toMatchObject({ cacheWrite: 0.1875 });
  });

  it('prices uncached input, cache reads and writes and output separately', () => {
    const cost = computeCost({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }, { input: 12012, cacheRead: 10000, cacheWrite: 2000, output: 321 });
    expect(cost).toEqual({ input: 0.000036, cacheRead: 0.003, cacheWrite: 0.0075, output: 0.004815, total: 0.015351 });
  });

  it('applies the tier whose threshold the input exceeds', () => {
    const price = { input: 3, output: 15, tiers: [{ aboveInputTokens: 200000, input: 6, output: 22.5 }] };
    expect(computeCost(price, { input: 200000, output: 0 }).total).toBe(0.6);
    expect(computeCost(price, { input: 300000, output: 1000 }).total).toBe(1.8225);
  });
});
