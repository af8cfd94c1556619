import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRedactor, resolveConfig, TracekitSpan, type RequestState } from '../../src/adapter-api.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const redactor = () => createRedactor(resolveConfig({ redaction: { mode: 'mask' } }, {}, '/nonexistent').redaction);
// Passes the Luhn check and the card pattern (grouped with one separator).
const CARDY = 'abcd4111-1111-1111-1111';

function serverSpan(requestId: string, ownRequestId: boolean | undefined): TracekitSpan {
  const request: RequestState = { requestId, span: undefined as never, framework: 'test', metadata: undefined, ownRequestId };
  const s = new TracekitSpan({ onEnd: () => undefined }, T, '00f067aa0ba902b7', undefined, 1, undefined, 'GET /x', SpanKind.SERVER, { 'tracekit.request_id': requestId, other: CARDY }, undefined, request);
  s.end();
  return s;
}

describe('redaction fast paths (issue 11)', () => {
  it('does not scan a request ID TraceKit generated, and still scans an incoming one and everything else', () => {
    const redact = redactor();
    const own = serverSpan(CARDY, true);
    redact(own);
    expect(own.attributes['tracekit.request_id']).toBe(CARDY);
    expect(own.attributes.other).not.toBe(CARDY);
    const incoming = serverSpan(CARDY, false);
    redact(incoming);
    expect(incoming.attributes['tracekit.request_id']).not.toBe(CARDY);
    const unknown = serverSpan(CARDY, undefined);
    redact(unknown);
    expect(unknown.attributes['tracekit.request_id']).not.toBe(CARDY);
  });

  it('the clean-string cache never lets a secret through, however many unique strings pass', () => {
    const r = redactor();
    const secret = 'Bearer abcdefghijklmnopqrstuvwxyz0123';
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0';
    expect(r.text(ua)).toBe(ua);
    for (let i = 0; i < 5000; i++) {
      expect(r.text(`request-${i}-${'z'.repeat(20)}`)).toBe(`request-${i}-${'z'.repeat(20)}`);
      if (i % 700 === 0) {
        expect(r.text(ua)).toBe(ua);
        expect(r.text(secret)).not.toContain('abcdefghijklmnopqrstuvwxyz0123');
      }
    }
    expect(r.text(secret)).not.toContain('abcdefghijklmnopqrstuvwxyz0123');
  });
});
