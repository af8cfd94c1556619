import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { compileSamplingRules, matchesStart, pathOf, type CompiledRule, type ResolvedSamplingRule } from './rules.js';
import { TokenBucket } from './token-bucket.js';
import { ratioBound, traceIdRatioValue } from './trace-id-ratio.js';

/** The sampling part of the resolved configuration. */
export interface SamplingConfig {
  sampleRate: number;
  samplingRules: ResolvedSamplingRule[];
  /** Traces per second kept by head decisions and rules; undefined for no limit. */
  rateLimit: number | undefined;
  keepErrors: boolean;
  keepSlowerThanMs: number | undefined;
  parentBased: boolean;
}

/**
 * What the sampler decided for a trace. The numeric codes are internal; the public view is
 * `client.stats()` (see {@link SAMPLING_COUNTERS}).
 */
export const Decision = {
  /** Dropped by `sampleRate` or a rule (a request may still be kept by tail sampling). */
  DROP: 0,
  KEEP_HEAD: 1,
  KEEP_RULE: 2,
  /** An incoming `traceparent` was sampled (with `parentBased`). */
  KEEP_PARENT: 3,
  /** An incoming `traceparent` was not sampled (with `parentBased`). */
  DROP_PARENT: 4,
  /** Kept by `sampleRate` or a rule, but over `rateLimit`. */
  DROP_RATE: 5,
  /** A route rule may decide: record, hold the spans, and settle when the route is known. */
  PENDING: 6,
  KEEP_TAIL_ERROR: 7,
  KEEP_TAIL_SLOW: 8,
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** True when spans are recorded from the start (head keeps, and pending route decisions). */
export function records(d: Decision): boolean {
  return d === Decision.KEEP_HEAD || d === Decision.KEEP_RULE || d === Decision.KEEP_PARENT || d === Decision.PENDING;
}

/** True when the trace is exported. */
export function isKept(d: Decision): boolean {
  return d === Decision.KEEP_HEAD || d === Decision.KEEP_RULE || d === Decision.KEEP_PARENT || d === Decision.KEEP_TAIL_ERROR || d === Decision.KEEP_TAIL_SLOW;
}

/** The `client.stats()` counters the sampler keeps; each counts traces (root decisions), not spans. */
export const SAMPLING_COUNTERS = [
  'keptByHead', 'keptByParent', 'keptByRule', 'keptByTailError', 'keptByTailSlow', 'droppedBySampling', 'droppedByRateLimit', 'sampledOut',
] as const;

type Counters = Record<string, number>;

const COUNTER_OF: Record<number, string> = {
  [Decision.DROP]: 'droppedBySampling',
  [Decision.DROP_PARENT]: 'droppedBySampling',
  [Decision.DROP_RATE]: 'droppedByRateLimit',
  [Decision.KEEP_HEAD]: 'keptByHead',
  [Decision.KEEP_PARENT]: 'keptByParent',
  [Decision.KEEP_RULE]: 'keptByRule',
  [Decision.KEEP_TAIL_ERROR]: 'keptByTailError',
  [Decision.KEEP_TAIL_SLOW]: 'keptByTailSlow',
};

/**
 * TraceKit's sampler, in the order it applies:
 *
 * 1. **Parent-based** (`parentBased`, default on): an incoming `traceparent` decides, sampled or
 *    not, so a trace is never cut in the middle. Rules and the rate limit do not apply to it.
 * 2. **Rules**, first match wins (`{ route?, path?, method?, rate }`), else `sampleRate`; the
 *    rate is tested on the trace ID, so services with the same rate agree on every trace.
 * 3. **Rate limit** (`rateLimit`, traces per second, a token bucket) on what 2 kept.
 * 4. **Tail** (`keepErrors`, `keepSlowerThanMs`): at the end of a request, a dropped one that
 *    failed or was slow is kept after all (see lifecycle.ts). Tail keeps bypass the rate limit.
 *
 * Route templates are only known once the framework routed the request, after the SERVER span
 * started. Path and method rules decide at the start; when a route rule could still change the
 * outcome, the request is recorded with its spans held back (`PENDING`), and settled at the end
 * with the route. A request that no candidate rule could keep is dropped at once (the cheap path).
 */
export class TracekitSampler {
  /** True when a dropped request may still be kept at its end. */
  readonly tail: boolean;
  /** `keepSlowerThanMs`, or undefined when slowness is not checked. */
  readonly slowThresholdMs: number | undefined;
  private readonly bound: number;
  private readonly rules: readonly CompiledRule[] | undefined;
  private readonly bucket: TokenBucket | undefined;

  constructor(
    private readonly config: SamplingConfig,
    private readonly counters: Counters,
    /** Millisecond clock for the rate limit and slowness (the client's). */
    readonly now: () => number,
  ) {
    for (const name of SAMPLING_COUNTERS) counters[name] ??= 0;
    this.bound = ratioBound(config.sampleRate);
    this.rules = config.samplingRules.length > 0 ? compileSamplingRules(config.samplingRules) : undefined;
    this.bucket = config.rateLimit === undefined ? undefined : new TokenBucket(config.rateLimit, now);
    this.tail = config.keepErrors || config.keepSlowerThanMs !== undefined;
    this.slowThresholdMs = config.keepSlowerThanMs;
  }

  /** Head decision for a root span outside any request (no rules by route or path apply; no tail). */
  decideRoot(traceId: string, parent: SpanContext | undefined): boolean {
    const d = this.head(traceIdRatioValue(traceId), parent, undefined, undefined);
    this.count(d);
    return d !== Decision.DROP && d !== Decision.DROP_PARENT && d !== Decision.DROP_RATE;
  }

  /**
   * Head decision for a request's SERVER span. `value` is the trace ID's
   * {@link traceIdRatioValue} (a new trace's is computed from its random words, before any hex
   * exists). Definitive keeps are counted now; drops are counted by {@link settle} when tail
   * sampling may still keep them.
   */
  decideRequest(value: number, parent: SpanContext | undefined, method: string, target: string): Decision {
    const d = this.head(value, parent, method, target);
    if (d !== Decision.PENDING && (records(d) || !this.tail)) this.count(d);
    return d;
  }

  /**
   * The final decision at the end of a request, counted. `head` is what {@link decideRequest}
   * returned; `route` is the matched template; `failed` and `elapsedMs` drive tail sampling.
   */
  settle(head: Decision, value: number, method: string, target: string, route: string | undefined, failed: boolean, elapsedMs: number): Decision {
    let d = head;
    if (d === Decision.PENDING) d = this.settleRoute(value, method, target, route);
    else if (records(d)) return d; // counted at the start
    if (!records(d) && this.tail) {
      if (failed && this.config.keepErrors) d = Decision.KEEP_TAIL_ERROR;
      else if (this.config.keepSlowerThanMs !== undefined && elapsedMs >= this.config.keepSlowerThanMs) d = Decision.KEEP_TAIL_SLOW;
    }
    this.count(d);
    return d;
  }

  private count(d: Decision): void {
    const name = COUNTER_OF[d];
    if (name === undefined) return;
    this.counters[name]!++;
    if (d === Decision.DROP || d === Decision.DROP_PARENT || d === Decision.DROP_RATE) this.counters.sampledOut!++;
  }

  private head(value: number, parent: SpanContext | undefined, method: string | undefined, target: string | undefined): Decision {
    if (parent && this.config.parentBased) {
      return (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? Decision.KEEP_PARENT : Decision.DROP_PARENT;
    }
    let bound = this.bound;
    let byRule = false;
    // The highest bound among route rules that may still apply (-1: none).
    let routeHigh = -1;
    if (this.rules) {
      if (method === undefined || target === undefined) {
        // Outside a request only unconditional rules can match.
        for (const rule of this.rules) {
          if (rule.methods !== undefined || rule.path !== undefined || rule.route !== undefined) continue;
          bound = rule.bound;
          byRule = true;
          break;
        }
      } else {
        const path = pathOf(target);
        for (const rule of this.rules) {
          if (!matchesStart(rule, method, path)) continue;
          if (rule.route !== undefined) {
            // The route is not known yet: remember what this rule could still decide.
            if (rule.bound > routeHigh) routeHigh = rule.bound;
            continue;
          }
          bound = rule.bound;
          byRule = true;
          break;
        }
      }
    }
    if (bound === 0 && routeHigh <= 0) return Decision.DROP;
    if (routeHigh >= 0) {
      // Drop at once when no candidate could keep the trace; else decide when the route is known.
      return value < bound || value < routeHigh ? Decision.PENDING : Decision.DROP;
    }
    if (value >= bound) return Decision.DROP;
    if (this.bucket && !this.bucket.take()) return Decision.DROP_RATE;
    return byRule ? Decision.KEEP_RULE : Decision.KEEP_HEAD;
  }

  private settleRoute(value: number, method: string, target: string, route: string | undefined): Decision {
    let bound = this.bound;
    let byRule = false;
    const path = pathOf(target);
    for (const rule of this.rules ?? []) {
      if (!matchesStart(rule, method, path) || (rule.route !== undefined && rule.route !== route)) continue;
      bound = rule.bound;
      byRule = true;
      break;
    }
    if (value >= bound) return Decision.DROP;
    if (this.bucket && !this.bucket.take()) return Decision.DROP_RATE;
    return byRule ? Decision.KEEP_RULE : Decision.KEEP_HEAD;
  }
}
