import type { Attributes } from '@opentelemetry/api';

/**
 * The name to report for any thrown value: the error's `name` or class, or a synthetic type for
 * values that are not errors: `null`, `undefined`, `NonError<string>` (also `number`, `boolean`,
 * `bigint`, `symbol`, `function`), an object's own string `name`, else `NonErrorObject`, and
 * `UnknownThrown` when even inspecting the value throws (a hostile proxy). Never throws.
 */
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

/** A value related to an error: its `cause` (and theirs) and an `AggregateError`'s members. */
export interface RelatedError {
  /** The path from the recorded error: `cause`, `cause.cause`, `errors[0]`, `errors[1].cause`. */
  relation: string;
  value: unknown;
}

/** How many related errors are kept, and how deep the chains are followed. */
export const MAX_RELATED = 10;
const MAX_DEPTH = 5;

function read(value: unknown, key: 'cause' | 'errors'): unknown {
  try {
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `error.cause` chain and `AggregateError` members of a thrown value, depth first, at most
 * {@link MAX_RELATED} of them and 5 levels deep; cycles are followed once. Never throws.
 */
export function relatedErrors(err: unknown): RelatedError[] {
  const out: RelatedError[] = [];
  const seen = new Set<unknown>([err]);
  const visit = (value: unknown, prefix: string, depth: number) => {
    if (depth >= MAX_DEPTH || out.length >= MAX_RELATED) return;
    const errors = read(value, 'errors');
    if (Array.isArray(errors) && value instanceof Error) {
      for (let i = 0; i < errors.length && out.length < MAX_RELATED; i++) {
        const member: unknown = errors[i];
        if (seen.has(member)) continue;
        seen.add(member);
        const relation = `${prefix}errors[${i}]`;
        out.push({ relation, value: member });
        visit(member, `${relation}.`, depth + 1);
      }
    }
    const cause = read(value, 'cause');
    if (cause !== undefined && !seen.has(cause) && out.length < MAX_RELATED) {
      seen.add(cause);
      const relation = `${prefix}cause`;
      out.push({ relation, value: cause });
      visit(cause, `${relation}.`, depth + 1);
    }
  };
  try {
    visit(err, '', 0);
  } catch {
    // A hostile value (a proxy whose traps throw): keep what was collected.
  }
  return out;
}

/** The text of one thrown value: its stack, or `Type: message` when it has none. */
function describe(err: unknown): string {
  return errorStack(err) ?? `${errorType(err)}: ${errorMessage(err)}`;
}

/**
 * `exception.stacktrace` for a thrown value: its own stack, followed by each related error
 * (see {@link relatedErrors}) as a block headed by its relation in brackets:
 *
 * ```text
 * Error: could not load the order
 *     at loadOrder (/app/src/orders.ts:12:11)
 * [cause] Error: connect ECONNREFUSED 127.0.0.1:5432
 *     at TCPConnectWrap.afterConnect (node:net:1611:16)
 * ```
 *
 * `undefined` for values without a stack and without related errors.
 */
export function exceptionStacktrace(err: unknown, related: readonly RelatedError[] = relatedErrors(err)): string | undefined {
  const own = errorStack(err);
  if (related.length === 0) return own;
  let text = own ?? `${errorType(err)}: ${errorMessage(err)}`;
  for (const r of related) text += `\n[${r.relation}] ${describe(r.value)}`;
  return text;
}

/** The attributes of an `exception` span event, by the OpenTelemetry semantic conventions. */
export function exceptionAttributes(err: unknown): Attributes {
  const attributes: Attributes = { 'exception.type': errorType(err), 'exception.message': errorMessage(err) };
  const stack = exceptionStacktrace(err);
  if (stack !== undefined) attributes['exception.stacktrace'] = stack;
  return attributes;
}
