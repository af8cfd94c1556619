import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { toEpochMs } from '../../src/tracing/time.js';

describe('toEpochMs', () => {
  it('reads a performance.now() value as time since the process started', () => {
    const reading = performance.now();
    expect(toEpochMs(reading)).toBeCloseTo(performance.timeOrigin + reading, 3);
  });

  it('keeps an epoch time taken before the process started as it is', () => {
    const before = performance.timeOrigin - 5_000;
    expect(toEpochMs(before)).toBe(before);
    const now = Date.now();
    expect(toEpochMs(now)).toBe(now);
  });

  it('reads Dates and [seconds, nanoseconds] pairs', () => {
    expect(toEpochMs(new Date(1_700_000_000_123))).toBe(1_700_000_000_123);
    expect(toEpochMs([1_700_000_000, 500_000_000])).toBe(1_700_000_000_500);
  });
});
