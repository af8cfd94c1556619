import { afterEach, describe, expect, it } from 'vitest';
import { captureSnapshot, getClient, shutdown } from '../../src/index.js';
import { GlobalBudget, breakpointVerdict } from '../../src/monitoring/rate-limits.js';
import { monitored } from './helpers.js';

afterEach(async () => {
  if (getClient()) await shutdown();
});

function site(label: string, calls: { n: number }): void {
  captureSnapshot(label, () => {
    calls.n++;
    return { n: calls.n };
  });
}

describe('capture limits on a manual clock', () => {
  it('one capture a second per breakpoint; a skipped call does not run the callback', async () => {
    const m = await monitored();
    const calls = { n: 0 };
    site('rate.one', calls);
    site('rate.one', calls);
    site('rate.one', calls);
    expect(calls.n).toBe(1);
    expect(m.stats().snapshotsSkippedRateLimited).toBe(2);
    m.clock.advance(999);
    m.monitor.refresh();
    site('rate.one', calls);
    expect(calls.n).toBe(1);
    m.clock.advance(1);
    m.monitor.refresh();
    site('rate.one', calls);
    expect(calls.n).toBe(2);
    expect(await m.snapshots()).toHaveLength(2);
  });

  it('at most maxCaptures per breakpoint', async () => {
    const m = await monitored({}, { maxCaptures: 3 });
    const calls = { n: 0 };
    for (let i = 0; i < 6; i++) {
      site('rate.max', calls);
      m.clock.advance(1000);
      m.monitor.refresh();
    }
    expect(calls.n).toBe(3);
    expect(m.stats().snapshotsSkippedMaxCaptures).toBe(3);
    expect(m.monitor.list()[0]).toMatchObject({ captures: 3, maxCaptures: 3, status: 'exhausted' });
  });

  it('25 captures a second in all (here 2)', async () => {
    const m = await monitored({}, { globalMaxCapturesPerSecond: 2 });
    const calls = { n: 0 };
    site('g.a', calls);
    site('g.b', calls);
    site('g.c', calls);
    site('g.a', calls);
    expect(calls.n).toBe(2);
    expect(m.stats().snapshotsSkippedGlobalLimit).toBe(1);
    expect(m.stats().snapshotsSkippedRateLimited).toBe(1);
    m.clock.advance(1000);
    m.monitor.refresh();
    site('g.c', calls);
    expect(calls.n).toBe(3);
  });

  it('breakpoints expire (default 24 h, here 5 s)', async () => {
    const m = await monitored({}, { expiryMs: 5000 });
    const calls = { n: 0 };
    site('exp.site', calls);
    m.clock.advance(6000);
    m.monitor.refresh();
    site('exp.site', calls);
    expect(calls.n).toBe(1);
    expect(m.stats().snapshotsSkippedExpired).toBe(1);
    expect(m.monitor.list()[0]!.status).toBe('expired');
  });

  it('pure pieces: the verdict and the global budget', () => {
    expect(breakpointVerdict({ captures: 0, maxCaptures: 1, lastCapture: 0, expiresAt: 10 }, 5, 1)).toBe('ok');
    expect(breakpointVerdict({ captures: 1, maxCaptures: 1, lastCapture: 0, expiresAt: 10 }, 5, 1)).toBe('exhausted');
    expect(breakpointVerdict({ captures: 0, maxCaptures: 1, lastCapture: 0, expiresAt: 10 }, 10, 1)).toBe('expired');
    expect(breakpointVerdict({ captures: 1, maxCaptures: 5, lastCapture: 100, expiresAt: Infinity }, 600, 1)).toBe('cooling');
    expect(breakpointVerdict({ captures: 1, maxCaptures: 5, lastCapture: 100, expiresAt: Infinity }, 600, 2)).toBe('ok');
    const b = new GlobalBudget(2);
    expect([b.take(0), b.take(1), b.take(2), b.spent(3), b.take(1000), b.spent(1000)]).toEqual([true, true, false, true, true, false]);
  });
});
