import { pick, toBoolean, toNumberInRange, type Env } from '../config/env.js';
import type { SamplingConfig } from './sampler.js';
import type { TracekitOptions } from '../types.js';
import { resolveSamplingRules } from './rules.js';

/** The sampling options besides `sampleRate`, resolved from options, environment and defaults. */
export type ResolvedSampling = Omit<SamplingConfig, 'sampleRate'>;

/**
 * Resolves `samplingRules` (`TRACEKIT_SAMPLING_RULES`, a JSON array), `rateLimit`
 * (`TRACEKIT_RATE_LIMIT`), `keepErrors` (`TRACEKIT_KEEP_ERRORS`, default true),
 * `keepSlowerThanMs` (`TRACEKIT_KEEP_SLOWER_THAN_MS`, default off) and `parentBased`
 * (`TRACEKIT_PARENT_BASED`, default true). Throws a coded configuration error on bad values.
 */
export function resolveSampling(options: TracekitOptions, env: Env): ResolvedSampling {
  const rules = pick(options, 'samplingRules', env, 'TRACEKIT_SAMPLING_RULES');
  const rateLimit = pick(options, 'rateLimit', env, 'TRACEKIT_RATE_LIMIT');
  const slow = pick(options, 'keepSlowerThanMs', env, 'TRACEKIT_KEEP_SLOWER_THAN_MS');
  return {
    samplingRules: rules ? resolveSamplingRules(rules.value, rules.label) : [],
    rateLimit: rateLimit ? toNumberInRange(rateLimit, 0, 0.001, 1_000_000) : undefined,
    keepErrors: toBoolean(pick(options, 'keepErrors', env, 'TRACEKIT_KEEP_ERRORS'), true),
    keepSlowerThanMs: slow ? toNumberInRange(slow, 0, 0, 86_400_000) : undefined,
    parentBased: toBoolean(pick(options, 'parentBased', env, 'TRACEKIT_PARENT_BASED'), true),
  };
}
