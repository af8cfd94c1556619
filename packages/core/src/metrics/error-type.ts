import { isErrorException } from '../errors/error-policy.js';
import { errorType } from '../errors/exception.js';
import type { RequestOutcome } from './pipeline.js';

/**
 * The `error.type` of a request's `http.server.request.duration` point, as the semantic
 * conventions ask and as its SERVER span has it: the type of the exception that escaped (the last
 * recorded one, `TypeError`, as the span's `error.type`), else the abort reason of a request
 * whose connection closed first, else the status code of a 5xx (`503`), else `_OTHER` when an
 * exception escaped that is not at hand, else none (a 4xx is no error).
 */
export function requestErrorType(response: RequestOutcome, errorSeen: boolean, errors: ReadonlySet<unknown> | undefined): string | undefined {
  const thrown = errorSeen ? thrownType(errors) : undefined;
  if (thrown !== undefined) return thrown;
  if (response.aborted) return response.abortReason ?? 'aborted';
  if (response.statusCode >= 500) return String(response.statusCode);
  return errorSeen ? '_OTHER' : undefined;
}

function thrownType(errors: ReadonlySet<unknown> | undefined): string | undefined {
  let type: string | undefined;
  // The scope's recorded errors include those it did not count as errors (a 4xx HttpException).
  if (errors) for (const err of errors) if (isErrorException(err)) type = errorType(err);
  return type;
}
