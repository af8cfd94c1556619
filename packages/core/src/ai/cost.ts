import type { AIPrice, AIUsage } from './types.js';

/** The cost of one call in USD, by part. */
export interface AICost {
  total: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const round = (n: number) => Math.round(n * 1e12) / 1e12;

/**
 * Computes a call's cost from normalised usage (input includes cached tokens; output includes
 * reasoning tokens): uncached input at the input rate, cache reads and writes at their rates
 * (the input rate when a model has none), output at the output rate; the tier whose threshold
 * the input exceeds replaces the base prices.
 */
export function computeCost(price: AIPrice, usage: AIUsage): AICost {
  const inputTokens = usage.input ?? 0;
  let p: Omit<AIPrice, 'tiers'> = price;
  if (price.tiers) {
    for (const tier of price.tiers) if (inputTokens > tier.aboveInputTokens && (p === price || tier.aboveInputTokens > (p as { aboveInputTokens?: number }).aboveInputTokens!)) p = tier;
  }
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  const uncached = Math.max(0, inputTokens - cacheRead - cacheWrite);
  const input = (uncached * p.input) / 1e6;
  const read = (cacheRead * (p.cacheRead ?? p.input)) / 1e6;
  const write = (cacheWrite * (p.cacheWrite ?? p.input)) / 1e6;
  const output = ((usage.output ?? 0) * p.output) / 1e6;
  return { total: round(input + read + write + output), input: round(input), output: round(output), cacheRead: round(read), cacheWrite: round(write) };
}
