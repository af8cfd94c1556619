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

/**
 * Epoch milliseconds as a decimal string of nanoseconds, as OTLP/JSON expects. A double holds
 * an epoch time in milliseconds to about 0.2 µs, so the value is rounded to whole microseconds
 * rather than printing float noise as nanoseconds.
 */
export function msToNanoString(ms: number): string {
  let whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1e3);
  if (micros >= 1e3) {
    whole += 1;
    micros -= 1e3;
  }
  return whole === 0 ? `${micros * 1000}` : `${whole}${String(micros).padStart(3, '0')}000`;
}
