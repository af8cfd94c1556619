import type { ClientStats } from '../types.js';
import type { AICost } from './cost.js';
import type { AICallFacts } from './types.js';

/** Adds one finished call to the client's AI totals (`client.stats()`). */
export function addToTotals(stats: ClientStats, facts: AICallFacts, failed: boolean, cost: AICost | undefined): void {
  stats.aiCalls++;
  if (failed) stats.aiErrors++;
  const u = facts.usage;
  stats.aiInputTokens += u.input ?? 0;
  stats.aiOutputTokens += u.output ?? 0;
  stats.aiCacheReadTokens += u.cacheRead ?? 0;
  stats.aiCacheWriteTokens += u.cacheWrite ?? 0;
  if (cost) stats.aiCostUsd = Math.round((stats.aiCostUsd + cost.total) * 1e12) / 1e12;
}
