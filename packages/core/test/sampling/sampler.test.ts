import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceIdRatioBasedSampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { Decision, TracekitSampler, type SamplingConfig } from '../../src/sampling/sampler.js';
import { resolveConfig, TracekitConfigError } from '../../src/adapter-api.js';
import { resolveSamplingRules } from '../../src/sampling/rules.js';
import { TokenBucket } from '../../src/sampling/token-bucket.js';
import type { SamplingRule } from '../../src/types.js';
import { ratioBound, traceIdRatioValue } from '../../src/sampling/trace-id-ratio.js';
import { randomBytes } from 'node:crypto';

type Over = Partial<Omit<SamplingConfig, 'samplingRules'>> & { samplingRules?: SamplingRule[] };

const config = ({ samplingRules = [], ...over }: Over = {}): SamplingConfig => ({
  sampleRate: 1,
  rateLimit: undefined,
  keepErrors: true,
  keepSlowerThanMs: undefined,
  parentBased: true,
  ...over,
  samplingRules: resolveSamplingRules(samplingRules, 'test'),
});

const sampler = (over: Over = {}, now: () => number = () => 0) => {
  const counters: Record<string, number> = {};
  return { s: new TracekitSampler(config(over), counters, now), counters };
};

/** A trace ID whose ratio value is exactly `value` (the first word carries it, the rest are zero). */
const idWithValue = (value: number) => `${value.toString(16).padStart(8, '0')}${'0'.repeat(24)}`;
const valueOf = (fraction: number) => Math.floor(fraction * 0xffffffff);
const remote = (sampled: boolean): SpanContext => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });

describe('trace-ID ratio', () => {
  it('gives OpenTelemetry TraceIdRatioBasedSampler decisions for 5000 random trace IDs at five rates', () => {
    for (const rate of [0.01, 0.1, 0.25, 0.5, 0.9]) {
      const otel = new TraceIdRatioBasedSampler(rate);
      const bound = ratioBound(rate);
      for (let i = 0; i < 1000; i++) {
        const id = randomBytes(16).toString('hex');
        const theirs = otel.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED;
        expect(traceIdRatioValue(id) < bound).toBe(theirs);
      }
    }
  });

  it('folds the four words of the trace ID with XOR', () => {
    expect(traceIdRatioValue('00000001000000020000000400000008')).toBe(15);
    expect(traceIdRatioValue('ffffffff00000000000000000000000f')).toBe(0xfffffff0);
    expect(traceIdRatioValue('ABCDEF01000000000000000000000000')).toBe(0xabcdef01);
  });

  it('rate 1 keeps every value, rate 0 none', () => {
    expect(0xffffffff < ratioBound(1)).toBe(true);
    expect(0 < ratioBound(0)).toBe(false);
  });
});

describe('head decisions', () => {
  it('sampleRate keeps trace values below rate × 2^32', () => {
    const { s, counters } = sampler({ sampleRate: 0.25, keepErrors: false });
    expect(s.decideRequest(valueOf(0.2), undefined, 'GET', '/a')).toBe(Decision.KEEP_HEAD);
    expect(s.decideRequest(valueOf(0.3), undefined, 'GET', '/a')).toBe(Decision.DROP);
    expect(counters).toMatchObject({ keptByHead: 1, droppedBySampling: 1, sampledOut: 1 });
  });

  it('an incoming sampled traceparent keeps the trace, an unsampled one drops it (parentBased on)', () => {
    const { s, counters } = sampler({ sampleRate: 0, keepErrors: false });
    expect(s.decideRequest(valueOf(0.99), remote(true), 'GET', '/a')).toBe(Decision.KEEP_PARENT);
    const all = sampler({ sampleRate: 1, keepErrors: false });
    expect(all.s.decideRequest(valueOf(0.01), remote(false), 'GET', '/a')).toBe(Decision.DROP_PARENT);
    expect(counters.keptByParent).toBe(1);
    expect(all.counters).toMatchObject({ droppedBySampling: 1, sampledOut: 1 });
  });

  it('the parent decides over rules and the rate limit', () => {
    const { s } = sampler({ samplingRules: [{ path: '/health', rate: 0 }], rateLimit: 0.001 });
    expect(s.decideRequest(valueOf(0.5), remote(true), 'GET', '/health')).toBe(Decision.KEEP_PARENT);
    expect(s.decideRequest(valueOf(0.5), remote(true), 'GET', '/health')).toBe(Decision.KEEP_PARENT);
  });

  it('with parentBased off the trace ID decides, whatever the incoming flag', () => {
    const { s } = sampler({ sampleRate: 0.5, parentBased: false, keepErrors: false });
    expect(s.decideRequest(valueOf(0.9), remote(true), 'GET', '/a')).toBe(Decision.DROP);
    expect(s.decideRequest(valueOf(0.1), remote(false), 'GET', '/a')).toBe(Decision.KEEP_HEAD);
  });

  it('root spans outside requests use sampleRate and unconditional rules only', () => {
    const { s } = sampler({ sampleRate: 1, samplingRules: [{ path: '/x', rate: 0 }, { method: 'GET', rate: 0 }] });
    expect(s.decideRoot(idWithValue(valueOf(0.5)), undefined)).toBe(true);
    const u = sampler({ sampleRate: 1, samplingRules: [{ path: '/x', rate: 0 }, { rate: 0 }] });
    expect(u.s.decideRoot(idWithValue(valueOf(0.5)), undefined)).toBe(false);
  });
});

