/** Retry settings of the OTLP exporter (see `maxExportRetries`, `retryInitialDelayMs`, `retryMaxDelayMs`). */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 3. */
  maxRetries: number;
  /** The backoff cap of the first retry, in ms. Default 500. */
  initialDelayMs: number;
  /** The largest backoff, in ms. Default 15000. */
  maxDelayMs: number;
}

/**
 * The statuses worth another try, as the OTLP/HTTP specification lists them: the collector is
 * throttling (429) or a proxy in front of it could not reach it (502, 503, 504). Every other
 * status will not change on a retry.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * Exponential backoff with full jitter: a uniformly random delay between 0 and
 * `min(maxDelayMs, initialDelayMs * 2^attempt)`. Full jitter spreads the retries of many
 * processes that failed together, so a recovering collector is not hit in waves.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/**
 * Reads `Retry-After`: delay-seconds or an HTTP date, as milliseconds from `now`. Returns
 * `undefined` when the header is absent or unreadable (the backoff applies then).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the HTTP-date forms (they all name a weekday or a month); Date.parse alone accepts far more.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
