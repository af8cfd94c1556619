import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { FrameJson } from '../../src/adapter-api.js';
import { unhandledRejectionsMode } from '../../src/errors/process-errors.js';
import { fixturesDir, lineOf, readLogs, readSpans, runNode } from './helpers.js';

const script = path.join(fixturesDir, 'uncaught-child.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-uncaught-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Warnings carry the process ID, which differs between runs. */
const normalise = (stderr: string) => stderr.replace(/\(node:\d+\)/g, '(node:PID)');

/** Runs a scenario without and with TraceKit; both runs must look the same from the outside. */
async function compare(scenario: string, nodeArgs: string[] = []) {
  const store = path.join(tmp, `${scenario}${nodeArgs.join('')}`, 'traces.jsonl');
  const [plain, traced] = await Promise.all([runNode(nodeArgs, script, [scenario, store]), runNode(nodeArgs, script, [scenario, store], { WITH_TRACEKIT: '1' })]);
  expect(normalise(traced.stderr)).toBe(normalise(plain.stderr));
  expect(traced.stdout).toBe(plain.stdout);
  expect(traced.code).toBe(plain.code);
  expect(traced.signal).toBe(plain.signal);
  return { plain, spans: readSpans(store), logs: readLogs(path.join(path.dirname(store), 'logs.jsonl')) };
}

describe('captureUncaught: Node behaves exactly as without TraceKit, and the error is on disk', () => {
  test('an uncaught exception: same output and exit code 1; a span and a FATAL log record with frames and context', async () => {
    const { plain, spans, logs } = await compare('throw');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('Error: uncaught boom');
    const span = spans.find((s) => s.name === 'uncaughtException');
    expect(span).toBeDefined();
    expect(span!.status.code).toBe(2);
    expect(span!.attributes['error.type']).toBe('Error');
    const event = span!.events.find((e) => e.name === 'exception')!;
    const line = lineOf(script, "throw new Error('uncaught boom')");
    expect(event.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'uncaught boom', 'code.filepath': script, 'code.lineno': line, 'code.function.name': 'Timeout.failLater' });
    const frames = JSON.parse(String(event.attributes['tracekit.error.frames'])) as FrameJson[];
    expect(frames[0]).toMatchObject({ file: 'test/fixtures/errors/uncaught-child.cjs', line, in_app: true, context_line: "  throw new Error('uncaught boom');" });
    const log = logs.find((l) => l.eventName === 'tracekit.exception');
    expect(log).toMatchObject({ severityText: 'FATAL', body: 'uncaught boom' });
    expect(log!.attributes['tracekit.error.fingerprint']).toBe(event.attributes['tracekit.error.fingerprint']);
    expect(log!.attributes['tracekit.error.origin']).toBe('uncaughtException');
    // The inventory was written at exit too.
    expect(logs.some((l) => l.eventName === 'tracekit.code_inventory' && l.attributes['code.lineno'] === line)).toBe(true);
  });

  test('an unhandled rejection (default mode): same output and exit code', async () => {
    const { plain, spans } = await compare('reject');
    expect(plain.code).toBe(1);
    const span = spans.find((s) => s.name === 'unhandledRejection');
    expect(span?.events[0]?.attributes).toMatchObject({ 'exception.message': 'rejected boom', 'code.lineno': lineOf(script, "Promise.reject(new Error('rejected boom'))") });
  });

  test('an unhandled rejection with a string reason: same output; recorded as Node reports it', async () => {
    const { plain, spans } = await compare('reject-string');
    expect(plain.code).toBe(1);
    expect(spans.find((s) => s.name === 'unhandledRejection')?.events[0]?.attributes['exception.message']).toMatch(/a string reason/);
  });

  test('the app handles uncaught exceptions itself: it keeps running and exits its own way; the error is recorded as ERROR', async () => {
    const { plain, spans, logs } = await compare('app-handles-exception');
    expect(plain.code).toBe(3);
    expect(plain.stderr).toBe('app handled: uncaught boom\n');
    expect(spans.some((s) => s.name === 'uncaughtException')).toBe(true);
    expect(logs.find((l) => l.eventName === 'tracekit.exception')?.severityText).toBe('ERROR');
  });

  test('the app listens for unhandled rejections: TraceKit listens beside it, nothing else changes', async () => {
    const { plain, spans } = await compare('app-handles-rejection');
    expect(plain.code).toBe(0);
    expect(spans.find((s) => s.name === 'unhandledRejection')?.events[0]?.attributes['exception.message']).toBe('listened boom');
  });

  test('--unhandled-rejections=warn: the warning and exit code 0 stay; the rejection is recorded', async () => {
    const { plain, spans } = await compare('reject', ['--unhandled-rejections=warn']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('Warning');
    expect(spans.some((s) => s.name === 'unhandledRejection')).toBe(true);
  });

  test('--unhandled-rejections=strict: same output and exit code, recorded once', async () => {
    const { plain, spans } = await compare('reject', ['--unhandled-rejections=strict']);
    expect(plain.code).toBe(1);
    expect(spans.filter((s) => s.name === 'unhandledRejection')).toHaveLength(1);
  });

  test('--unhandled-rejections=warn-with-error-code: the warning and exit code 1 stay (a listener would change them, so none is added)', async () => {
    const { plain, spans } = await compare('reject', ['--unhandled-rejections=warn-with-error-code']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('Warning');
    expect(spans.filter((s) => s.name === 'unhandledRejection')).toHaveLength(0);
  });
});

describe('unhandledRejectionsMode', () => {
  test('reads NODE_OPTIONS, then the command line, which wins', () => {
    expect(unhandledRejectionsMode([], '')).toBe('throw');
    expect(unhandledRejectionsMode([], '--unhandled-rejections=warn')).toBe('warn');
    expect(unhandledRejectionsMode(['--unhandled-rejections=strict'], '--unhandled-rejections=warn')).toBe('strict');
    expect(unhandledRejectionsMode(['--unhandled-rejections', 'none'], '')).toBe('none');
  });
});
