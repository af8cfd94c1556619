import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endSpan, init, recordAICall, shutdown, startSpan, trace, trackEvent, withSpan } from '../../src/index.js';

describe('enabled: false records nothing at all', () => {
  let dir: string;
  afterEach(async () => {
    await shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['the option', { enabled: false }, {}],
    ['TRACEKIT_ENABLED=false', {}, { TRACEKIT_ENABLED: 'false' }],
  ])('%s: manual spans, traced functions, events and AI calls never reach the store', async (_label, options, env) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-disabled-'));
    const file = path.join(dir, 'traces.jsonl');
    const client = init({ ...options, file, handleShutdown: false, batchDelayMs: 10 }, { env });
    const result = await withSpan('work', async (span) => {
      expect(span.isRecording()).toBe(false);
      return 42;
    });
    expect(result).toBe(42);
    await expect(withSpan('fails', async () => Promise.reject(new Error('still thrown')))).rejects.toThrow('still thrown');
    const span = startSpan('manual', { a: 1 });
    endSpan(span, { b: 2 });
    const double = trace(function double(n: number) {
      return n * 2;
    });
    expect(double(4)).toBe(8);
    trackEvent('signup', { plan: 'pro' });
    recordAICall({ provider: 'openai', model: 'gpt-4o-mini', operation: 'chat', inputTokens: 10, outputTokens: 2 });
    await client.flush();
    await shutdown();
    expect(client.stats()).toMatchObject({ spansStarted: 0, spansExported: 0 });
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').toBe('');
    const logs = path.join(dir, 'logs.jsonl');
    expect(fs.existsSync(logs) ? fs.readFileSync(logs, 'utf8') : '').toBe('');
  });
});
