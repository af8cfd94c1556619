import { describe, expect, it } from 'vitest';
import { init, resolveConfig, TracekitConfigError } from '../../src/adapter-api.js';
import { compileUserPattern, hasNestedQuantifier, splitPatternList } from '../../src/redaction/user-patterns.js';

const fail = (options: object, env: Record<string, string> = {}): TracekitConfigError => {
  try {
    resolveConfig(options, env, '/nonexistent');
  } catch (e) {
    return e as TracekitConfigError;
  }
  throw new Error('expected a TracekitConfigError');
};

describe('TRACEKIT_REDACT', () => {
  it('splits on commas outside {} [] () and unescaped', () => {
    expect(splitPatternList('acct-\\d{6,8}, tok_[a-z,]+ ,(a|b),x\\,y')).toEqual(['acct-\\d{6,8}', 'tok_[a-z,]+', '(a|b)', 'x,y']);
    expect(splitPatternList('["a,b", "c"]')).toEqual(['a,b', 'c']);
    expect(splitPatternList('[A-Z]{3}-\\d+')).toEqual(['[A-Z]{3}-\\d+']);
  });

  it('patterns from the environment and options are compiled once into the configuration', () => {
    const c = resolveConfig({ redaction: { patterns: [/emp-\d{5}/i, 'acct-\\d{6}'] } }, { TRACEKIT_REDACT: '/tok_[a-z]{8}/i,pin-\\d{4}' }, '/nonexistent');
    expect(c.redaction.patterns.map(String)).toEqual(['/emp-\\d{5}/gi', '/acct-\\d{6}/g', '/tok_[a-z]{8}/gi', '/pin-\\d{4}/g']);
  });

  it('an invalid regular expression fails init() naming TRACEKIT_REDACT', () => {
    const e = fail({}, { TRACEKIT_REDACT: 'ok-\\d+,(unclosed' });
    expect(e.code).toBe('TK_CONFIG_PATTERN');
    expect(e.message).toBe(
      '[TK_CONFIG_PATTERN] TRACEKIT_REDACT="(unclosed" is invalid: not a valid regular expression (Invalid regular expression: /(unclosed/g: Unterminated group)',
    );
    expect(() => init({ handleShutdown: false }, { env: { TRACEKIT_REDACT: '[z-a]' } })).toThrow(/TRACEKIT_REDACT="\[z-a\]" is invalid: not a valid regular expression/);
  });

  it('names the option and index for a bad pattern in options', () => {
    expect(fail({ redaction: { patterns: ['fine', 42] } }).message).toBe(
      '[TK_CONFIG_PATTERN] options.redaction.patterns[1]=42 is invalid: expected a regular expression (a RegExp, a source string, or "/source/flags")',
    );
  });

  it('refuses nested repetition before running it', () => {
    const e = fail({ redaction: { patterns: [/^(a+)+$/] } });
    expect(e.message).toBe(
      '[TK_CONFIG_PATTERN] options.redaction.patterns[0]="/^(a+)+$/" is invalid: it nests repetition (like "(a+)+"), which can take catastrophic time on some inputs; rewrite it without a repeated group that itself repeats',
    );
    expect(hasNestedQuantifier('(\\w*x)*')).toBe(true);
    expect(hasNestedQuantifier('(?:a{2,})+')).toBe(true);
    expect(hasNestedQuantifier('((ab)+c)*')).toBe(true);
  });

  it('refuses overlapping alternation and quadratic patterns found by probing', () => {
    expect(fail({}, { TRACEKIT_REDACT: '^(a|aa)+$' }).message).toMatch(/^\[TK_CONFIG_PATTERN\] TRACEKIT_REDACT="\^\(a\|aa\)\+\$" is invalid: it takes catastrophic time \(over 100 ms\) on a 20000-character input like "aaaaaaaa"…/);
    expect(fail({}, { TRACEKIT_REDACT: '\\w+@\\w+\\.com' }).message).toMatch(/it takes catastrophic time .* rewrite it without overlapping repetition/);
  });

  it('accepts linear patterns, including bounded repetition in groups and anchored ones', () => {
    for (const p of ['acct-\\d{6}', '(?:ab){2,4}', '\\b\\w+@\\w+\\.com\\b', 'api[_-]?key=(?<secret>[A-Za-z0-9]{16,64})', '(foo|bar)+baz', '[A-Z]{2}\\d{2}(?: ?\\d{4}){3}']) {
      expect(compileUserPattern(p, 'test').source).toBe(p);
    }
    expect(hasNestedQuantifier('(?:ab){2,4}')).toBe(false);
    expect(hasNestedQuantifier('(a|b)+')).toBe(false);
    expect(hasNestedQuantifier('[(a+)+]')).toBe(false);
  });

  it('refuses a pattern that matches the empty string', () => {
    expect(fail({}, { TRACEKIT_REDACT: 'x*' }).message).toContain('TRACEKIT_REDACT="x*" is invalid: it matches the empty string');
  });
});

describe('other redaction options', () => {
  it('defaults: on, mask, no extra keys or patterns, a random hash key', () => {
    const r = resolveConfig({}, {}, '/nonexistent').redaction;
    expect(r).toMatchObject({ enabled: true, mode: 'mask', keys: [], patterns: [] });
    expect(r.hashKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hash key from options or TRACEKIT_REDACTION_KEY; a short one fails without showing it', () => {
    expect(resolveConfig({}, { TRACEKIT_REDACTION_KEY: 'k'.repeat(16) }, '/nonexistent').redaction.hashKey).toBe('k'.repeat(16));
    const e = fail({}, { TRACEKIT_REDACTION_KEY: 'tooshort' });
    expect(e.message).toBe('[TK_CONFIG_REDACTION_KEY] TRACEKIT_REDACTION_KEY is invalid: expected a secret string of at least 16 characters');
    expect(e.message).not.toContain('tooshort');
  });

  it('unknown redaction fields and bad keys fail', () => {
    expect(fail({ redaction: { mask: true } }).message).toContain('options.redaction.mask');
    expect(fail({ redaction: { keys: 'token' } }).message).toContain('options.redaction.keys="token" is invalid: expected an array of key names');
  });

  it('captureBody: off by default; true, an object, or TRACEKIT_CAPTURE_BODY', () => {
    const at = (options: object, env: Record<string, string> = {}) => resolveConfig(options, env, '/nonexistent').captureBody;
    expect(at({})).toEqual({ request: false, response: false, maxBytes: 4096 });
    expect(at({ captureBody: true })).toEqual({ request: true, response: true, maxBytes: 4096 });
    expect(at({ captureBody: { request: true, maxBytes: 100 } })).toEqual({ request: true, response: false, maxBytes: 100 });
    expect(at({}, { TRACEKIT_CAPTURE_BODY: 'response', TRACEKIT_CAPTURE_BODY_MAX_BYTES: '2048' })).toEqual({ request: false, response: true, maxBytes: 2048 });
    expect(at({}, { TRACEKIT_CAPTURE_BODY: 'both' })).toEqual({ request: true, response: true, maxBytes: 4096 });
    expect(fail({ captureBody: { requests: true } }).message).toContain('options.captureBody={"requests":true} is invalid');
    expect(fail({}, { TRACEKIT_CAPTURE_BODY: 'everything' }).message).toContain('TRACEKIT_CAPTURE_BODY="everything"');
  });
});
