import { afterAll, describe, expect, it } from 'vitest';
import { HistogramCell, HTTP_DURATION_BOUNDARIES } from '../../src/metrics/histogram.js';
import { MAX_SERIES, RedMetrics } from '../../src/metrics/red.js';
import { RuntimeMetrics } from '../../src/metrics/runtime.js';
import { MetricsPipeline, metricsUrl } from '../../src/metrics/pipeline.js';
import type { MetricsExporter } from '../../src/metrics/exporters.js';
import type { MetricsSnapshot } from '../../src/metrics/otlp-metrics.js';
import { resolveConfig } from '../../src/config/config.js';
import { TracekitConfigError } from '../../src/adapter-api.js';

describe('HistogramCell', () => {
  it('puts a value on a boundary in that bucket (upper bounds are inclusive) and above 10 s in the last', () => {
    const h = new HistogramCell(HTTP_DURATION_BOUNDARIES);
    for (const v of [0, 0.005, 0.0051, 10, 11]) h.record(v);
    expect(Array.from(h.counts)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(h.count).toBe(5);
    expect(h.min).toBe(0);
    expect(h.max).toBe(11);
  });
});

describe('RedMetrics', () => {
  it('keeps one series per route, method, status and error type; no route, no http.route', () => {
    const red = new RedMetrics();
    red.record('GET', '/a/:id', 200, undefined, 0.01);
    red.record('GET', '/a/:id', 200, undefined, 0.02);
    red.record('GET', '/a/:id', 503, '503', 0.02);
    red.record('GET', undefined, 404, undefined, 0.001);
    expect(red.series().map((s) => [s.attributes, s.histogram.count])).toEqual([
      [{ 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/a/:id' }, 2],
      [{ 'http.request.method': 'GET', 'http.response.status_code': 503, 'http.route': '/a/:id', 'error.type': '503' }, 1],
      [{ 'http.request.method': 'GET', 'http.response.status_code': 404 }, 1],
    ]);
  });

  it(`stops at ${MAX_SERIES} series and counts the rest in the otel.metric.overflow series`, () => {
    const red = new RedMetrics();
    for (let i = 0; i < MAX_SERIES + 10; i++) red.record('GET', `/r${i}`, 200, undefined, 0.01);
    const series = red.series();
    expect(series).toHaveLength(MAX_SERIES + 1);
    expect(series.at(-1)!.attributes).toEqual({ 'otel.metric.overflow': true });
    expect(series.at(-1)!.histogram.count).toBe(10);
  });
});

describe('MetricsPipeline', () => {
  const snapshots: MetricsSnapshot[] = [];
  const exporter: MetricsExporter = {
    export: async (s) => void snapshots.push(s),
    exportSync: (s) => void snapshots.push(s),
    shutdown: async () => undefined,
  };
  let t = 1000;
  const pipeline = new MetricsPipeline({ resource: {}, scope: { name: 's', version: '1' } }, exporter, 3_600_000, () => t);
  afterAll(() => pipeline.shutdown());

  it('error.type: the escaped exception\'s type, else the abort reason, else a 5xx status; _OTHER for an escaped error not at hand; a 4xx is no error', () => {
    t = 1000;
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 200, aborted: true, abortReason: 'aborted' }, false);
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 502 }, true);
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 200 }, true);
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 404 }, false);
    // The recorded errors: a 4xx-status error is not one; the last error-exception gives the type.
    const notFound = Object.assign(new Error('gone'), { status: 404 });
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 500 }, true, new Set<unknown>([notFound, new RangeError('a'), new TypeError('b')]));
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 200, aborted: true, abortReason: 'timeout' }, true, new Set<unknown>([new SyntaxError('c')]));
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 503 }, false, new Set<unknown>([notFound]));
    expect(pipeline.red.series().map((s) => s.attributes['error.type'])).toEqual(['aborted', '502', '_OTHER', undefined, 'TypeError', 'SyntaxError', '503']);
  });

  it('exports cumulative snapshots: the second one still holds the first one\'s requests', async () => {
    await pipeline.export();
    pipeline.recordRequest('GET', '/x', 1000, { statusCode: 404 }, false);
    t = 2000;
    await pipeline.export();
    const [a, b] = snapshots.slice(-2);
    const count = (s: MetricsSnapshot) => s.http.reduce((n, x) => n + x.histogram.count, 0);
    expect(count(a!)).toBe(7);
    expect(count(b!)).toBe(8);
    expect(b!.startMs).toBe(a!.startMs);
  });
});