describe('rules', () => {
  const rules = [
    { path: '/health', rate: 0 },
    { path: '/checkout/*', rate: 1 },
    { method: ['POST', 'PUT'], path: '/api/**', rate: 0.5 },
    { method: 'DELETE', rate: 1 },
  ];

  it('first match wins: path, glob, method lists, method alone; else sampleRate', () => {
    const { s, counters } = sampler({ sampleRate: 0, samplingRules: rules, keepErrors: false });
    const v = valueOf(0.3);
    expect(s.decideRequest(v, undefined, 'GET', '/health')).toBe(Decision.DROP);
    expect(s.decideRequest(v, undefined, 'GET', '/health/')).toBe(Decision.DROP);
    expect(s.decideRequest(v, undefined, 'GET', '/checkout/42?coupon=x')).toBe(Decision.KEEP_RULE);
    expect(s.decideRequest(v, undefined, 'GET', '/checkout/42/items')).toBe(Decision.DROP);
    expect(s.decideRequest(v, undefined, 'PUT', '/api/v1/orders')).toBe(Decision.KEEP_RULE);
    expect(s.decideRequest(valueOf(0.6), undefined, 'PUT', '/api/v1/orders')).toBe(Decision.DROP);
    expect(s.decideRequest(v, undefined, 'GET', '/api/v1/orders')).toBe(Decision.DROP);
    expect(s.decideRequest(v, undefined, 'DELETE', '/health')).toBe(Decision.DROP);
    expect(s.decideRequest(v, undefined, 'DELETE', '/anything')).toBe(Decision.KEEP_RULE);
    expect(counters).toMatchObject({ keptByRule: 3, keptByHead: 0, droppedBySampling: 6 });
  });

  it('a route rule that could change the outcome makes the decision wait for the route', () => {
    const { s, counters } = sampler({ sampleRate: 1, samplingRules: [{ route: '/users/:id', rate: 0 }], keepErrors: false });
    const d = s.decideRequest(valueOf(0.5), undefined, 'GET', '/users/7');
    expect(d).toBe(Decision.PENDING);
    expect(s.settle(d, valueOf(0.5), 'GET', '/users/7', '/users/:id', false, 1)).toBe(Decision.DROP);
    expect(s.settle(d, valueOf(0.5), 'GET', '/orders/7', '/orders/:id', false, 1)).toBe(Decision.KEEP_HEAD);
    expect(s.settle(d, valueOf(0.5), 'GET', '/nothing', undefined, false, 1)).toBe(Decision.KEEP_HEAD);
    expect(counters).toMatchObject({ keptByHead: 2, droppedBySampling: 1 });
  });

  it('a request no candidate rule could keep is dropped at the start (the cheap path)', () => {
    const { s } = sampler({ sampleRate: 0.1, samplingRules: [{ route: '/users/:id', rate: 0.2 }] });
    expect(s.decideRequest(valueOf(0.5), undefined, 'GET', '/users/7')).toBe(Decision.DROP);
    expect(s.decideRequest(valueOf(0.15), undefined, 'GET', '/users/7')).toBe(Decision.PENDING);
  });

  it('a route rule after a matching path rule never applies', () => {
    const { s } = sampler({ sampleRate: 0, samplingRules: [{ path: '/users/*', rate: 1 }, { route: '/users/:id', rate: 0 }] });
    expect(s.decideRequest(valueOf(0.5), undefined, 'GET', '/users/7')).toBe(Decision.KEEP_RULE);
  });

  it('a route rule with a method only waits for requests with that method', () => {
    const { s } = sampler({ sampleRate: 0, samplingRules: [{ route: '/users/:id', method: 'POST', rate: 1 }], keepErrors: false });
    expect(s.decideRequest(valueOf(0.5), undefined, 'GET', '/users/7')).toBe(Decision.DROP);
    const d = s.decideRequest(valueOf(0.5), undefined, 'POST', '/users/7');
    expect(d).toBe(Decision.PENDING);
    expect(s.settle(d, valueOf(0.5), 'POST', '/users/7', '/users/:id', false, 1)).toBe(Decision.KEEP_RULE);
  });
});

