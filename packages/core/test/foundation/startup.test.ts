import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, shutdown } from '../../src/index.js';

describe('the startup diagnostic (debug)', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await shutdown();
  });

  function startupLines(options: Parameters<typeof init>[0], env: Record<string, string> = {}): string[] {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    init({ handleShutdown: false, ...options }, { env });
    return lines.filter((l) => l.includes('started '));
  }

  it('says where the traces go and where the viewer is', () => {
    const file = path.join('/tmp', 'tk-startup', 'traces.jsonl');
    const [line] = startupLines({ debug: true, serviceName: 'shop', file });
    expect(line).toContain(`started shop: traces in ${file}`);
    expect(line).toContain('npx @tracekit/cli ui');
    expect(line).toContain('http://127.0.0.1:4318');
  });

  it('with an OTLP endpoint, names it and the viewer as a receiver', () => {
    const [line] = startupLines({ debug: true, serviceName: 'shop', endpoint: 'http://127.0.0.1:4318' });
    expect(line).toContain('traces to http://127.0.0.1:4318/v1/traces');
    expect(line).toContain('OTLP receiver');
  });

  it('prints nothing without debug', () => {
    expect(startupLines({ serviceName: 'shop' })).toEqual([]);
  });
});
