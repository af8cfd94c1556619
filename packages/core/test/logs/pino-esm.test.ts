import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const coreDir = path.resolve(__dirname, '../..');
const major = Number(process.versions.node.split('.')[0]);

/** An ESM app (built package) that imports pino after init() and logs inside a span. */
const APP = `
import * as tracekit from '@tracekit/core';
tracekit.init({ exporter: 'none', handleShutdown: false, metrics: false });
const { default: pino } = await import('pino');
const logger = pino({ base: null, timestamp: false });
tracekit.withSpan('work', () => logger.info('inside'));
await tracekit.shutdown();
`;

describe('automatic pino mixin for an ESM import (per Node line, docs/logs.md)', () => {
  it(major >= 24 ? 'Node 24+: a pino imported after init() gets the trace fields' : 'Node 20/22: an ESM import keeps pino as it is (use pinoMixin())', () => {
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', APP], { cwd: coreDir, encoding: 'utf8', timeout: 15_000 });
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.msg).toBe('inside');
    if (major >= 24) {
      expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    } else {
      expect(line).not.toHaveProperty('trace_id');
    }
  });
});
