import { types } from 'node:util';
import type { RedactTools } from '../redaction/structured.js';
import { SCAN_WINDOW, WALK_LIMITS, type WalkLimits } from './limits.js';
import { classNameOf, describeFunction, errorParts, inherits, inheritsError, intrinsics, regExpText } from './intrinsics.js';

/** A captured value: plain JSON built by TraceKit, never the app's own objects. */
export type SnapshotValue = null | boolean | number | string | SnapshotValue[] | { [key: string]: SnapshotValue };

/**
 * Why a value is missing from a snapshot: `depth` (below the depth limit), `size` (past a field,
 * item, string or snapshot limit), `getter` (an accessor, never called), `proxy` (a Proxy, never
 * touched), `redacted` (a secret), `circular` (a real cycle), `error` (reading it threw, or the
 * variables callback did), `timeout` (a line probe ran out of its pause budget).
 */
export type OmissionReason = 'depth' | 'size' | 'getter' | 'proxy' | 'redacted' | 'circular' | 'error' | 'timeout';

/** One omission, by path from the variables object (`user.cards[0]`). */
export interface Omission {
  path: string;
  reason: OmissionReason;
  /** For `size` on a collection: how many fields or items were left out. */
  count?: number;
}

/** The walked variables and what was left out. */
export interface WalkResult {
  /** The variables object as plain JSON. */
  value: { [key: string]: SnapshotValue };
  /** The first omissions (at most `WALK_LIMITS.maxOmissionsListed`). */
  omissions: Omission[];
  /** Omissions in all. */
  omittedTotal: number;
}

/** A value left out, in place: `{ "$omitted": reason }`, with the type when it is known. */
export function omitted(reason: OmissionReason, type?: string, extra?: Record<string, SnapshotValue>): { [key: string]: SnapshotValue } {
  const out: { [key: string]: SnapshotValue } = { $omitted: reason };
  if (type !== undefined) out.$type = type;
  if (extra) Object.assign(out, extra);
  return out;
}

/** How a probe shows a value it did not read: a getter or a Proxy never run, a collection too long to read. */
export function unreadableValue(why: 'getter' | 'proxy' | 'size'): { [key: string]: SnapshotValue } {
  return why === 'proxy' ? omitted('proxy', 'Proxy') : omitted(why);
}

/** Keys seen before, and whether they are plain identifiers (objects of one app reuse a few hundred keys). */
const identifiers = new Map<string, boolean>();

/** Joins a path and a key the way JavaScript would write it. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  let plain = identifiers.get(key);
  if (plain === undefined) {
    plain = /^[A-Za-z_$][\w$]*$/.test(key);
    if (identifiers.size < 4096 && key.length < 64) identifiers.set(key, plain);
  }
  if (plain) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Walks the app's values into plain JSON under the limits of `WALK_LIMITS`, redacting field by
 * field as it goes. It reads own data properties only: it never calls a getter, `toJSON`,
 * `util.inspect.custom`, a Proxy trap (Proxies are detected with `util.types.isProxy`, which
 * touches no trap) or a method of the value; Maps, Sets, Dates, RegExps and typed arrays are read
 * through the built-in functions captured when this module loaded, never through the value's own
 * (possibly overridden) methods. `[Circular]` marks a value that is its own ancestor; an object
 * reached twice by different paths is shown twice. Never throws.
 */
export class Walker {
  private budget: number;
  private readonly ancestors: object[] = [];
  private readonly omissions: Omission[] = [];
  private omittedTotal = 0;

  constructor(
    /** The redactor's tools; undefined when redaction is off. */
    private readonly tools: RedactTools | undefined,
    private readonly limits: WalkLimits = WALK_LIMITS,
  ) {
    this.budget = limits.maxBytes;
  }

  /** Walks the variables object (or a single value, shown as `value`). */
  walkVariables(variables: unknown): WalkResult {
    let value: { [key: string]: SnapshotValue };
    try {
      if (isRecord(variables)) {
        this.ancestors.push(variables);
        value = this.fields(variables, '', 0);
      } else if (variables === undefined) {
        value = {};
      } else {
        value = { value: this.field('value', variables, '', 1) };
      }
    } catch {
      value = { $omitted: 'error' };
      this.omit('', 'error');
    }
    return { value, omissions: this.omissions, omittedTotal: this.omittedTotal };
  }

