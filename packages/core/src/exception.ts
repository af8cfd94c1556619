import type { Attributes } from '@opentelemetry/api';

/** The name to report for any thrown value: the error's class, or a synthetic type for non-errors. */
export function errorType(err: unknown): string {
  try {
    if (err instanceof Error) {
      const ctorName = (err.constructor as { name?: unknown } | undefined)?.name;
      const name = typeof err.name === 'string' && err.name !== 'Error' ? err.name : undefined;
      return name ?? (typeof ctorName === 'string' && ctorName !== '' ? ctorName : 'Error');
    }
    if (err === null) return 'null';
    if (err === undefined) return 'undefined';
    if (typeof err === 'object') {
      const name = (err as { name?: unknown }).name;
      if (typeof name === 'string' && name !== '') return name;
      return 'NonErrorObject';
    }
    return `NonError<${typeof err}>`;
  } catch {
    return 'UnknownThrown';
  }
}

/** A string for any thrown value; never throws, whatever `toString` does. */
export function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error) return typeof err.message === 'string' ? err.message : String(err.message);
    if (typeof err === 'string') return err;
    if (err === null || err === undefined || typeof err !== 'object') return String(err);
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    return JSON.stringify(err) ?? String(err);
  } catch {
    try {
      return Object.prototype.toString.call(err);
    } catch {
      return '[unprintable]';
    }
  }
}

/** The stack trace of a thrown value, when it has one. */
export function errorStack(err: unknown): string | undefined {
  try {
    const stack = (err as { stack?: unknown } | null | undefined)?.stack;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** The attributes of an `exception` span event, by the OpenTelemetry semantic conventions. */
export function exceptionAttributes(err: unknown): Attributes {
  const attributes: Attributes = { 'exception.type': errorType(err), 'exception.message': errorMessage(err) };
  const stack = errorStack(err);
  if (stack !== undefined) attributes['exception.stacktrace'] = stack;
  return attributes;
}
