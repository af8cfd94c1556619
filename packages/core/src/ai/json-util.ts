/** `JSON.parse` that returns `undefined` instead of throwing (responses can be anything). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** An object's property when the value is an object. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A non-negative finite number, else `undefined`. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Appends to a bounded text buffer (content capture keeps at most `limit` characters). */
export function appendBounded(current: string | undefined, more: string | undefined, limit: number): string | undefined {
  if (more === undefined || more === '') return current;
  const base = current ?? '';
  if (base.length > limit) return base;
  return base + more;
}
