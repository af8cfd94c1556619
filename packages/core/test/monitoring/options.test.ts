import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config.js';
import { TracekitConfigError } from '../../src/index.js';

const cwd = '/srv/app';

describe('the codeMonitoring option', () => {
  it('defaults: off, limits of the issue, the breakpoints file under .tracekit', () => {
    const c = resolveConfig({}, {}, cwd);
    expect(c.codeMonitoring).toBe(false);
    expect(c.monitoring.limits).toEqual({ perBreakpointPerSecond: 1, maxCapturesPerBreakpoint: 100, globalPerSecond: 25, expiryMs: 86_400_000 });
    expect(c.monitoring.walk).toEqual({ maxDepth: 3, maxFields: 20, maxItems: 100, maxString: 255, maxBytes: 65_536 });
    expect(c.monitoring.breakpointsFile).toBe(path.join(cwd, '.tracekit', 'breakpoints.json'));
    expect(c.monitoring.breakpointsUrl).toBeUndefined();
    expect(c.monitoring.maxPauseMs).toBe(15);
  });

  it('true, an object of limits, and the environment', () => {
    expect(resolveConfig({ codeMonitoring: true }, {}, cwd).codeMonitoring).toBe(true);
    const c = resolveConfig({ codeMonitoring: { maxCapturesPerSecond: 5, maxCaptures: 10, expiryMs: 60_000, maxDepth: 2 } }, {}, cwd);
    expect(c.codeMonitoring).toBe(true);
    expect(c.monitoring.limits).toMatchObject({ perBreakpointPerSecond: 5, maxCapturesPerBreakpoint: 10, expiryMs: 60_000 });
    expect(c.monitoring.walk.maxDepth).toBe(2);
    expect(resolveConfig({ codeMonitoring: { enabled: false } }, {}, cwd).codeMonitoring).toBe(false);
    const e = resolveConfig({}, { TRACEKIT_CODE_MONITORING: 'on', TRACEKIT_BREAKPOINTS_URL: 'http://127.0.0.1:9/bp', TRACEKIT_BREAKPOINTS_FILE: 'bp.json' }, cwd);
    expect(e.codeMonitoring).toBe(true);
    expect(e.monitoring.breakpointsUrl).toBe('http://127.0.0.1:9/bp');
    expect(e.monitoring.breakpointsFile).toBe(path.join(cwd, 'bp.json'));
  });

  it('fails at init() naming the option and what it accepts', () => {
    const cases: Array<[object, Record<string, string>, RegExp]> = [
      [{ codeMonitoring: 'yes please' }, {}, /options\.codeMonitoring="yes please" is invalid: expected true, false or an object/],
      [{ codeMonitoring: { maxCaptures: 0 } }, {}, /options\.codeMonitoring\.maxCaptures=0 is invalid: expected a whole number of at least 1/],
      [{ codeMonitoring: { maxPauseMs: 50 } }, {}, /options\.codeMonitoring\.maxPauseMs=50 is invalid: expected a number from 1 to 15/],
      [{ codeMonitoring: { maxCapturesPerScond: 2 } }, {}, /options\.codeMonitoring\.maxCapturesPerScond is not an option/],
      [{}, { TRACEKIT_BREAKPOINTS_URL: 'ftp://x' }, /TRACEKIT_BREAKPOINTS_URL="ftp:\/\/x" is invalid: expected an http/],
      [{}, { TRACEKIT_CODE_MONITORING: 'maybe' }, /TRACEKIT_CODE_MONITORING="maybe" is invalid/],
    ];
    for (const [options, env, message] of cases) {
      expect(() => resolveConfig(options, env, cwd)).toThrow(TracekitConfigError);
      expect(() => resolveConfig(options, env, cwd)).toThrow(message);
    }
  });
});
