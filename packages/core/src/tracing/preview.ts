import { types } from 'node:util';

/** How much of an object a preview shows: 5 properties (or items), one level deep. */
export const PREVIEW_PROPERTIES = 5;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function ownName(value: object): string | undefined {
  // The constructor's name through the prototype's own data property: no getter, no proxy trap.
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null) return undefined;
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
  return typeof ctor?.name === 'string' ? ctor.name : undefined;
}

function scalar(value: unknown, max: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(cut(value, max));
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${(Object.getOwnPropertyDescriptor(value, 'name')?.value as string | undefined) || 'anonymous'}]`;
    default:
      return value === null ? 'null' : undefined;
  }
}

/** A one-word description of an object that is not opened: `[Array(3)]`, `[Map(2)]`, `[User]`. */
function brief(value: object): string {
  if (types.isProxy(value)) return '[Proxy]';
  if (Array.isArray(value)) return `[Array(${value.length})]`;
  if (types.isMap(value) || types.isSet(value)) return `[${types.isMap(value) ? 'Map' : 'Set'}(${(value as Map<unknown, unknown>).size})]`;
  if (types.isDate(value)) return Number.isNaN(Date.prototype.getTime.call(value)) ? '[Invalid Date]' : Date.prototype.toISOString.call(value);
  if (types.isPromise(value)) return '[Promise]';
  if (types.isNativeError(value)) return errorPreview(value);
  if (ArrayBuffer.isView(value)) return `[${ownName(value) ?? 'TypedArray'}(${(value as unknown as { length?: number }).length ?? value.byteLength})]`;
  return `[${ownName(value) ?? 'Object'}]`;
}

/** `Type: message` of an error, read from own data properties only. */
export function errorPreview(err: unknown, max = 256): string {
  if (err === null || typeof err !== 'object') return scalar(err, max) ?? String(err);
  if (types.isProxy(err)) return '[Proxy]';
  const name = (Object.getOwnPropertyDescriptor(err, 'name')?.value as string | undefined) ?? ownName(err) ?? 'Error';
  const message = Object.getOwnPropertyDescriptor(err, 'message')?.value;
  return cut(typeof message === 'string' ? `${name}: ${message}` : name, max);
}

function entry(value: unknown, max: number): string {
  return scalar(value, max) ?? brief(value as object);
}

/**
 * A short, safe preview of a value for ENTER / EXIT records and function spans: scalars as JSON,
 * objects and arrays one level deep with at most {@link PREVIEW_PROPERTIES} entries, the whole
 * cut at `max` characters. It reads own data properties through their descriptors only, so it
 * never runs a getter, a `toJSON`, a `toString` or a proxy trap of the app's.
 *
 * @example
 * preview({ id: 7, user: { name: 'Ada' }, tags: ['a'] }, 256) // '{"id":7,"user":[Object],"tags":[Array(1)]}'
 */
export function preview(value: unknown, max: number): string {
  try {
    const s = scalar(value, max);
    if (s !== undefined) return s;
    const obj = value as object;
    if (types.isProxy(obj) || types.isMap(obj) || types.isSet(obj) || types.isDate(obj) || types.isPromise(obj) || types.isNativeError(obj) || ArrayBuffer.isView(obj)) {
      return brief(obj);
    }
    if (Array.isArray(obj)) {
      const items: string[] = [];
      for (let i = 0; i < obj.length && i < PREVIEW_PROPERTIES; i++) {
        const d = Object.getOwnPropertyDescriptor(obj, i);
        items.push(d === undefined ? 'undefined' : 'value' in d ? entry(d.value, max) : '[Getter]');
      }
      if (obj.length > PREVIEW_PROPERTIES) items.push(`…${obj.length - PREVIEW_PROPERTIES} more`);
      return cut(`[${items.join(',')}]`, max);
    }
    const keys = Object.keys(obj);
    const parts: string[] = [];
    for (const key of keys.slice(0, PREVIEW_PROPERTIES)) {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      parts.push(`${JSON.stringify(key)}:${d === undefined ? 'undefined' : 'value' in d ? entry(d.value, max) : '[Getter]'}`);
    }
    if (keys.length > PREVIEW_PROPERTIES) parts.push(`…${keys.length - PREVIEW_PROPERTIES} more`);
    const name = ownName(obj);
    return cut(`${name && name !== 'Object' ? `${name} ` : ''}{${parts.join(',')}}`, max);
  } catch {
    return '[unreadable]';
  }
}
