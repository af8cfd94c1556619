/**
 * The one predicate that decides what counts as an error, shared by every adapter.
 *
 * - A response with a 5xx status is an error.
 * - An exception is an error unless it carries an HTTP status below 500, recognised by shape
 *   (a numeric `status` or `statusCode` property, or a `getStatus()` method as on NestJS's
 *   `HttpException`), never by importing a framework.
 */
export function httpStatusOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  try {
    const e = err as { status?: unknown; statusCode?: unknown; getStatus?: unknown };
    const candidate = typeof e.getStatus === 'function' ? (e.getStatus as () => unknown).call(err) : (e.statusCode ?? e.status);
    return typeof candidate === 'number' && Number.isInteger(candidate) && candidate >= 100 && candidate <= 599 ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** True when a thrown value should be recorded as an error (see the module comment). */
export function isErrorException(err: unknown): boolean {
  const status = httpStatusOf(err);
  return status === undefined || status >= 500;
}

/** True when a response status marks the request as failed. */
export function isErrorStatus(statusCode: number): boolean {
  return statusCode >= 500;
}
