import { performance } from 'node:perf_hooks';
import type { TimeInput } from '@opentelemetry/api';

const origin = performance.timeOrigin;

/** Wall-clock time in milliseconds since the epoch, with sub-microsecond resolution from the monotonic clock. */
export function nowMs(): number {
  return origin + performance.now();
}

/** Converts any OpenTelemetry `TimeInput` to epoch milliseconds. */
export function toEpochMs(input: TimeInput | undefined): number {
  if (input === undefined) return nowMs();
  if (typeof input === 'number') {
    // Values below the origin are performance.now() readings, as in the OpenTelemetry SDK.
    return input < origin ? origin + input : input;
  }
  if (input instanceof Date) return input.getTime();
  if (Array.isArray(input)) return input[0] * 1e3 + input[1] / 1e6;
  return nowMs();
}

/** Epoch milliseconds as a decimal string of nanoseconds, as OTLP/JSON expects. */
export function msToNanoString(ms: number): string {
  let whole = Math.floor(ms);
  let nanos = Math.round((ms - whole) * 1e6);
  if (nanos >= 1e6) {
    whole += 1;
    nanos -= 1e6;
  }
  return whole === 0 ? String(nanos) : `${whole}${String(nanos).padStart(6, '0')}`;
}
