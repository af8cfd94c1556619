import { types } from 'node:util';
import type { SnapshotValue } from './walker.js';

/**
 * Built-in functions captured when TraceKit loads, so the walker reads Maps, Sets, Dates, typed
 * arrays and RegExps through the engine's own code, never through methods or getters an app (or
 * a subclass) may have replaced. Each of them runs no user code on a non-Proxy receiver.
 */
function getter(proto: object, name: string): (this: unknown) => unknown {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d?.get) throw new Error(`no built-in getter ${name}`);
  return d.get;
}

const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const mapSize = getter(Map.prototype, 'size');
const setSize = getter(Set.prototype, 'size');
const typedLength = getter(TypedArrayProto, 'length');
const typedTag = getter(TypedArrayProto, Symbol.toStringTag as unknown as string);
const arrayBufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const regExpSource = getter(RegExp.prototype, 'source');
const regExpFlags = getter(RegExp.prototype, 'flags');
const symbolDescription = getter(Symbol.prototype, 'description');
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const dateGetTime = Date.prototype.getTime;
const dateToIso = Date.prototype.toISOString;
const bufferSubarray = Uint8Array.prototype.subarray;
const ObjectProto = Object.prototype;
const FunctionToString = Function.prototype.toString;

/** The built-in reads the walker uses. */
export const intrinsics = {
  mapSize: (m: Map<unknown, unknown>) => mapSize.call(m) as number,
  setSize: (s: Set<unknown>) => setSize.call(s) as number,
  mapEntries: (m: Map<unknown, unknown>) => mapEntries.call(m) as IterableIterator<[unknown, unknown]>,
  setValues: (s: Set<unknown>) => setValues.call(s) as IterableIterator<unknown>,
  typedArrayLength: (a: NodeJS.TypedArray) => typedLength.call(a) as number,
  typedArrayName: (a: NodeJS.TypedArray) => (typedTag.call(a) as string | undefined) ?? 'TypedArray',
  byteLength: (b: ArrayBufferLike) => {
    try {
      return arrayBufferLength.call(b) as number;
    } catch {
      // A SharedArrayBuffer has its own getter.
      return (Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength')!.get!.call(b) as number) ?? 0;
    }
  },
  bufferSlice: (b: Buffer, n: number) => Buffer.from((bufferSubarray.call(b, 0, n) as Uint8Array)),
  dateText: (d: Date) => (Number.isNaN(dateGetTime.call(d)) ? 'Invalid Date' : (dateToIso.call(d) as string)),
  symbolText: (s: symbol) => {
    const d = symbolDescription.call(s) as string | undefined;
    return d === undefined ? 'Symbol()' : `Symbol(${d})`;
  },
};

/** `/source/flags` through the built-in getters. */
export function regExpText(re: RegExp): string {
  return `/${regExpSource.call(re) as string}/${regExpFlags.call(re) as string}`;
}

/** An own data property's value, or undefined (getters are never called). */
function dataValue(target: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(target, key);
  return d && 'value' in d ? d.value : undefined;
}

/**
 * The class name of a non-Proxy object: undefined for plain objects (`Object.prototype`) and
 * arrays, `[Object: null prototype]` for objects without a prototype, else the name of the
 * prototype's `constructor` when both are plain data properties (a getter is never called).
 */
export function classNameOf(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === ObjectProto || Array.isArray(value)) return undefined;
  if (proto === null) return '[Object: null prototype]';
  if (types.isProxy(proto)) return 'Object';
  const ctor = dataValue(proto, 'constructor');
  if (typeof ctor !== 'function') return 'Object';
  const name = dataValue(ctor, 'name');
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

/** A function as `{ $type: 'function', name }` (its source is never included). */
export function describeFunction(fn: (...args: unknown[]) => unknown): SnapshotValue {
  const name = dataValue(fn, 'name');
  const out: { [key: string]: SnapshotValue } = { $type: 'function', name: typeof name === 'string' ? name.slice(0, 255) : '' };
  return out;
}

/** True when `fn` is one of the engine's own functions (its text says `[native code]`). */
function isNative(fn: unknown): boolean {
  try {
    return typeof fn === 'function' && (FunctionToString.call(fn) as string).endsWith('{ [native code] }');
  } catch {
    return false;
  }
}

/**
 * `name`, `message` and `stack` of an error, from data properties on it or its prototypes. The
 * `stack` accessor that newer V8 versions install is read only when it is the engine's own.
 */
export function errorParts(err: object): { name?: string; message?: string; stack?: string } {
  const out: { name?: string; message?: string; stack?: string } = {};
  const read = (key: 'name' | 'message' | 'stack'): void => {
    for (let o: object | null = err, i = 0; o !== null && i < 8; o = Object.getPrototypeOf(o) as object | null, i++) {
      if (types.isProxy(o)) return;
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      if ('value' in d) {
        if (typeof d.value === 'string') out[key] = d.value;
      } else if (key === 'stack' && isNative(d.get)) {
        const v = (d.get as (this: object) => unknown).call(err);
        if (typeof v === 'string') out[key] = v;
      }
      return;
    }
  };
  read('name');
  read('message');
  read('stack');
  return out;
}

/** True when `proto` is on the prototype chain of `value` (walked without touching a Proxy, unlike `instanceof`). */
export function inherits(value: object, proto: object): boolean {
  for (let o: object | null = value, i = 0; o !== null && i < 16; i++) {
    if (types.isProxy(o)) return false;
    o = Object.getPrototypeOf(o) as object | null;
    if (o === proto) return true;
  }
  return false;
}

/** True when `Error.prototype` is on the prototype chain. */
export function inheritsError(value: object): boolean {
  return inherits(value, Error.prototype);
}
