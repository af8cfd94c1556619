import { errorMessage, errorStack, errorType, exceptionStacktrace, relatedErrors } from '../exception.js';

/** One thrown value reduced to strings, so nothing of the app's objects is kept alive. */
export interface ThrownSummary {
  type: string;
  message: string;
  /** V8's stack text, when the value had one. */
  stack: string | undefined;
}

/** What is taken from a thrown value on the request path: strings only, no parsing, no I/O. */
export interface CapturedError extends ThrownSummary {
  /** `exception.stacktrace`: the stack followed by the causes' (see `exceptionStacktrace`). */
  stacktrace: string | undefined;
  /** The `cause` chain and `AggregateError` members. */
  related: Array<ThrownSummary & { relation: string }>;
}

/**
 * Reads what the error pipeline needs from any thrown value: type, message and stack text of
 * it and of its causes. This is the only part of error capture done where the error is
 * recorded; frames, source maps, context and the fingerprint are worked out later, off the
 * request path. Never throws.
 */
export function captureError(err: unknown): CapturedError {
  const related = relatedErrors(err);
  return {
    type: errorType(err),
    message: errorMessage(err),
    stack: errorStack(err),
    stacktrace: exceptionStacktrace(err, related),
    related: related.map((r) => ({ relation: r.relation, type: errorType(r.value), message: errorMessage(r.value), stack: errorStack(r.value) })),
  };
}
