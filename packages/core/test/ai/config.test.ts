import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config.js';
import { TracekitConfigError } from '../../src/index.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TracekitConfigError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('AI options', () => {
  it('defaults: detection on, content off', () => {
    const c = resolveConfig({}, {});
    expect(c.ai).toMatchObject({ enabled: true, captureContent: false, maxContentLength: 8192, providers: [], pricing: {} });
  });

  it('TRACEKIT_AI_PRICING names a JSON file; options.ai.pricing wins over it', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tk-ai-')), 'prices.json');
    fs.writeFileSync(file, JSON.stringify({ 'my-model': { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0.1875 }, other: { input: 1, output: 1 } }));
    const c = resolveConfig({ ai: { pricing: { other: { input: 2, output: 2 } } } }, { TRACEKIT_AI_PRICING: file });
    expect(c.ai.pricing).toEqual({ 'my-model': { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0.1875 }, other: { input: 2, output: 2 } });
  });

  it('bad values fail at init() naming the option or variable', () => {
    expect(code(() => resolveConfig({}, { TRACEKIT_AI_PRICING: '/nonexistent/prices.json' }))).toContain('TRACEKIT_AI_PRICING');
    expect(code(() => resolveConfig({ ai: { pricing: { m: { input: -1, output: 1 } } } }, {}))).toContain('options.ai.pricing');
    // One sentence: "is invalid: options.ai.pricing["m"] must be …", never "expected … must be".
    expect(code(() => resolveConfig({ ai: { pricing: { m: { input: -1, output: 1 } } } }, {}))).toMatch(/options\.ai\.pricing is invalid: options\.ai\.pricing\["m"\] must be \{ input/);
    expect(code(() => resolveConfig({ ai: { pricing: { m: { input: -1, output: 1 } } } }, {}))).not.toContain('expected');
    expect(code(() => resolveConfig({ ai: { providers: [{ baseURL: 'not a url', name: 'x' }] } }, {}))).toContain('options.ai.providers');
    expect(code(() => resolveConfig({ ai: { providers: [{ baseURL: 'http://x', name: 'x', api: 'cohere' as never }] } }, {}))).toContain("'openai', 'anthropic' or 'gemini'");
    expect(code(() => resolveConfig({ captureAIContent: 'yes please' as never }, {}))).toContain('options.captureAIContent');
    expect(code(() => resolveConfig({}, { TRACEKIT_CAPTURE_AI_CONTENT: 'maybe' }))).toContain('TRACEKIT_CAPTURE_AI_CONTENT');
    expect(code(() => resolveConfig({ ai: { colour: 1 } as never }, {}))).toContain('options.ai.colour');
  });
});
