import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { resolveConfig, TracekitConfigError } from '../../src/adapter-api.js';
import { BatchProcessor, SPAN_COUNTERS, type BatchExporter } from '../../src/export/batch-processor.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../src/export/retry-policy.js';
import { decodeSpoolFile, encodeSpoolFile, parseSpoolFileName, spoolFileName } from '../../src/export/spool-file.js';
import { otlpHeaders } from '../../src/export/create-exporter.js';

const fail = (options: object, env: Record<string, string> = {}) => {
  try {
    resolveConfig(options, env, '/app');
  } catch (e) {
    return e as TracekitConfigError;
  }
  throw new Error('expected a TracekitConfigError');
};

describe('export configuration', () => {
  it('has the documented defaults', () => {
    const c = resolveConfig({}, {}, '/app');
    expect(c).toMatchObject({
      exporter: 'file', protocol: 'http/protobuf', compression: 'none', exportTimeoutMs: 10_000, maxExportRetries: 3, retryInitialDelayMs: 500,
      retryMaxDelayMs: 15_000, spool: true, spoolDir: path.resolve('/app', '.tracekit', 'spool'), spoolMaxBytes: 64 * 1024 * 1024, spoolMaxAgeMs: 86_400_000,
      fileFormat: 'otlp', useGlobalTracerProvider: true, maxQueueSize: 2048, maxBatchSize: 512, batchDelayMs: 1000, shutdownTimeoutMs: 5000,
      tracesEndpoint: undefined, logsEndpoint: undefined,
    });
  });

  it('TRACEKIT_EXPORTER=otlp with TRACEKIT_ENDPOINT works from the environment alone', () => {
    const c = resolveConfig({}, { TRACEKIT_EXPORTER: 'otlp', TRACEKIT_ENDPOINT: 'http://127.0.0.1:4318/' }, '/app');
    expect(c).toMatchObject({ exporter: 'otlp', tracesEndpoint: 'http://127.0.0.1:4318/v1/traces', logsEndpoint: 'http://127.0.0.1:4318/v1/logs' });
  });

  it('an endpoint alone selects OTLP; signal URLs from the environment are used as is; options win', () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/x' }, '/app')).toMatchObject({ exporter: 'otlp', tracesEndpoint: 'http://c:4318/x', logsEndpoint: undefined });
    expect(resolveConfig({ endpoint: 'http://mine:4318' }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/x' }, '/app').tracesEndpoint).toBe('http://mine:4318/v1/traces');
    expect(resolveConfig({ tracesEndpoint: 'https://t/v1/traces', logsEndpoint: 'https://l/v1/logs' }, {}, '/app')).toMatchObject({ tracesEndpoint: 'https://t/v1/traces', logsEndpoint: 'https://l/v1/logs' });
    expect(resolveConfig({}, { TRACEKIT_ENDPOINT: 'http://a:1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2' }, '/app').tracesEndpoint).toBe('http://a:1/v1/traces');
  });

  it('reads the OTel variables for protocol, compression and timeout, and the TraceKit ones for the rest', () => {
    const c = resolveConfig({}, {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TIMEOUT: '2500', TRACEKIT_SPOOL: 'false',
      TRACEKIT_SPOOL_DIR: '/var/spool/tk', TRACEKIT_SPOOL_MAX_BYTES: '1048576', TRACEKIT_SPOOL_MAX_AGE_MS: '60000', TRACEKIT_FILE_FORMAT: 'events',
      TRACEKIT_EXPORT_MAX_RETRIES: '0', TRACEKIT_USE_GLOBAL_TRACER_PROVIDER: 'off',
    }, '/app');
    expect(c).toMatchObject({ protocol: 'http/json', compression: 'gzip', exportTimeoutMs: 2500, spool: false, spoolDir: '/var/spool/tk', spoolMaxBytes: 1048576, spoolMaxAgeMs: 60000, fileFormat: 'events', maxExportRetries: 0, useGlobalTracerProvider: false });
    expect(c.file).toBe(path.resolve('/app', '.tracekit', 'events.jsonl'));
  });

  it.each([
    [{}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'TK_CONFIG_ENUM', 'OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is invalid: accepted values are "http/protobuf", "http/json"'],
    [{ compression: 'brotli' }, {}, 'TK_CONFIG_ENUM', 'options.compression="brotli" is invalid: accepted values are "gzip", "none"'],
    [{ exportTimeoutMs: 0 }, {}, 'TK_CONFIG_INTEGER', 'options.exportTimeoutMs=0 is invalid: expected a whole number of at least 1'],
    [{}, { TRACEKIT_SPOOL_MAX_BYTES: '10' }, 'TK_CONFIG_INTEGER', 'TRACEKIT_SPOOL_MAX_BYTES="10" is invalid: expected a whole number of at least 1024'],
    [{ fileFormat: 'csv' }, {}, 'TK_CONFIG_ENUM', 'options.fileFormat="csv" is invalid: accepted values are "otlp", "events"'],
    [{}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' }, 'TK_CONFIG_URL', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector:4318" is invalid: expected an http:// or https:// URL'],
    [{ spool: 'yes please' }, {}, 'TK_CONFIG_BOOLEAN', 'options.spool="yes please" is invalid'],
    [{ maxExportRetries: -1 }, {}, 'TK_CONFIG_INTEGER', 'options.maxExportRetries=-1 is invalid: expected a whole number of at least 0'],
  ])('%o %o fails with %s naming it', (options, env, code, message) => {
    const e = fail(options, env);
    expect(e.code).toBe(code);
    expect(e.message).toContain(message);
  });

  it('sends apiKey as a bearer token unless an authorization header is configured', () => {
    expect(otlpHeaders({ headers: { 'x-a': '1' }, apiKey: 'k' })).toEqual({ 'x-a': '1', authorization: 'Bearer k' });
    expect(otlpHeaders({ headers: { authorization: 'Basic x' }, apiKey: 'k' })).toEqual({ authorization: 'Basic x' });
  });
});

describe('retry policy', () => {
  it('retries 429, 502, 503 and 504 only', () => {
    expect([400, 401, 403, 404, 408, 413, 429, 500, 501, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 502, 503, 504]);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['5', '9'], now)).toBe(5000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('spool file format', () => {
  it('round-trips and detects damage', () => {
    const body = Buffer.from('payload bytes');
    const file = encodeSpoolFile({ signal: 'logs', contentType: 'application/json', encoding: 'identity', items: 3, body });
    expect(decodeSpoolFile(file, 'logs')).toEqual({ signal: 'logs', contentType: 'application/json', encoding: 'identity', items: 3, body });
    expect(decodeSpoolFile(file, 'traces')).toBe('signal does not match the file name');
    expect(decodeSpoolFile(file.subarray(0, file.length - 1), 'logs')).toBe('truncated (12 of 13 bytes)');
    const flipped = Buffer.from(file);
    flipped[flipped.length - 1] = 0x21;
    expect(decodeSpoolFile(flipped, 'logs')).toBe('checksum mismatch');
    expect(decodeSpoolFile(Buffer.from('{"resourceSpans":[]}'), 'logs')).toBe('not a TraceKit spool file');
  });

  it('names sort by creation time and carry the signal and item count', () => {
    const a = spoolFileName(1_700_000_000_000, 42, 7, 'traces', 512);
    const b = spoolFileName(1_700_000_000_001, 1, 0, 'logs', 3);
    expect(a < b).toBe(true);
    expect(parseSpoolFileName(a)).toEqual({ name: a, created: 1_700_000_000_000, signal: 'traces', items: 512 });
    expect(parseSpoolFileName('1700000000000-1-0-metrics-3.tkspool')).toBeUndefined();
  });
});

describe('batch processor', () => {
  it('a flush with a deadline ends on time against a hanging exporter and hands the rest to exportSync', async () => {
    const synced: number[][] = [];
    let deadlines = 0;
    const hanging: BatchExporter<number> = {
      export: () => new Promise(() => undefined),
      exportSync: (items) => void synced.push(items),
      setDeadline: (d) => void (d !== undefined && deadlines++),
      shutdown: () => Promise.resolve(),
    };
    const counters: Record<string, number> = {};
    const p = new BatchProcessor<number>(hanging, { maxQueueSize: 100, maxBatchSize: 2, batchDelayMs: 10_000 }, counters, () => undefined, SPAN_COUNTERS);
    for (let i = 0; i < 5; i++) p.add(i);
    // The exporter never settles, so only the deadline can end this flush.
    await p.forceFlush(50);
    expect(deadlines).toBe(1);
    expect(synced).toEqual([[2, 3], [4]]);
    expect(counters).toMatchObject({ spansEnded: 5, spansExported: 3 });
  });

  it('counts drops exactly and drops after shutdown', async () => {
    const counters: Record<string, number> = {};
    const sent: number[] = [];
    const p = new BatchProcessor<number>({ export: async (items) => void sent.push(...items), shutdown: async () => undefined }, { maxQueueSize: 3, maxBatchSize: 3, batchDelayMs: 5 }, counters, () => undefined, SPAN_COUNTERS);
    for (let i = 0; i < 10; i++) p.add(i);
    expect(counters.spansDropped).toBe(7);
    await p.shutdown(1000);
    p.add(99);
    expect(sent).toEqual([0, 1, 2]);
    expect(counters).toMatchObject({ spansEnded: 11, spansExported: 3, spansDropped: 8 });
  });
});
