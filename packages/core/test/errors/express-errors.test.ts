import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { shutdown, type FrameJson, type ReadableSpan } from '../../src/adapter-api.js';
import { setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { createApp } from '../fixtures/errors/express-app.js';

const fixtures = path.resolve(__dirname, '../fixtures/errors');
const appFile = path.join(fixtures, 'express-app.ts');
const helperFile = path.join(fixtures, 'orders-helper.ts');
const relative = (file: string) => path.relative(process.cwd(), file).split(path.sep).join('/');

/** The 1-based line of a `@mark:` comment, and the file's lines. */
function mark(file: string, name: string): { line: number; lines: string[] } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`@mark:${name}`));
  if (index < 0) throw new Error(`no @mark:${name} in ${file}`);
  return { line: index + 1, lines };
}

let tracing: TestTracing;
let server: Server;
let base: string;

beforeAll(async () => {
  tracing = await setupTestTracing({ sourceContextLines: 3 });
  server = (await createApp()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await shutdown();
});

beforeEach(() => tracing.reset());

async function request(pathname: string): Promise<{ status: number; span: ReadableSpan }> {
  tracing.reset();
  const res = await fetch(`${base}${pathname}`);
  await res.arrayBuffer();
  const spans = await tracing.spans();
  const span = spans.find((s) => s.kind === 1 /* SERVER */);
  if (!span) throw new Error(`no SERVER span for ${pathname}`);
  return { status: res.status, span };
}

function exceptionOf(span: ReadableSpan) {
  const events = (span.events ?? []).filter((e) => e.name === 'exception');
  expect(events).toHaveLength(1);
  const attributes = events[0]!.attributes!;
  const frames = JSON.parse(String(attributes['tracekit.error.frames'])) as FrameJson[];
  return { attributes, frames };
}

describe('errors thrown through Express', () => {
  test('a synchronous throw: the frames point at the handler, with the lines around it', async () => {
    const { status, span } = await request('/sync');
    expect(status).toBe(500);
    const { attributes, frames } = exceptionOf(span);
    const { line, lines } = mark(appFile, 'sync-throw');
    expect(attributes['exception.type']).toBe('Error');
    expect(attributes['exception.message']).toBe('sync failure');
    expect(String(attributes['exception.stacktrace'])).toMatch(/^Error: sync failure\n {4}at syncHandler \(/);
    expect(attributes['code.filepath']).toBe(appFile);
    expect(attributes['code.lineno']).toBe(line);
    expect(attributes['code.function.name']).toBe('syncHandler');
    expect(attributes['tracekit.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(frames[0]).toEqual({
      function: 'syncHandler',
      file: relative(appFile),
      line,
      column: 9,
      in_app: true,
      origin: 'app',
      pre: lines.slice(line - 4, line - 1),
      context_line: lines[line - 1],
      post: lines.slice(line, line + 3),
    });
    // Express's own frames are there, marked, and without source.
    const express = frames.filter((f) => f.origin === 'node_modules');
    expect(express.length).toBeGreaterThan(0);
    expect(express.every((f) => !f.in_app && f.context_line === undefined && f.file.startsWith('node_modules/') || f.file.includes('/node_modules/'))).toBe(true);
    // TraceKit's own frames never show up.
    expect(frames.some((f) => f.file.includes('packages/express/src') || f.file.startsWith('src/'))).toBe(false);
  });

  test('an async rejection from a helper in another file: both in-app frames, each with its own context', async () => {
    const { status, span } = await request('/async');
    expect(status).toBe(500);
    const { attributes, frames } = exceptionOf(span);
    const thrown = mark(helperFile, 'helper-throw');
    const called = mark(appFile, 'async-call');
    expect(attributes['exception.type']).toBe('OrderNotFound');
    expect(attributes['code.filepath']).toBe(helperFile);
    expect(attributes['code.lineno']).toBe(thrown.line);
    expect(attributes['code.function.name']).toBe('loadOrder');
    const inApp = frames.filter((f) => f.in_app);
    // (Under vitest the `async` marker of the caller's frame is not printed; see parse-stack tests.)
    expect(inApp.map((f) => [f.function, f.file, f.line])).toEqual([
      ['loadOrder', relative(helperFile), thrown.line],
      ['asyncHandler', relative(appFile), called.line],
    ]);
    expect(inApp[0]!.context_line).toBe(thrown.lines[thrown.line - 1]);
    expect(inApp[1]!.context_line).toBe(called.lines[called.line - 1]);
    expect(inApp[1]!.pre).toEqual(called.lines.slice(called.line - 4, called.line - 1));
  });

  test('error.cause chains are kept, in the stacktrace and as structured causes', async () => {
    const { span } = await request('/cause');
    const { attributes } = exceptionOf(span);
    const { line } = mark(appFile, 'cause-throw');
    expect(attributes['code.lineno']).toBe(line);
    expect(String(attributes['exception.stacktrace'])).toMatch(/\n\[cause\] SyntaxError: /);
    const causes = JSON.parse(String(attributes['tracekit.error.causes'])) as Array<{ relation: string; type: string; message: string; frames: FrameJson[] }>;
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ relation: 'cause', type: 'SyntaxError' });
    expect(causes[0]!.frames[0]).toMatchObject({ function: 'causeHandler', file: relative(appFile), line: line - 2, in_app: true });
  });

  test('AggregateError members are kept', async () => {
    const { span } = await request('/aggregate');
    const { attributes } = exceptionOf(span);
    expect(attributes['exception.type']).toBe('AggregateError');
    const causes = JSON.parse(String(attributes['tracekit.error.causes'])) as Array<{ relation: string; type: string; message: string }>;
    expect(causes.map((c) => [c.relation, c.type, c.message])).toEqual([
      ['errors[0]', 'TypeError', 'first'],
      ['errors[1]', 'RangeError', 'second'],
    ]);
    expect(String(attributes['exception.stacktrace'])).toContain('\n[errors[1]] RangeError: second\n');
  });

  test('an error with a status below 500 is not recorded', async () => {
    const { status, span } = await request('/client');
    expect(status).toBe(404);
    expect((span.events ?? []).filter((e) => e.name === 'exception')).toHaveLength(0);
    expect(span.status.code).toBe(0);
  });

  test.each([
    ['string', 'NonError<string>', 'a thrown string'],
    ['number', 'NonError<number>', '42'],
    ['object', 'NonErrorObject', '{"code":"E_PLAIN","detail":"a plain object"}'],
    ['hostile', 'NonErrorObject', '[object Object]'],
  ])('a thrown %s is recorded with a synthetic type, and the request still gets its 500', async (kind, type, message) => {
    const { status, span } = await request(`/non-error/${kind}`);
    expect(status).toBe(500);
    const { attributes, frames } = exceptionOf(span);
    expect(attributes['exception.type']).toBe(type);
    expect(attributes['exception.message']).toBe(message);
    expect(attributes['exception.stacktrace']).toBeUndefined();
    expect(frames).toEqual([]);
    expect(attributes['tracekit.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(attributes['code.filepath']).toBeUndefined();
    expect(span.attributes['error.type']).toBe(type);
  });

  test.each(['null', 'undefined'])('a thrown %s: Express itself treats it as "no error"; tracing follows and nothing breaks', async (kind) => {
    const { status, span } = await request(`/non-error/${kind}`);
    expect(status).toBe(404);
    expect((span.events ?? []).filter((e) => e.name === 'exception')).toHaveLength(0);
  });

  test('the same error twice gives the same fingerprint; another place gives another', async () => {
    const a = exceptionOf((await request('/sync')).span).attributes['tracekit.error.fingerprint'];
    const b = exceptionOf((await request('/sync')).span).attributes['tracekit.error.fingerprint'];
    const c = exceptionOf((await request('/async')).span).attributes['tracekit.error.fingerprint'];
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('the SERVER span carries where its route was registered', async () => {
    const { span } = await request('/sync');
    expect(span.attributes['code.filepath']).toBe(appFile);
    expect(span.attributes['code.lineno']).toBe(mark(appFile, 'register-sync').line);
    expect(span.attributes['code.function.name']).toBe('syncHandler');
  });

  test('code discovery: every in-app frame seen, with counts, also written as log records', async () => {
    tracing.reset();
    await request('/async');
    await request('/async');
    const thrown = mark(helperFile, 'helper-throw');
    const entry = tracing.client.codeInventory().find((e) => e.file === relative(helperFile) && e.line === thrown.line);
    expect(entry).toMatchObject({ service: 'test-service', function: 'loadOrder' });
    expect(entry!.count).toBeGreaterThanOrEqual(2);
    expect(entry!.lastSeen).toBeGreaterThanOrEqual(entry!.firstSeen);
    tracing.client.emitInventory();
    const records = (await tracing.logs()).filter((r) => r.eventName === 'tracekit.code_inventory');
    // Each record carries the totals so far (flushes write changed places too): the newest is the current state.
    const record = records.filter((r) => r.attributes['code.filepath'] === relative(helperFile) && r.attributes['code.lineno'] === thrown.line).at(-1);
    expect(record?.attributes).toMatchObject({
      'code.function.name': 'loadOrder',
      'tracekit.inventory.count': entry!.count,
      'tracekit.inventory.first_seen': entry!.firstSeen,
    });
  });
});

describe('one full exception event per trace (docs/errors.md)', () => {
  test('an error thrown inside a withSpan inside a handler: full on the SERVER span, brief on the spans it passed through', async () => {
    tracing.reset();
    const res = await fetch(`${base}/nested/7`);
    expect(res.status).toBe(500);
    await res.arrayBuffer();
    const spans = await tracing.spans();
    const server = spans.find((s) => s.kind === 1 /* SERVER */)!;
    const handler = spans.find((s) => s.name === 'handler GET /nested/:id');
    const inner = spans.find((s) => s.name === 'load.order');
    expect(handler, 'the anonymous handler span is named after the route').toBeDefined();
    expect(inner).toBeDefined();
    // The anonymous handler has no code.function.name anywhere.
    expect(server.attributes['code.function.name']).toBeUndefined();
    expect(handler!.attributes['code.function.name']).toBeUndefined();

    const full = exceptionOf(server);
    const { line } = mark(appFile, 'nested-throw');
    expect(full.attributes['exception.message']).toBe('order 7 failed');
    expect(String(full.attributes['exception.stacktrace'])).toMatch(/^Error: order 7 failed\n/);
    expect(full.frames[0]).toMatchObject({ file: relative(appFile), line, in_app: true });
    expect(full.frames[0]!.context_line).toContain('@mark:nested-throw');
    const fingerprint = full.attributes['tracekit.error.fingerprint'];
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);

    for (const span of [handler!, inner!]) {
      expect(span.status.code).toBe(2 /* ERROR */);
      const events = (span.events ?? []).filter((e) => e.name === 'exception');
      expect(events).toHaveLength(1);
      expect(events[0]!.attributes).toEqual({ 'exception.type': 'Error', 'exception.message': 'order 7 failed', 'tracekit.error.fingerprint': fingerprint });
    }
    // Counted once across the trace: only one event carries frames or a stack trace.
    const withFrames = spans.flatMap((s) => (s.events ?? []).filter((e) => e.attributes?.['tracekit.error.frames'] !== undefined || e.attributes?.['exception.stacktrace'] !== undefined));
    expect(withFrames).toHaveLength(1);
  });

  test('an error a handler caught never reaches the SERVER span: its withSpan span keeps the full event', async () => {
    tracing.reset();
    const res = await fetch(`${base}/caught`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const spans = await tracing.spans();
    const server = spans.find((s) => s.kind === 1 /* SERVER */)!;
    expect((server.events ?? []).filter((e) => e.name === 'exception')).toHaveLength(0);
    const inner = spans.find((s) => s.name === 'cache.read')!;
    const { attributes, frames } = exceptionOf(inner);
    expect(attributes['exception.message']).toBe('cache miss');
    expect(frames.length).toBeGreaterThan(0);
  });
});