describe('RuntimeMetrics', () => {
  it('reads event-loop utilisation and heap per space, and records GC pauses by type', async () => {
    const rt = new RuntimeMetrics();
    const waste: unknown[] = [];
    for (let i = 0; i < 200_000; i++) waste.push({ i, s: `x${i}` });
    waste.length = 0;
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 50));
    const gauges = rt.gauges();
    const names = gauges.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['nodejs.eventloop.utilization', 'v8js.memory.heap.used', 'v8js.memory.heap.limit']));
    const elu = gauges.find((g) => g.name === 'nodejs.eventloop.utilization')!.points[0]!.value;
    expect(elu).toBeGreaterThanOrEqual(0);
    expect(elu).toBeLessThanOrEqual(1);
    const used = gauges.find((g) => g.name === 'v8js.memory.heap.used')!;
    expect(used.points.map((p) => p.attributes['v8js.heap.space.name'])).toContain('new_space');
    expect(used.unit).toBe('By');
    const gc = rt.gcSeries();
    expect(gc.length).toBeGreaterThan(0);
    for (const s of gc) expect(['major', 'minor', 'incremental', 'weakcb', 'other']).toContain(s.attributes['v8js.gc.type']);
    rt.stop();
  });
});

describe('metrics options', () => {
  it('defaults: on, every 10 s; TRACEKIT_METRICS and TRACEKIT_METRICS_INTERVAL_MS; metrics: false turns them off', () => {
    expect(resolveConfig({}, {}).metrics).toEqual({ enabled: true, intervalMs: 10_000, endpoint: undefined });
    expect(resolveConfig({}, { TRACEKIT_METRICS: 'false', TRACEKIT_METRICS_INTERVAL_MS: '5000' }).metrics).toMatchObject({ enabled: false, intervalMs: 5000 });
    expect(resolveConfig({ metrics: false, metricsIntervalMs: 2500 }, {}).metrics).toMatchObject({ enabled: false, intervalMs: 2500 });
  });

  it('bad values fail at init naming the option or variable', () => {
    expect(() => resolveConfig({ metricsIntervalMs: 10 }, {})).toThrow(TracekitConfigError);
    expect(() => resolveConfig({ metricsIntervalMs: 10 }, {})).toThrow(/options\.metricsIntervalMs/);
    expect(() => resolveConfig({}, { TRACEKIT_METRICS_INTERVAL_MS: 'soon' })).toThrow(/TRACEKIT_METRICS_INTERVAL_MS/);
    expect(() => resolveConfig({ metrics: 'yes please' as unknown as boolean }, {})).toThrow(/options\.metrics/);
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'ftp://x' })).toThrow(/OTEL_EXPORTER_OTLP_METRICS_ENDPOINT/);
  });

  it('the OTLP metrics URL: the metrics variable, else <endpoint>/v1/metrics, else beside /v1/traces', () => {
    expect(metricsUrl(resolveConfig({ endpoint: 'http://c:4318' }, {}))).toBe('http://c:4318/v1/metrics');
    expect(metricsUrl(resolveConfig({}, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:1/custom' }))).toBe('http://m:1/custom');
    expect(metricsUrl(resolveConfig({ tracesEndpoint: 'http://t:9/v1/traces' }, {}))).toBe('http://t:9/v1/metrics');
    expect(metricsUrl(resolveConfig({ exporter: 'otlp' }, {}))).toBe('http://localhost:4318/v1/metrics');
  });
});

describe('FileMetricsExporter', () => {
  it('appends one OTLP/JSON line per export and rotates by size to metrics.1.jsonl, metrics.2.jsonl', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { FileMetricsExporter } = await import('../../src/metrics/exporters.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-mfile-'));
    try {
      const file = path.join(dir, 'metrics.jsonl');
      const exporter = new FileMetricsExporter(file, { resource: { 'service.name': 'x' }, scope: { name: 's', version: '1' } }, { maxBytes: 600, maxFiles: 2 });
      const snap = { startMs: 1000, timeMs: 2000, http: [], gc: [], gauges: [{ name: 'g', unit: '1', description: 'd', points: [{ attributes: {}, value: 0.5 }] }] };
      for (let i = 0; i < 6; i++) await exporter.export(snap);
      exporter.exportSync(snap);
      await exporter.shutdown();
      const names = fs.readdirSync(dir).sort();
      expect(names).toEqual(['metrics.1.jsonl', 'metrics.2.jsonl', 'metrics.jsonl']);
      for (const name of names) {
        for (const line of fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n')) {
          const req = JSON.parse(line) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string; gauge: { dataPoints: Array<{ asDouble: number }> } }> }> }> };
          expect(req.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]).toMatchObject({ name: 'g', gauge: { dataPoints: [{ asDouble: 0.5 }] } });
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
