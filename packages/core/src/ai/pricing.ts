import table from './prices-2026-12-01.json' with { type: 'json' };
import type { AIPrice } from './types.js';

/** The shipped table's date, recorded on spans as `tracekit.cost.price_table`. */
export const PRICE_TABLE_DATE: string = table.date;

const SHIPPED = table.models as Record<string, AIPrice>;

/** Throws a plain Error naming the first bad entry (config turns it into a TracekitConfigError). */
export function validatePricing(pricing: unknown, where: string): Record<string, AIPrice> {
  if (pricing === null || typeof pricing !== 'object' || Array.isArray(pricing)) throw new Error(`${where} must be an object mapping model names to prices`);
  const out: Record<string, AIPrice> = {};
  for (const [model, price] of Object.entries(pricing as Record<string, unknown>)) {
    const p = price as Record<string, unknown> | null;
    const ok = (v: unknown, optional: boolean) => (optional && v === undefined) || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
    if (!p || typeof p !== 'object' || !ok(p.input, false) || !ok(p.output, false) || !ok(p.cacheRead, true) || !ok(p.cacheWrite, true)) {
      throw new Error(`${where}[${JSON.stringify(model)}] must be { input: number, output: number, cacheRead?: number, cacheWrite?: number } in USD per million tokens (non-negative)`);
    }
    if (p.tiers !== undefined && !Array.isArray(p.tiers)) throw new Error(`${where}[${JSON.stringify(model)}].tiers must be an array`);
    out[model] = p as unknown as AIPrice;
  }
  return out;
}

/** Model names as providers return them, reduced to the table's keys (never by guessing a family). */
function candidates(model: string): string[] {
  const out = [model];
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  if (bare !== model) out.push(bare);
  // Dated snapshots and aliases: gpt-4.1-2025-04-14, claude-sonnet-4-20250514, claude-3-5-haiku-latest, gemini-2.5-flash-001.
  const undated = bare.replace(/(-\d{4}-\d{2}-\d{2}|-\d{8}|-latest|-\d{3}|@\d{8})$/, '');
  if (undated !== bare) out.push(undated);
  return out;
}

/** Looks prices up: the overrides first, then the shipped table. */
export class PriceBook {
  private readonly cache = new Map<string, AIPrice | null>();

  private readonly overridden: Set<AIPrice>;

  constructor(private readonly overrides: Record<string, AIPrice> = {}) {
    this.overridden = new Set(Object.values(overrides));
  }

  /** What a price came from, as `tracekit.cost.price_table` says it: `override`, or the shipped table's date. */
  source(price: AIPrice): string {
    return this.overridden.has(price) ? 'override' : PRICE_TABLE_DATE;
  }

  /** The price of a model, or `undefined` when neither table knows it. */
  lookup(model: string | undefined): AIPrice | undefined {
    if (!model) return undefined;
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit ?? undefined;
    let found: AIPrice | undefined;
    for (const name of candidates(model)) {
      found = this.overrides[name] ?? SHIPPED[name];
      if (found) break;
    }
    if (this.cache.size < 1000) this.cache.set(model, found ?? null);
    return found;
  }
}
