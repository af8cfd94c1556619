import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { HistogramCell, HTTP_DURATION_BOUNDARIES } from '../../src/metrics/histogram.js';
import { metricsRequestJson } from '../../src/metrics/metrics-json.js';
import { toResourceMetrics, type MetricsSnapshot } from '../../src/metrics/otlp-metrics.js';
import type { ExportMeta } from '../../src/export/types.js';

// TraceKit writes the file store's metrics lines itself, so that the default setup does not load
// @opentelemetry/otlp-transformer: the text must stay what the official serializer writes.
function official(s: MetricsSnapshot, meta: ExportMeta): string {
  return Buffer.from(JsonMetricsSerializer.serializeRequest(toResourceMetrics(s, meta))!).toString('utf8');
}

const meta: ExportMeta = {
  resource: { 'service.name': 'shop "api"\n', 'process.pid': 4242, 'host.arch': 'amd64', 'telemetry.sdk.language': 'nodejs', ratio: 0.25, flag: true, list: ['a', 'b'], nums: [1, 2.5] },
  scope: { name: '@tracekit/core', version: '0.1.0' },
};

function cell(values: number[]): HistogramCell {
  const h = new HistogramCell(HTTP_DURATION_BOUNDARIES);
  for (const v of values) h.record(v);
  return h;
}

describe('metrics OTLP/JSON, written without otlp-transformer', () => {
  it('is byte for byte the official serializer\'s text: histograms, gauges, every attribute type, sub-millisecond times', () => {
    const s: MetricsSnapshot = {
      startMs: 1765000000123.4567,
      timeMs: 1765000010999.999,
      http: [
        { attributes: { 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 200 }, histogram: cell([0.001, 0.02, 7.5]) },
        { attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500, 'error.type': 'TypeError' }, histogram: cell([0.3]) },
        { attributes: { 'otel.metric.overflow': true }, histogram: cell([]) },
      ],
      gc: [{ attributes: { 'v8js.gc.type': 'minor' }, histogram: cell([0.0004, 0.0012]) }],
      gauges: [
        { name: 'nodejs.eventloop.delay.p99', unit: 's', description: 'Event loop delay, 99th percentile.', points: [{ attributes: {}, value: 0.0123 }] },
        { name: 'v8js.memory.heap.used', unit: 'By', description: 'Heap used.', points: [{ attributes: { 'v8js.heap.space.name': 'new_space' }, value: 1048576 }, { attributes: { 'v8js.heap.space.name': 'old_space' }, value: 12.5 }] },
        { name: 'empty.gauge', unit: '1', description: 'No points: left out.', points: [] },
      ],
    };
    const ours = metricsRequestJson(s, meta);
    expect(ours).toBe(official(s, meta));
    const parsed = JSON.parse(ours);
    const metrics = parsed.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(metrics.map((m: { name: string }) => m.name)).toEqual(['http.server.request.duration', 'v8js.gc.duration', 'nodejs.eventloop.delay.p99', 'v8js.memory.heap.used']);
    // An empty histogram has no min or max.
    expect(metrics[0].histogram.dataPoints[2]).not.toHaveProperty('min');
    expect(metrics[0].histogram.dataPoints[0].startTimeUnixNano).toBe('1765000000123457000');
  });

  it('an empty snapshot: the resource and scope with no metrics, as the official serializer writes it', () => {
    const s: MetricsSnapshot = { startMs: 0, timeMs: 1, http: [], gc: [], gauges: [] };
    expect(metricsRequestJson(s, meta)).toBe(official(s, meta));
  });

  it('the default setup does not load @opentelemetry/otlp-transformer, and still writes its metrics line at shutdown', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'tk-lazy-'));
    const script = [
      "const core = require('@tracekit/core');",
      `core.init({ serviceName: 'lazy', file: ${JSON.stringify(join(dir, 'traces.jsonl'))} });`,
      "const loaded = () => Object.keys(require.cache).some((k) => k.includes('otlp-transformer'));",
      "core.shutdown().then(() => process.stdout.write(String(loaded())));",
    ].join('\n');
    try {
      // The defaults: no TRACEKIT_ or OTEL_ variable another test of this worker may have left set.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRACEKIT_') && !k.startsWith('OTEL_')));
      const out = execFileSync(process.execPath, ['-e', script], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8', env });
      expect(out).toBe('false');
      const line = JSON.parse(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!);
      expect(line.resourceMetrics[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'lazy' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
