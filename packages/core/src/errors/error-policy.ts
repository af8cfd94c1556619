/**
 * The one predicate that decides what counts as an error, shared by every adapter (adapters
 * never decide this themselves: `RequestScope.recordError` and `RequestScope.end` apply it).
 *
 * | what happened                                                   | an error? |
 * |-----------------------------------------------------------------|-----------|
 * | the response status is 5xx                                      | yes       |
 * | the response status is 1xx–4xx                                  | no        |
 * | an exception escaped, without an HTTP status                    | yes       |
 * | an exception escaped carrying a status of 500–599               | yes       |
 * | an exception escaped carrying a status of 100–499 (a 404, a 401) | no        |
 * | the connection closed before the response was sent              | yes (`error.type` = `aborted`) |
 *
 * An exception's status is recognised by its shape, never by importing a framework: a
 * `getStatus()` method (NestJS's `HttpException`), else a numeric `statusCode` (Fastify,
 * `http-errors`), else a numeric `status` (Koa, Express's `http-errors`, Hono's `HTTPException`).
 * Only whole numbers from 100 to 599 count; anything else (a string, `NaN`, a throwing getter)
 * is treated as no status. Thrown values that are not objects (strings, numbers, `null`) have no
 * status and are errors.
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

/**
 * True when a thrown value should be recorded as an error: it has no HTTP status (see
 * {@link httpStatusOf}) or a status of 500 or more.
 *
 * @example
 * isErrorException(new Error('db down'));                         // true
 * isErrorException(Object.assign(new Error('nope'), { status: 404 })); // false
 * isErrorException({ getStatus: () => 503 });                      // true
 */
export function isErrorException(err: unknown): boolean {
  const status = httpStatusOf(err);
  return status === undefined || status >= 500;
}

/** True when a response status marks the request as failed: 500 and above. */
export function isErrorStatus(statusCode: number): boolean {
  return statusCode >= 500;
}