describe('rate limit', () => {
  it('keeps at most rateLimit traces a second after rules, refilling with time', () => {
    let t = 1_000;
    const { s, counters } = sampler({ sampleRate: 1, rateLimit: 3, keepErrors: false }, () => t);
    const run = (n: number) => Array.from({ length: n }, () => s.decideRequest(valueOf(0.5), undefined, 'GET', '/'));
    expect(run(5)).toEqual([Decision.KEEP_HEAD, Decision.KEEP_HEAD, Decision.KEEP_HEAD, Decision.DROP_RATE, Decision.DROP_RATE]);
    t += 500; // 1.5 tokens back
    expect(run(3)).toEqual([Decision.KEEP_HEAD, Decision.DROP_RATE, Decision.DROP_RATE]);
    t += 10_000; // the bucket holds one second's worth at most
    expect(run(4).filter((d) => d === Decision.KEEP_HEAD)).toHaveLength(3);
    expect(counters).toMatchObject({ keptByHead: 7, droppedByRateLimit: 5, sampledOut: 5 });
  });

  it('does not count traces that sampling dropped anyway', () => {
    let t = 0;
    const { s, counters } = sampler({ sampleRate: 0, rateLimit: 1, keepErrors: false }, () => t);
    s.decideRequest(valueOf(0.5), undefined, 'GET', '/');
    expect(counters).toMatchObject({ droppedByRateLimit: 0, droppedBySampling: 1 });
  });

  it('token bucket: fractional rates accumulate', () => {
    let t = 0;
    const b = new TokenBucket(0.5, () => t);
    expect([b.take(), b.take()]).toEqual([true, false]);
    t += 1000;
    expect(b.take()).toBe(false);
    t += 1000;
    expect(b.take()).toBe(true);
  });
});

describe('tail decisions', () => {
  it('a dropped request that failed is kept when keepErrors is on (the default)', () => {
    const { s, counters } = sampler({ sampleRate: 0 });
    const d = s.decideRequest(valueOf(0.5), undefined, 'GET', '/');
    expect(d).toBe(Decision.DROP);
    expect(counters.droppedBySampling).toBe(0); // decided at the end
    expect(s.settle(d, valueOf(0.5), 'GET', '/', undefined, true, 1)).toBe(Decision.KEEP_TAIL_ERROR);
    expect(s.settle(d, valueOf(0.5), 'GET', '/', undefined, false, 1)).toBe(Decision.DROP);
    expect(counters).toMatchObject({ keptByTailError: 1, droppedBySampling: 1, sampledOut: 1 });
  });

  it('keepSlowerThanMs keeps slow requests; off by default', () => {
    const { s, counters } = sampler({ sampleRate: 0, keepSlowerThanMs: 250 });
    expect(s.settle(Decision.DROP, 0, 'GET', '/', undefined, false, 250)).toBe(Decision.KEEP_TAIL_SLOW);
    expect(s.settle(Decision.DROP, 0, 'GET', '/', undefined, false, 249.9)).toBe(Decision.DROP);
    const off = sampler({ sampleRate: 0 });
    expect(off.s.settle(Decision.DROP, 0, 'GET', '/', undefined, false, 1e9)).toBe(Decision.DROP);
    expect(counters).toMatchObject({ keptByTailSlow: 1, droppedBySampling: 1 });
  });

  it('keepErrors off: failures are dropped like the rest', () => {
    const { s } = sampler({ sampleRate: 0, keepErrors: false });
    expect(s.tail).toBe(false);
    expect(s.settle(Decision.DROP, 0, 'GET', '/', undefined, true, 1)).toBe(Decision.DROP);
  });

  it('tail keeps bypass the rate limit, and apply to rate-limited and parent-dropped requests', () => {
    let t = 0;
    const { s, counters } = sampler({ sampleRate: 1, rateLimit: 1 }, () => t);
    expect(s.decideRequest(valueOf(0.5), undefined, 'GET', '/')).toBe(Decision.KEEP_HEAD);
    const limited = s.decideRequest(valueOf(0.5), undefined, 'GET', '/');
    expect(limited).toBe(Decision.DROP_RATE);
    expect(s.settle(limited, 0, 'GET', '/', undefined, true, 1)).toBe(Decision.KEEP_TAIL_ERROR);
    expect(s.settle(Decision.DROP_PARENT, 0, 'GET', '/', undefined, true, 1)).toBe(Decision.KEEP_TAIL_ERROR);
    expect(counters).toMatchObject({ keptByHead: 1, keptByTailError: 2, droppedByRateLimit: 0 });
  });
});

