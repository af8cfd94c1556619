import { errorMessage, errorStack, errorType, exceptionStacktrace, relatedErrors } from './exception.js';

/** One thrown value reduced to strings, so nothing of the app's objects is kept alive. */
export interface ThrownSummary {
  type: string;
  message: string;
  /** V8's stack text, when the value had one. */
  stack: string | undefined;
}

/** What is taken from a thrown value: strings only, so nothing of the app's objects is kept alive. */
export interface CapturedError extends ThrownSummary {
  /** `exception.stacktrace`: the stack followed by the causes' (see `exceptionStacktrace`). */
  stacktrace: string | undefined;
  /** The `cause` chain and `AggregateError` members. */
  related: Array<ThrownSummary & { relation: string }>;
}

/**
 * Reads what the error pipeline needs from any thrown value: type, message and stack text of
 * it and of its causes. Reading `stack` makes V8 format it, the costly part, so the recorder
 * calls this after the request's own code (in a `setImmediate`), passing the type and message it
 * already read. Frames, source maps, context and the fingerprint come after. Never throws.
 */
export function captureError(err: unknown, type: string = errorType(err), message: string = errorMessage(err)): CapturedError {
  const related = relatedErrors(err);
  return {
    type,
    message,
    stack: errorStack(err),
    stacktrace: exceptionStacktrace(err, related),
    related: related.map((r) => ({ relation: r.relation, type: errorType(r.value), message: errorMessage(r.value), stack: errorStack(r.value) })),
  };
}
