import { describe, expect, it } from 'vitest';
import { CONFIG_ERROR_CODES, resolveConfig, TracekitConfigError, init } from '../../src/adapter-api.js';

const fail = (env: Record<string, string>, options: object = {}) => {
  try {
    resolveConfig(options, env, '/nonexistent');
  } catch (e) {
    return e as TracekitConfigError;
  }
  throw new Error('expected a TracekitConfigError');
};

describe('configuration', () => {
  it('TRACEKIT_SAMPLE_RATE=2 names the variable and the accepted range', () => {
    const e = fail({ TRACEKIT_SAMPLE_RATE: '2' });
    expect(e).toBeInstanceOf(TracekitConfigError);
    expect(e.code).toBe('TK_CONFIG_NUMBER_RANGE');
    expect(e.message).toBe('[TK_CONFIG_NUMBER_RANGE] TRACEKIT_SAMPLE_RATE="2" is invalid: expected a number from 0 to 1');
  });

  it('TRACEKIT_EXPORTER=kafka names the variable and the accepted values', () => {
    const e = fail({ TRACEKIT_EXPORTER: 'kafka' });
    expect(e.code).toBe('TK_CONFIG_ENUM');
    expect(e.message).toContain('TRACEKIT_EXPORTER="kafka" is invalid: accepted values are "file", "otlp", "console", "none"');
  });

  it('init() throws the same error for a bad environment', () => {
    expect(() => init({ handleShutdown: false }, { env: { TRACEKIT_SAMPLE_RATE: 'often' } })).toThrow(/TRACEKIT_SAMPLE_RATE="often"/);
  });

  it.each([
    [{ TRACEKIT_ENABLED: 'maybe' }, 'TRACEKIT_ENABLED="maybe" is invalid: accepted values are true, false, 1, 0, yes, no, on, off'],
    [{ TRACEKIT_DEBUG: '2' }, 'TRACEKIT_DEBUG="2"'],
    [{ TRACEKIT_ENDPOINT: 'ftp://collector' }, 'TRACEKIT_ENDPOINT="ftp://collector" is invalid: expected an http:// or https:// URL'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT="not a url"'],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS="novalue" is invalid: expected comma-separated key=value pairs'],
    [{ TRACEKIT_REDACTION_MODE: 'shred' }, 'TRACEKIT_REDACTION_MODE="shred" is invalid: accepted values are "mask", "remove", "hash"'],
    [{ TRACEKIT_REDACT: '(unclosed' }, 'TRACEKIT_REDACT="(unclosed" is invalid: not a valid regular expression'],
    [{ TRACEKIT_CODE_MONITORING: 'sometimes' }, 'TRACEKIT_CODE_MONITORING="sometimes"'],
  ])('%o fails at init with a message naming it', (env, message) => {
    expect(fail(env as Record<string, string>).message).toContain(message);
  });

  it('option errors name the option', () => {
    expect(fail({}, { sampleRate: -1 }).message).toContain('options.sampleRate=-1 is invalid: expected a number from 0 to 1');
    expect(fail({}, { exporter: 'jaeger' }).message).toContain('options.exporter="jaeger"');
    expect(fail({}, { sampleRat: 1 }).message).toMatch(/options\.sampleRat is not an option of init\(\): accepted options are .*sampleRate/);
    expect(fail({}, { enabled: 'yes please' }).code).toBe('TK_CONFIG_BOOLEAN');
  });

  it('options win over environment variables, which win over defaults', () => {
    const env = { TRACEKIT_SAMPLE_RATE: '0.5', TRACEKIT_SERVICE_NAME: 'from-env', OTEL_SERVICE_NAME: 'otel-name' };
    expect(resolveConfig({ sampleRate: 0.25 }, env, '/nonexistent').sampleRate).toBe(0.25);
    expect(resolveConfig({}, env, '/nonexistent').sampleRate).toBe(0.5);
    expect(resolveConfig({}, env, '/nonexistent').serviceName).toBe('from-env');
    expect(resolveConfig({}, { OTEL_SERVICE_NAME: 'otel-name' }, '/nonexistent').serviceName).toBe('otel-name');
    expect(resolveConfig({}, {}, '/nonexistent').serviceName).toBe('node-app');
    const d = resolveConfig({}, {}, '/srv/app');
    expect(d.sampleRate).toBe(1);
    expect(d.enabled).toBe(true);
    expect(d.exporter).toBe('file');
    expect(d.file).toBe('/srv/app/.tracekit/traces.jsonl');
  });

  it('the exporter defaults to otlp when an endpoint is set', () => {
    const c = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }, '/x');
    expect(c.exporter).toBe('otlp');
    expect(c.endpoint).toBe('http://127.0.0.1:4318');
  });

  it('parses OTEL_EXPORTER_OTLP_HEADERS', () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'x-team=a, X-Env=prod%20eu' }, '/x').headers).toEqual({ 'x-team': 'a', 'x-env': 'prod eu' });
  });

  it('the service name falls back to the app package.json name', () => {
    expect(resolveConfig({}, {}, new URL('../..', import.meta.url).pathname).serviceName).toBe('@tracekit/core');
  });

  it('every catalogue code is documented in the error class and unique', () => {
    expect(new Set(CONFIG_ERROR_CODES).size).toBe(CONFIG_ERROR_CODES.length);
    for (const code of CONFIG_ERROR_CODES) expect(code).toMatch(/^TK_CONFIG_[A-Z_]+$/);
  });
});