  /**
   * Walks a line probe's captured expressions: each one's text is its key and names its
   * omissions (`order.user.password`, not `["order.user"].password`).
   */
  walkNamed(entries: ReadonlyArray<readonly [string, unknown]>): WalkResult {
    const value: { [key: string]: SnapshotValue } = {};
    try {
      for (const [text, v] of entries) value[text] = this.field(text, v, '', 1, text);
    } catch {
      value.$omitted = 'error';
      this.omit('', 'error');
    }
    return { value, omissions: this.omissions, omittedTotal: this.omittedTotal };
  }

  /** Records an omission (also used by the probe worker's results, see `redactTree`). */
  omit(path: string, reason: OmissionReason, count?: number): void {
    this.omittedTotal++;
    if (this.omissions.length < WALK_LIMITS.maxOmissionsListed) this.omissions.push(count === undefined ? { path, reason } : { path, reason, count });
  }

  /** One field `key` of an object: redacted whole when the key is secret, else walked; `path` names it when given. */
  private field(key: string, value: unknown, parent: string, level: number, path?: string): SnapshotValue {
    this.budget -= key.length + 4;
    if (this.tools && value !== null && value !== undefined && typeof value !== 'boolean' && this.tools.isSecretKey(key)) {
      this.omit(path ?? childPath(parent, key), 'redacted');
      const t = typeof value;
      return t === 'string' || t === 'number' || t === 'bigint' ? this.tools.mask(String(value as string)) : omitted('redacted');
    }
    // The path is only needed to name an omission or a container's children: not built for plain values.
    return this.value(value, this.plain(value) ? '' : (path ?? childPath(parent, key)), level);
  }

  /** A value that is shown whole, so it has no omission to name (its path is never read). */
  private plain(value: unknown): boolean {
    const t = typeof value;
    return this.budget > 0 && (t === 'number' || t === 'boolean' || value === null || value === undefined || (t === 'string' && (value as string).length <= this.limits.maxString));
  }

  private value(value: unknown, path: string, level: number): SnapshotValue {
    if (this.budget <= 0) {
      this.omit(path, 'size');
      return omitted('size');
    }
    switch (typeof value) {
      case 'string':
        return this.string(value, path);
      case 'number':
        this.budget -= 8;
        return Number.isFinite(value) ? value : { $type: 'number', value: String(value) };
      case 'boolean':
        this.budget -= 5;
        return value;
      case 'undefined':
        this.budget -= 20;
        return { $type: 'undefined' };
      case 'bigint': {
        const text = this.tools ? this.tools.scan(value.toString()) : value.toString();
        this.budget -= text.length + 30;
        return { $type: 'bigint', value: text };
      }
      case 'symbol': {
        const text = intrinsics.symbolText(value);
        this.budget -= text.length + 30;
        return { $type: 'symbol', description: this.string(text, path) };
      }
      case 'function':
        if (types.isProxy(value)) return this.proxy(path);
        this.budget -= 40;
        return describeFunction(value as (...args: unknown[]) => unknown);
      default:
        if (value === null) {
          this.budget -= 4;
          return null;
        }
        return this.object(value as object, path, level);
    }
  }

  private string(value: string, path: string): SnapshotValue {
    const max = this.limits.maxString;
    if (value.length <= max) {
      const text = this.tools ? this.tools.scan(value) : value;
      this.budget -= text.length + 2;
      return text;
    }
    // Redact a window a little longer than what is kept, then cut: a 100 MB string costs the same as a short one.
    const window = value.slice(0, Math.max(max, SCAN_WINDOW));
    const text = (this.tools ? this.tools.scan(window) : window).slice(0, max);
    this.omit(path, 'size');
    this.budget -= text.length + 60;
    return omitted('size', 'string', { length: value.length, value: text });
  }

  private proxy(path: string): SnapshotValue {
    this.omit(path, 'proxy');
    this.budget -= 30;
    return omitted('proxy', 'Proxy');
  }