describe('sampling configuration', () => {
  const fail = (options: object, env: Record<string, string> = {}) => {
    try {
      resolveConfig(options, env, '/nonexistent');
    } catch (e) {
      return e as TracekitConfigError;
    }
    throw new Error('expected a TracekitConfigError');
  };

  it('defaults: keepErrors on, keepSlowerThanMs off, parentBased on, no rules, no rate limit', () => {
    expect(resolveConfig({}, {}, '/nonexistent')).toMatchObject({ sampleRate: 1, samplingRules: [], rateLimit: undefined, keepErrors: true, keepSlowerThanMs: undefined, parentBased: true });
  });

  it('reads every option from the environment', () => {
    const c = resolveConfig({}, {
      TRACEKIT_SAMPLE_RATE: '0.01',
      TRACEKIT_SAMPLING_RULES: '[{"path":"/health","rate":0},{"method":"post","rate":1}]',
      TRACEKIT_RATE_LIMIT: '50',
      TRACEKIT_KEEP_ERRORS: 'false',
      TRACEKIT_KEEP_SLOWER_THAN_MS: '750',
      TRACEKIT_PARENT_BASED: 'off',
    }, '/nonexistent');
    expect(c).toMatchObject({ sampleRate: 0.01, samplingRules: [{ path: '/health', rate: 0 }, { method: ['POST'], rate: 1 }], rateLimit: 50, keepErrors: false, keepSlowerThanMs: 750, parentBased: false });
  });

  it.each([
    [{ samplingRules: [{ path: '/a', rate: 2 }] }, '[TK_CONFIG_SAMPLING_RULE] options.samplingRules[0]={"path":"/a","rate":2} is invalid: rate must be a number from 0 to 1'],
    [{ samplingRules: [{ rate: 1 }, { paths: '/a', rate: 1 }] }, '[TK_CONFIG_SAMPLING_RULE] options.samplingRules[1]={"paths":"/a","rate":1} is invalid: "paths" is not a rule field'],
    [{ samplingRules: [{ path: 'health', rate: 0 }] }, 'options.samplingRules[0]={"path":"health","rate":0} is invalid: path must be a path or glob starting with "/"'],
    [{ samplingRules: [{ method: 'GE T', rate: 0 }] }, 'method must be an HTTP method such as "GET", or an array of them'],
    [{ samplingRules: { path: '/a', rate: 1 } }, 'options.samplingRules={"path":"/a","rate":1} is invalid: expected an array of rules'],
    [{ rateLimit: 0 }, '[TK_CONFIG_NUMBER_RANGE] options.rateLimit=0 is invalid: expected a number from 0.001 to 1000000'],
    [{ keepSlowerThanMs: -1 }, 'options.keepSlowerThanMs=-1 is invalid: expected a number from 0 to 86400000'],
    [{ keepErrors: 'yes please' }, 'options.keepErrors="yes please" is invalid: accepted values are true, false'],
  ])('%o fails at init naming the option', (options, message) => {
    expect(fail(options).message).toContain(message);
  });

  it('a bad TRACEKIT_SAMPLING_RULES names the variable', () => {
    expect(fail({}, { TRACEKIT_SAMPLING_RULES: '{path:/x}' }).message).toBe(
      '[TK_CONFIG_SAMPLING_RULE] TRACEKIT_SAMPLING_RULES="{path:/x}" is invalid: expected a JSON array of rules, each an object { route?: string, path?: string (glob) or RegExp, method?: string or string[], rate: number from 0 to 1 }',
    );
    expect(fail({}, { TRACEKIT_RATE_LIMIT: 'lots' }).message).toContain('TRACEKIT_RATE_LIMIT="lots" is invalid');
  });
});
