import fs from 'node:fs';
import path from 'node:path';
import { configError } from '../config/config-errors.js';
import { declareProviders, type DeclaredProvider } from './providers.js';
import { validatePricing } from './pricing.js';
import type { AIOptions, AIPrice } from './types.js';

/** The AI part of the resolved configuration. */
export interface ResolvedAIConfig {
  /** Zero-config detection of AI calls in outbound `fetch` and `http`. */
  enabled: boolean;
  providers: DeclaredProvider[];
  /** Price overrides (file, then options), model → USD per million tokens. */
  pricing: Record<string, AIPrice>;
  /** `captureAIContent`: record prompts and completions (redacted, truncated). */
  captureContent: boolean;
  maxContentLength: number;
}

type Env = Record<string, string | undefined>;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function bool(value: unknown, label: string, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const v = value.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  throw configError('TK_CONFIG_BOOLEAN', { label, value });
}

function readPricingFile(file: string, cwd: string): Record<string, AIPrice> {
  const label = 'TRACEKIT_AI_PRICING';
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw configError('TK_CONFIG_OBJECT', { label, value: file }, `a readable JSON file (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw configError('TK_CONFIG_OBJECT', { label, value: file }, 'a JSON file mapping model names to { input, output, cacheRead?, cacheWrite? } in USD per million tokens');
  }
  try {
    return validatePricing(parsed, label);
  } catch (e) {
    throw configError('TK_CONFIG_PRICING', { label, value: file }, (e as Error).message);
  }
}

/**
 * Resolves `ai`, `captureAIContent`, `TRACEKIT_AI`, `TRACEKIT_CAPTURE_AI_CONTENT` and
 * `TRACEKIT_AI_PRICING` (a JSON price file, read once here at `init()`). Throws a
 * `TracekitConfigError` naming the option or variable.
 */
export function resolveAIConfig(options: { ai?: AIOptions; captureAIContent?: boolean }, env: Env, cwd: string): ResolvedAIConfig {
  const ai = options.ai ?? {};
  if (ai === null || typeof ai !== 'object') throw configError('TK_CONFIG_OBJECT', { label: 'options.ai', value: ai }, '{ enabled?, providers?, pricing?, maxContentLength? }');
  for (const key of Object.keys(ai)) {
    if (!['enabled', 'providers', 'pricing', 'maxContentLength'].includes(key)) {
      throw configError('TK_CONFIG_OBJECT', { label: `options.ai.${key}`, value: undefined }, 'one of enabled, providers, pricing, maxContentLength');
    }
  }
  let providers: DeclaredProvider[];
  try {
    if (ai.providers !== undefined && !Array.isArray(ai.providers)) throw new Error('an array of { baseURL, name, api? }');
    providers = declareProviders(ai.providers);
  } catch (e) {
    throw configError('TK_CONFIG_OBJECT', { label: 'options.ai.providers', value: ai.providers }, (e as Error).message);
  }
  const pricingFile = env.TRACEKIT_AI_PRICING?.trim();
  const fromFile = pricingFile ? readPricingFile(pricingFile, cwd) : {};
  let fromOptions: Record<string, AIPrice> = {};
  if (ai.pricing !== undefined) {
    try {
      fromOptions = validatePricing(ai.pricing, 'options.ai.pricing');
    } catch (e) {
      throw configError('TK_CONFIG_PRICING', { label: 'options.ai.pricing', value: ai.pricing }, (e as Error).message);
    }
  }
  const max = ai.maxContentLength ?? 8192;
  if (!Number.isInteger(max) || max < 0) throw configError('TK_CONFIG_INTEGER', { label: 'options.ai.maxContentLength', value: max }, 0);
  return {
    enabled: bool(ai.enabled ?? env.TRACEKIT_AI, ai.enabled !== undefined ? 'options.ai.enabled' : 'TRACEKIT_AI', true),
    providers,
    pricing: { ...fromFile, ...fromOptions },
    captureContent: bool(
      options.captureAIContent ?? env.TRACEKIT_CAPTURE_AI_CONTENT,
      options.captureAIContent !== undefined ? 'options.captureAIContent' : 'TRACEKIT_CAPTURE_AI_CONTENT',
      false,
    ),
    maxContentLength: max,
  };
}
