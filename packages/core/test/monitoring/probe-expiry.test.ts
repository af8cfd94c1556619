import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getClient, shutdown } from '../../src/index.js';
import type { BreakpointsDocument } from '../../src/monitoring/model.js';
import { monitored } from './helpers.js';

afterEach(async () => {
  if (getClient()) await shutdown();
});

describe('probe expiry (in process, the built worker)', () => {
  it('a probe expires after expiryMs: status expired, disabled, and the debugger off again', async () => {
    const m = await monitored({}, { expiryMs: 1500 });
    // A line of a file in the project that this process never runs.
    fs.writeFileSync(m.file, JSON.stringify({ breakpoints: [], probes: [{ id: 'p-exp', location: 'test/monitoring/fixtures/probe-app.cjs:5', enabled: true }] }));
    await m.monitor.pollFile();
    const probes = m.monitor.probes!;
    expect(probes).toBeDefined();
    await vi.waitFor(() => expect(probes.entries()[0]).toMatchObject({ status: 'expired', enabled: false }), { timeout: 8000, interval: 50 });
    // It was set (the debugger enabled once), then taken out again.
    await vi.waitFor(() => expect(probes.debuggerState()).toEqual({ enables: 1, enabled: false }), { timeout: 8000, interval: 50 });
    await m.monitor.writeFile();
    const doc = JSON.parse(fs.readFileSync(m.file, 'utf8')) as BreakpointsDocument;
    expect(doc.probes[0]).toMatchObject({ id: 'p-exp', status: 'expired', enabled: false });
  });
});
