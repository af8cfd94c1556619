import { configError } from '../config/config-errors.js';
import { compilePathRules, type PathMatcher } from '../http/ignore.js';
import type { SamplingRule } from '../types.js';
import { ratioBound } from './trace-id-ratio.js';

/** A validated rule: methods upper-cased, the rate checked. */
export interface ResolvedSamplingRule {
  route?: string;
  path?: string | RegExp;
  method?: string[];
  rate: number;
}

/** One rule, ready to match. */
export interface CompiledRule {
  /** Upper-case methods, or undefined for any method. */
  readonly methods: readonly string[] | undefined;
  readonly path: PathMatcher | undefined;
  /** An exact route template (`/users/:id`); only known once the framework matched a route. */
  readonly route: string | undefined;
  readonly rate: number;
  /** {@link ratioBound} of the rate. */
  readonly bound: number;
}

const RULE_KEYS = new Set(['route', 'path', 'method', 'rate']);
const SHAPE = 'an object { route?: string, path?: string (glob) or RegExp, method?: string or string[], rate: number from 0 to 1 }';

/**
 * Validates `samplingRules` (from `init()` or `TRACEKIT_SAMPLING_RULES`, a JSON array) and
 * throws a coded configuration error naming the rule that is wrong.
 */
export function resolveSamplingRules(value: unknown, label: string): ResolvedSamplingRule[] {
  let list = value;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      throw configError('TK_CONFIG_SAMPLING_RULE', { label, value }, `expected a JSON array of rules, each ${SHAPE}`);
    }
  }
  if (!Array.isArray(list)) throw configError('TK_CONFIG_SAMPLING_RULE', { label, value }, `expected an array of rules, each ${SHAPE}`);
  return list.map((rule: unknown, i) => {
    const at = { label: `${label}[${i}]`, value: rule };
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw configError('TK_CONFIG_SAMPLING_RULE', at, `expected ${SHAPE}`);
    const r = rule as Record<string, unknown>;
    const unknownKey = Object.keys(r).find((k) => !RULE_KEYS.has(k));
    if (unknownKey !== undefined) throw configError('TK_CONFIG_SAMPLING_RULE', at, `"${unknownKey}" is not a rule field; expected ${SHAPE}`);
    if (typeof r.rate !== 'number' || !Number.isFinite(r.rate) || r.rate < 0 || r.rate > 1) {
      throw configError('TK_CONFIG_SAMPLING_RULE', at, 'rate must be a number from 0 to 1');
    }
    const out: ResolvedSamplingRule = { rate: r.rate };
    if (r.route !== undefined) {
      if (typeof r.route !== 'string' || r.route === '') throw configError('TK_CONFIG_SAMPLING_RULE', at, 'route must be a route template such as "/users/:id"');
      out.route = r.route;
    }
    if (r.path !== undefined) {
      if (!(r.path instanceof RegExp) && (typeof r.path !== 'string' || !r.path.startsWith('/'))) {
        throw configError('TK_CONFIG_SAMPLING_RULE', at, 'path must be a path or glob starting with "/" (such as "/checkout/*"), or a RegExp');
      }
      out.path = r.path;
    }
    if (r.method !== undefined) {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      if (methods.length === 0 || methods.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) {
        throw configError('TK_CONFIG_SAMPLING_RULE', at, 'method must be an HTTP method such as "GET", or an array of them');
      }
      out.method = (methods as string[]).map((m) => m.toUpperCase());
    }
    return out;
  });
}

/** Compiles validated rules once (globs to matchers, rates to bounds). */
export function compileSamplingRules(rules: readonly ResolvedSamplingRule[]): CompiledRule[] {
  return rules.map((r) => ({
    methods: r.method,
    path: r.path === undefined ? undefined : compilePathRules(r.path),
    route: r.route,
    rate: r.rate,
    bound: ratioBound(r.rate),
  }));
}

/** True when the rule's method and path conditions (the ones known at the start) hold. */
export function matchesStart(rule: CompiledRule, method: string, path: string): boolean {
  if (rule.methods !== undefined && !rule.methods.includes(method)) return false;
  return rule.path === undefined || rule.path(path);
}

/** The path part of a request target (`/a/b?x=1` gives `/a/b`). */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}
