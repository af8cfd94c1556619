import { describe, expect, it } from 'vitest';
import { formatTraceparent, isValidRequestId, parseTraceparent, parseTracestate, resolveRequestId } from '../../src/adapter-api.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  it('parses a valid version-00 header', () => {
    expect(parseTraceparent(`00-${T}-${S}-01`)).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
    expect(parseTraceparent(`00-${T}-${S}-00`)?.traceFlags).toBe(0);
    expect(parseTraceparent(`  00-${T}-${S}-03  `)?.traceFlags).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'hello'],
    ['upper-case hex', `00-${T.toUpperCase()}-${S}-01`],
    ['all-zero trace ID', `00-${'0'.repeat(32)}-${S}-01`],
    ['all-zero span ID', `00-${T}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${T}-${S}-01`],
    ['version 00 with extra fields', `00-${T}-${S}-01-extra`],
    ['short trace ID', `00-${T.slice(1)}-${S}-01`],
    ['wrong separators', `00_${T}_${S}_01`],
    ['non-hex flags', `00-${T}-${S}-zz`],
  ])('rejects %s without throwing', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('accepts a future version with extra fields after a dash', () => {
    expect(parseTraceparent(`01-${T}-${S}-01-what-ever`)?.traceId).toBe(T);
    expect(parseTraceparent(`01-${T}-${S}-01x`)).toBeUndefined();
  });

  it('keeps a valid tracestate and drops an invalid or oversized one', () => {
    expect(parseTraceparent(`00-${T}-${S}-01`, 'a=1,b=2')?.traceState?.serialize()).toBe('a=1,b=2');
    expect(parseTracestate('x'.repeat(600))).toBeUndefined();
    expect(parseTracestate('')).toBeUndefined();
    expect(parseTraceparent(`00-${T}-${S}-01`, 'x'.repeat(600))?.traceState).toBeUndefined();
  });

  it('formats a span context', () => {
    expect(formatTraceparent({ traceId: T, spanId: S, traceFlags: 1 })).toBe(`00-${T}-${S}-01`);
    expect(formatTraceparent({ traceId: T, spanId: S, traceFlags: 0 })).toBe(`00-${T}-${S}-00`);
  });
});

describe('request IDs', () => {
  it('keeps 1-128 visible ASCII characters', () => {
    expect(isValidRequestId('abc-123')).toBe(true);
    expect(isValidRequestId('x'.repeat(128))).toBe(true);
    expect(isValidRequestId('~!@#$%^&*()_+')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['300 characters', 'x'.repeat(300)],
    ['a space', 'a b'],
    ['CR/LF', 'a\r\nb'],
    ['a tab', 'a\tb'],
    ['non-ASCII', 'café'],
    ['a NUL', 'a\0b'],
  ])('replaces %s', (_what, value) => {
    expect(isValidRequestId(value)).toBe(false);
    const replaced = resolveRequestId(value);
    expect(replaced).not.toBe(value);
    expect(replaced).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('generates a new one when none came in', () => {
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });
});