  private object(value: object, path: string, level: number): SnapshotValue {
    if (types.isProxy(value)) return this.proxy(path);
    if (this.ancestors.includes(value)) {
      this.omit(path, 'circular');
      this.budget -= 12;
      return '[Circular]';
    }
    const className = classNameOf(value);
    if (level > this.limits.maxDepth) {
      this.omit(path, 'depth');
      this.budget -= 40;
      return omitted('depth', className ?? (Array.isArray(value) ? 'Array' : 'Object'));
    }
    this.ancestors.push(value);
    try {
      return this.container(value, className, path, level);
    } catch {
      this.omit(path, 'error');
      return omitted('error', className);
    } finally {
      this.ancestors.pop();
    }
  }

  private container(value: object, className: string | undefined, path: string, level: number): SnapshotValue {
    if (Array.isArray(value)) return this.array(value, path, level);
    // A plain object (its prototype is Object.prototype) is none of the built-in types below.
    if (className === undefined) return this.fields(value, path, level);
    if (types.isDate(value)) return { $type: 'Date', value: intrinsics.dateText(value) };
    if (types.isRegExp(value)) return { $type: 'RegExp', value: this.string(regExpText(value), path) };
    if (types.isMap(value)) return this.map(value, path, level);
    if (types.isSet(value)) return this.set(value, path, level);
    if (types.isTypedArray(value)) return this.typedArray(value, path);
    if (types.isNativeError(value) || inheritsError(value)) return this.error(value, className, path, level);
    if (types.isPromise(value) || types.isWeakMap(value) || types.isWeakSet(value) || types.isAnyArrayBuffer(value) || types.isDataView(value)) {
      this.budget -= 30;
      const out: { [key: string]: SnapshotValue } = { $type: className ?? 'Object' };
      if (types.isAnyArrayBuffer(value)) out.byteLength = intrinsics.byteLength(value);
      return out;
    }
    const out = this.fields(value, path, level);
    if (className !== undefined) out.$class = className;
    return out;
  }

  /** Own enumerable string-keyed data properties, at most `maxFields`. */
  private fields(value: object, path: string, level: number): { [key: string]: SnapshotValue } {
    const out: { [key: string]: SnapshotValue } = {};
    // Object.keys never runs user code on a non-Proxy object (it is checked before this is called).
    const keys = Object.keys(value);
    const shown = Math.min(keys.length, this.limits.maxFields);
    for (let i = 0; i < shown; i++) {
      const key = keys[i]!;
      let descriptor: PropertyDescriptor | undefined;
      try {
        descriptor = Object.getOwnPropertyDescriptor(value, key);
      } catch {
        // A module namespace's binding still in its temporal dead zone throws here.
        this.omit(childPath(path, key), 'error');
        out[key] = omitted('error');
        continue;
      }
      if (!descriptor) continue;
      if (!('value' in descriptor)) {
        this.omit(childPath(path, key), 'getter');
        this.budget -= key.length + 25;
        out[key] = omitted('getter');
        continue;
      }
      const walked = this.field(key, descriptor.value, path, level + 1);
      // An own `__proto__` field (JSON.parse makes them) is a field, not the copy's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: walked, enumerable: true, writable: true, configurable: true });
      else out[key] = walked;
    }
    if (keys.length > shown) {
      this.omit(path, 'size', keys.length - shown);
      out.$omittedFields = keys.length - shown;
    }
    return out;
  }

  private array(value: unknown[], path: string, level: number): SnapshotValue {
    const length = value.length;
    const shown = Math.min(length, this.limits.maxItems);
    const items: SnapshotValue[] = [];
    for (let i = 0; i < shown; i++) {
      const descriptor = Object.getOwnPropertyDescriptor(value, i);
      if (!descriptor) items.push(null);
      else if (!('value' in descriptor)) {
        this.omit(childPath(path, i), 'getter');
        items.push(omitted('getter'));
      } else items.push(this.value(descriptor.value, this.plain(descriptor.value) ? '' : childPath(path, i), level + 1));
      this.budget -= 1;
    }
    if (length > shown) {
      this.omit(path, 'size', length - shown);
      items.push(omitted('size', undefined, { count: length - shown }));
    }
    return items;
  }

