import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter as SdkMemoryExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { createAdapter, getClient, recordException, shutdown, startSpan, withSpan, type FrameJson, type ReadableSpan } from '../../src/adapter-api.js';
import { setupTestTracing } from '../../src/testing/index.js';
import { CodeInventory, inventoryPlaces } from '../../src/errors/code-inventory.js';
import { lineOf } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-recorder-'));
afterEach(() => {
  vi.restoreAllMocks();
  return shutdown();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function boom(): never {
  throw new Error('recorded'); // @mark:boom
}
const boomLine = lineOf(__filename, '@mark:boom');
const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
};
const exceptionEvent = (span: ReadableSpan) => span.events!.find((e) => e.name === 'exception')!.attributes!;

describe('recording stays off the request path', () => {
  test('record() reads no file and works out no details; the event is completed before export', async () => {
    const tracing = await setupTestTracing();
    const sync = [vi.spyOn(fs, 'readFileSync'), vi.spyOn(fs, 'statSync'), vi.spyOn(fs, 'openSync'), vi.spyOn(fs, 'readSync')];
    const open = vi.spyOn(fs.promises, 'open');
    const span = startSpan('request');
    recordException(span, caught(boom));
    const live = (span as unknown as ReadableSpan).events![0]!.attributes!;
    expect(live['exception.message']).toBe('recorded');
    expect(live['tracekit.error.fingerprint']).toBeUndefined();
    expect(open).not.toHaveBeenCalled();
    span.end();
    const [exported] = await tracing.spans();
    expect(exceptionEvent(exported!)['tracekit.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(exceptionEvent(exported!)['code.lineno']).toBe(boomLine);
    for (const spy of sync) expect(spy).not.toHaveBeenCalled();
    expect(open).toHaveBeenCalledWith(__filename, 'r');
  });

  test('a span that ends before its error is complete waits for it, then goes on', async () => {
    const tracing = await setupTestTracing();
    const span = startSpan('request');
    recordException(span, caught(boom));
    span.end();
    expect(tracing.client.errors.busy).toBe(true);
    expect(tracing.exporter.spans).toHaveLength(0);
    await tracing.client.errors.idle();
    expect(tracing.client.errors.busy).toBe(false);
    const [exported] = await tracing.spans();
    expect(exceptionEvent(exported!)['code.function.name']).toBe('boom');
  });

  test('flushSync (the process is exiting) completes errors synchronously and writes the span', async () => {
    const tracing = await setupTestTracing();
    const span = startSpan('request');
    recordException(span, caught(boom));
    span.end();
    tracing.client.flushSync();
    expect(tracing.exporter.spans).toHaveLength(1);
    const frames = JSON.parse(String(exceptionEvent(tracing.exporter.spans[0]!)['tracekit.error.frames'])) as FrameJson[];
    expect(frames[0]).toMatchObject({ function: 'boom', line: boomLine, context_line: "  throw new Error('recorded'); // @mark:boom" });
  });

  test('spans without errors are not held', async () => {
    const tracing = await setupTestTracing();
    const failing = startSpan('failing');
    recordException(failing, caught(boom));
    const plain = startSpan('plain');
    plain.end();
    expect(tracing.client.stats().spansEnded).toBe(1);
    failing.end();
    await tracing.spans();
  });
});

describe('what is recorded', () => {
  test('withSpan records a rethrown error with its details', async () => {
    const tracing = await setupTestTracing();
    expect(() => withSpan('work', () => boom())).toThrow('recorded');
    const [span] = await tracing.spans();
    expect(exceptionEvent(span!)).toMatchObject({ 'exception.type': 'Error', 'code.function.name': 'boom', 'code.lineno': boomLine });
  });

  test('maxFrames caps the frames; sourceContextLines sets the context, 0 shows none and reads no TypeScript source', async () => {
    const deep = (n: number): never => (n === 0 ? boom() : deep(n - 1));
    let tracing = await setupTestTracing({ maxFrames: 3, sourceContextLines: 1 });
    let span = startSpan('deep');
    recordException(span, caught(() => deep(10)));
    span.end();
    let frames = JSON.parse(String(exceptionEvent((await tracing.spans())[0]!)['tracekit.error.frames'])) as FrameJson[];
    expect(frames).toHaveLength(3);
    expect(frames[0]!.pre).toHaveLength(1);
    expect(frames[0]!.post).toHaveLength(1);
    await shutdown();
    tracing = await setupTestTracing({ sourceContextLines: 0 });
    const open = vi.spyOn(fs.promises, 'open');
    span = startSpan('no source');
    recordException(span, caught(boom));
    span.end();
    const event = exceptionEvent((await tracing.spans())[0]!);
    frames = JSON.parse(String(event['tracekit.error.frames'])) as FrameJson[];
    expect(frames[0]!.context_line).toBeUndefined();
    expect(event['tracekit.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(open).not.toHaveBeenCalledWith(__filename, 'r');
  });

  test('appRoot decides what is in-app', async () => {
    const tracing = await setupTestTracing({ appRoot: tmp });
    const span = startSpan('elsewhere');
    recordException(span, caught(boom));
    span.end();
    const event = exceptionEvent((await tracing.spans())[0]!);
    const frames = JSON.parse(String(event['tracekit.error.frames'])) as FrameJson[];
    expect(frames.every((f) => !f.in_app)).toBe(true);
    expect(frames[0]).toMatchObject({ file: __filename, origin: 'external' });
    expect(tracing.client.codeInventory()).toEqual([]);
  });

  test.each([
    ['null', null, 'null', 'null'],
    ['undefined', undefined, 'undefined', 'undefined'],
    ['a symbol', Symbol('s'), 'NonError<symbol>', 'Symbol(s)'],
    ['a bigint', 10n, 'NonError<bigint>', '10'],
    ['a function', function thrown() {}, 'NonError<function>', 'function thrown() {}'],
    ['an object whose toString and message throw', { toString: () => { throw new Error('no'); }, get message(): string { throw new Error('no'); } }, 'NonErrorObject', '[object Object]'],
    ['a proxy that throws on every access', new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } }), 'UnknownThrown', '[unprintable]'],
  ])('the request scope records %s safely', async (_name, value, type, message) => {
    const tracing = await setupTestTracing();
    const runtime = createAdapter<object, object>('test');
    const scope = runtime.start({}, { method: 'GET', target: '/x', header: () => undefined })!;
    scope.recordError(value);
    runtime.end(scope, {}, { statusCode: 500 });
    const [span] = await tracing.spans();
    const event = exceptionEvent(span!);
    expect(event['exception.type']).toBe(type);
    expect(event['exception.message']).toBe(message);
    expect(event['tracekit.error.frames']).toBe('[]');
    expect(event['tracekit.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(span!.attributes['error.type']).toBe(type);
  });

  test('the same error on the SERVER span and the handler span counts once; thrown again later, it counts again', async () => {
    const tracing = await setupTestTracing();
    const err = caught(boom);
    const a = startSpan('server');
    const b = startSpan('handler');
    recordException(a, err);
    recordException(b, err);
    a.end();
    b.end();
    const spans = await tracing.spans();
    expect(spans.map((s) => exceptionEvent(s)['tracekit.error.fingerprint'])).toEqual([expect.any(String), exceptionEvent(spans[0]!)['tracekit.error.fingerprint']]);
    const entry = () => tracing.client.codeInventory().find((e) => e.function === 'boom')!;
    expect(entry().count).toBe(1);
    const c = startSpan('again');
    recordException(c, err);
    c.end();
    await tracing.spans();
    expect(entry().count).toBe(2);
  });

  test('spans of an OpenTelemetry SDK get the details the caches already hold', async () => {
    const tracing = await setupTestTracing();
    const exporter = new SdkMemoryExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const sdkTracer = provider.getTracer('app');
    // Warm the caches through a TraceKit span first: the SDK span copies its attributes at once.
    const warm = startSpan('warm');
    recordException(warm, caught(boom));
    warm.end();
    await tracing.spans();
    const sdkSpan = sdkTracer.startSpan('sdk');
    recordException(sdkSpan, caught(boom));
    sdkSpan.end();
    const attributes = exporter.getFinishedSpans()[0]!.events[0]!.attributes!;
    expect(attributes).toMatchObject({ 'exception.message': 'recorded', 'code.function.name': 'boom', 'code.lineno': boomLine });
    expect((JSON.parse(String(attributes['tracekit.error.frames'])) as FrameJson[])[0]!.context_line).toContain('@mark:boom');
    await provider.shutdown();
  });

  test('sampled-out spans cost nothing: no event, no inventory', async () => {
    const tracing = await setupTestTracing({ sampleRate: 0 });
    const span = startSpan('dropped');
    recordException(span, caught(boom));
    span.end();
    expect(await tracing.spans()).toEqual([]);
    expect(tracing.client.codeInventory()).toEqual([]);
  });
});

describe('code inventory', () => {
  test('bounded: the least recently seen places go first', () => {
    const inventory = new CodeInventory('svc', 2);
    const place = (line: number) => inventoryPlaces([{ function: 'f', file: '/a/x.js', relativeFile: 'x.js', line, origin: 'app' }]);
    inventory.record(place(1), 1);
    inventory.record(place(2), 2);
    inventory.record(place(1), 3);
    inventory.record(place(3), 4);
    expect(inventory.list().map((e) => [e.line, e.count, e.firstSeen, e.lastSeen])).toEqual([
      [1, 2, 1, 3],
      [3, 1, 4, 4],
    ]);
    expect(inventory.evicted).toBe(1);
  });

  test('only changed entries are written again', () => {
    const inventory = new CodeInventory('svc');
    const frame = { function: 'f', file: '/a/x.js', relativeFile: 'x.js', line: 1, origin: 'app' as const };
    inventory.record(inventoryPlaces([frame, { ...frame, origin: 'node_modules' as const, line: 2 }, frame]));
    expect(inventory.takeChanged().map((e) => e.line)).toEqual([1]);
    expect(inventory.takeChanged()).toEqual([]);
    inventory.record(inventoryPlaces([frame]));
    expect(inventory.takeChanged()).toMatchObject([{ line: 1, count: 2 }]);
  });

  test('written periodically (inventoryIntervalMs) and at shutdown', async () => {
    const tracing = await setupTestTracing({ inventoryIntervalMs: 10 });
    const span = startSpan('x');
    recordException(span, caught(boom));
    span.end();
    await tracing.spans();
    // The interval writes it without any call; wait for it (bounded by the test timeout).
    let logs = await tracing.logs();
    while (!logs.some((l) => l.eventName === 'tracekit.code_inventory')) {
      await new Promise((r) => setTimeout(r, 5));
      logs = await tracing.logs();
    }
    const record = logs.find((l) => l.eventName === 'tracekit.code_inventory' && l.attributes['code.lineno'] === boomLine)!;
    expect(record.attributes).toMatchObject({ 'service.name': 'test-service', 'code.function.name': 'boom', 'code.filepath': 'test/errors/recorder.test.ts', 'tracekit.inventory.count': 1 });
    expect(record.body).toBe(`boom (test/errors/recorder.test.ts:${boomLine})`);
    tracing.logExporter.reset();
    const again = startSpan('y');
    recordException(again, caught(boom));
    again.end();
    await getClient()!.shutdown();
    expect(tracing.logExporter.records.some((l) => l.eventName === 'tracekit.code_inventory' && l.attributes['tracekit.inventory.count'] === 2)).toBe(true);
  });
});
