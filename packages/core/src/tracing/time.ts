import { performance } from 'node:perf_hooks';
import type { TimeInput } from '@opentelemetry/api';

const origin = performance.timeOrigin;
/** Numbers below this are `performance.now()` readings (31 years of uptime), above it epoch milliseconds. */
const EPOCH_FLOOR_MS = 1e12;

/** Wall-clock time in milliseconds since the epoch, with sub-microsecond resolution from the monotonic clock. */
export function nowMs(): number {
  return origin + performance.now();
}

/** Converts any OpenTelemetry `TimeInput` to epoch milliseconds. */
export function toEpochMs(input: TimeInput | undefined): number {
  if (input === undefined) return nowMs();
  if (typeof input === 'number') {
    // A performance.now() reading is milliseconds since the process started; an epoch time is
    // past 1e12 (September 2001). Comparing with the origin instead (the SDK's rule) misreads an
    // epoch time taken just before the process started (a provider's timestamp, a queued job's
    // start) as a reading, giving it a date in 2080.
    return input < EPOCH_FLOOR_MS ? origin + input : input;
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
