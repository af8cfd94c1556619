import { newRequestId } from '../tracing/ids.js';

/** Visible ASCII (0x21-0x7E), no spaces or control characters, 1 to 128 characters. */
const VALID = /^[\x21-\x7e]{1,128}$/;

/** True when an incoming request ID may be kept as is. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && VALID.test(value);
}

/** The incoming request ID when valid, else a new one. */
export function resolveRequestId(incoming: string | undefined): string {
  return isValidRequestId(incoming) ? incoming : newRequestId();
}