  private map(value: Map<unknown, unknown>, path: string, level: number): SnapshotValue {
    const size = intrinsics.mapSize(value);
    const entries: SnapshotValue[] = [];
    let i = 0;
    for (const [k, v] of intrinsics.mapEntries(value)) {
      if (i >= this.limits.maxItems) break;
      const p = childPath(path, typeof k === 'string' ? k : i);
      const key = this.value(k, `${p}.key`, level + 1);
      entries.push([key, typeof k === 'string' ? this.field(k, v, path, level + 1) : this.value(v, p, level + 1)]);
      i++;
    }
    const out: { [key: string]: SnapshotValue } = { $type: 'Map', size, entries };
    if (size > i) {
      this.omit(path, 'size', size - i);
      out.$omittedItems = size - i;
    }
    return out;
  }

  private set(value: Set<unknown>, path: string, level: number): SnapshotValue {
    const size = intrinsics.setSize(value);
    const values: SnapshotValue[] = [];
    let i = 0;
    for (const v of intrinsics.setValues(value)) {
      if (i >= this.limits.maxItems) break;
      values.push(this.value(v, childPath(path, i), level + 1));
      i++;
    }
    const out: { [key: string]: SnapshotValue } = { $type: 'Set', size, values };
    if (size > i) {
      this.omit(path, 'size', size - i);
      out.$omittedItems = size - i;
    }
    return out;
  }

  private typedArray(value: NodeJS.TypedArray, path: string): SnapshotValue {
    const type = intrinsics.typedArrayName(value);
    const length = intrinsics.typedArrayLength(value);
    const shown = Math.min(length, this.limits.maxItems);
    if (inherits(value, Buffer.prototype)) {
      // Bytes are shown as text (redacted like any string) when they decode cleanly, else as hex.
      const bytes = intrinsics.bufferSlice(value as Buffer, shown);
      const text = bytes.toString('utf8');
      const printable = !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text);
      this.budget -= shown * 2 + 40;
      const out: { [key: string]: SnapshotValue } = { $type: 'Buffer', length };
      if (printable) out.utf8 = this.tools ? this.tools.scan(text) : text;
      else out.hex = bytes.toString('hex');
      if (length > shown) {
        this.omit(path, 'size', length - shown);
        out.$omittedItems = length - shown;
      }
      return out;
    }
    const items: SnapshotValue[] = [];
    for (let i = 0; i < shown; i++) {
      const v = (value as unknown as ArrayLike<number | bigint>)[i];
      items.push(typeof v === 'bigint' ? v.toString() : (v as number));
    }
    this.budget -= shown * 6 + 40;
    const out: { [key: string]: SnapshotValue } = { $type: type, length, items };
    if (length > shown) {
      this.omit(path, 'size', length - shown);
      out.$omittedItems = length - shown;
    }
    return out;
  }

  private error(value: object, className: string | undefined, path: string, level: number): SnapshotValue {
    const parts = errorParts(value);
    const out: { [key: string]: SnapshotValue } = { $type: 'Error', $class: className ?? 'Error' };
    if (parts.name !== undefined) out.name = this.string(parts.name, path);
    if (parts.message !== undefined) out.message = this.string(parts.message, path);
    if (parts.stack !== undefined) {
      // Stacks are longer than other strings: up to eight times the string limit.
      const text = this.tools ? this.tools.scan(parts.stack.slice(0, this.limits.maxString * 8)) : parts.stack.slice(0, this.limits.maxString * 8);
      this.budget -= text.length + 10;
      out.stack = text;
    }
    const fields = this.fields(value, path, level);
    for (const key of Object.keys(fields)) if (!(key in out)) out[key] = fields[key]!;
    return out;
  }
}

/** A plain or null-prototype object: its fields are the variables. */
function isRecord(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || types.isProxy(value) || Array.isArray(value)) return false;
  const c = classNameOf(value);
  return c === undefined || c === '[Object: null prototype]';
}

/** Walks `variables` with the default limits. */
export function walkVariables(variables: unknown, tools: RedactTools | undefined, limits?: WalkLimits): WalkResult {
  return new Walker(tools, limits).walkVariables(variables);
}
