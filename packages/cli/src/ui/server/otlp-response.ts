import type { Signal } from '../otlp-json.js';

/** The partial-success counter of each signal's response (`rejected_spans`, ...). */
const REJECTED: Record<Signal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' };

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(bytes.length)]), bytes]);
}

/**
 * The body of an `Export{Trace,Logs,Metrics}ServiceResponse`: empty when everything was accepted,
 * else with `partial_success` { rejected count = 1, error_message = 2 }, as protobuf or JSON.
 */
export function exportResponse(signal: Signal, json: boolean, rejected: number, message?: string): Buffer {
  if (json) {
    return Buffer.from(rejected > 0 || message ? JSON.stringify({ partialSuccess: { [REJECTED[signal]]: rejected, errorMessage: message ?? '' } }) : '{}');
  }
  if (rejected === 0 && !message) return Buffer.alloc(0);
  const inner: Buffer[] = [];
  if (rejected > 0) inner.push(Buffer.from([1 << 3, ...varint(rejected)]));
  if (message) inner.push(lengthDelimited(2, Buffer.from(message, 'utf8')));
  return lengthDelimited(1, Buffer.concat(inner));
}

/** gRPC status codes used in `google.rpc.Status` error bodies. */
export const RPC_CODE = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12 } as const;

/** A `google.rpc.Status` { code = 1, message = 2 }: the body of OTLP/HTTP error responses. */
export function statusBody(json: boolean, code: number, message: string): Buffer {
  if (json) return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.concat([Buffer.from([1 << 3, ...varint(code)]), lengthDelimited(2, Buffer.from(message, 'utf8'))]);
}
