import { types } from 'node:util';
import type { RedactTools } from '../redaction/structured.js';
import { SCAN_WINDOW, WALK_LIMITS, type WalkLimits } from './limits.js';
import { classNameOf, errorParts, functionNameOf, inherits, inheritsError, intrinsics, regExpText } from './intrinsics.js';

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
  /** The variables object as plain JSON values. */
  readonly value: { [key: string]: SnapshotValue };
  /** The same as JSON text, when the walker wrote it directly (`captureSnapshot`); else the record serializes `value`. */
  readonly json?: string;
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

/** Keys already written as JSON, `"key":` and `,"key":` (objects of one app reuse a few hundred keys). */
const quotedKeys = new Map<string, [string, string]>();

/** `key` as a JSON string literal and a colon, after a comma unless it is the first. */
function quotedKey(key: string, first: boolean): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    const text = `${JSON.stringify(key)}:`;
    q = [text, `,${text}`];
    if (quotedKeys.size < 4096 && key.length < 64) quotedKeys.set(key, q);
  }
  return first ? q[0] : q[1];
}

/** Characters JSON escapes (lone surrogates among them): a string without any is written as `"text"`. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Texts of fractional numbers seen before: converting a double to text is the dearest part of writing one (integers are cheap). */
const numberTexts = new Map<number, string>();

/** A finite number as JSON writes it (`String(n)`). */
function numberText(value: number): string {
  if (Number.isInteger(value)) return String(value);
  let text = numberTexts.get(value);
  if (text === undefined) {
    text = String(value);
    if (numberTexts.size >= 1024) numberTexts.clear();
    numberTexts.set(value, text);
  }
  return text;
}

/**
 * `text` made flat. The walker's text is a rope of a few hundred pieces; left as it is until the
 * record is exported, every scavenge copied the ropes of the queued records piece by piece
 * (a 2 KB snapshot is about 350 pieces): scavenges took 30 to 50 ms instead of 5. Flattened,
 * the pieces die young, at once. Converting a string to a number flattens it first (in place),
 * the technique of the `flatstr` package; the conversion itself stops at the `{`.
 */
function flat(text: string): string {
  void Number(text);
  return text;
}

/**
 * A walk's result: the JSON text the walker wrote (the record's body, with no second
 * serialization), and the same as a value tree, parsed only when something asks for it (tests).
 */
class WalkedText implements WalkResult {
  private parsed: { [key: string]: SnapshotValue } | undefined;

  constructor(
    readonly json: string,
    public omissions: Omission[],
    public omittedTotal: number,
  ) {}

  get value(): { [key: string]: SnapshotValue } {
    return (this.parsed ??= JSON.parse(this.json) as { [key: string]: SnapshotValue });
  }
}

/**
 * Walks the app's values into JSON text under the limits of `WALK_LIMITS`, redacting field by
 * field as it goes. It reads own data properties only: it never calls a getter, `toJSON`,
 * `util.inspect.custom`, a Proxy trap (Proxies are detected with `util.types.isProxy`, which
 * touches no trap) or a method of the value; Maps, Sets, Dates, RegExps and typed arrays are read
 * through the built-in functions captured when this module loaded, never through the value's own
 * (possibly overridden) methods. `[Circular]` marks a value that is its own ancestor; an object
 * reached twice by different paths is shown twice. Never throws.
 *
 * The text is written as the values are read (no tree of copies and no `JSON.stringify` of it
 * afterwards): an armed capture allocates about a third of what building a tree did, so the
 * young generation fills, and a scavenge interrupts a capture, less often.
 */
export class Walker {
  private budget: number;
  private readonly ancestors: object[] = [];
  private readonly omissions: Omission[] = [];
  private omittedTotal = 0;
  /** The JSON written so far. */
  private out = '';

  constructor(
    /** The redactor's tools; undefined when redaction is off. */
    private readonly tools: RedactTools | undefined,
    private readonly limits: WalkLimits = WALK_LIMITS,
  ) {
    this.budget = limits.maxBytes;
  }

  /** Walks the variables object (or a single value, shown as `value`). */
  walkVariables(variables: unknown): WalkResult {
    try {
      if (isRecord(variables)) {
        this.ancestors.push(variables);
        this.fields(variables, '', 0, undefined);
      } else if (variables === undefined) {
        this.out += '{}';
      } else {
        this.out += '{"value":';
        this.field('value', variables, '', 1);
        this.out += '}';
      }
    } catch {
      this.out = '{"$omitted":"error"}';
      this.omit('', 'error');
    }
    return new WalkedText(flat(this.out), this.omissions, this.omittedTotal);
  }

  /** Records an omission (also used by the probe worker's results, see `redactTree`). */
  omit(path: string, reason: OmissionReason, count?: number): void {
    this.omittedTotal++;
    if (this.omissions.length < WALK_LIMITS.maxOmissionsListed) this.omissions.push(count === undefined ? { path, reason } : { path, reason, count });
  }

  /** Writes `{"$omitted":reason}` (with the type when it is known). */
  private omitted(reason: OmissionReason, type?: string): void {
    this.out += type === undefined ? `{"$omitted":"${reason}"}` : `{"$omitted":"${reason}","$type":${JSON.stringify(type)}}`;
  }

  /** Writes a string literal. */
  private text(value: string): void {
    this.out += NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  }

  /** One field `key` of an object: redacted whole when the key is secret, else walked. */
  private field(key: string, value: unknown, parent: string, level: number): void {
    this.budget -= key.length + 4;
    if (this.tools && value !== null && value !== undefined && typeof value !== 'boolean' && this.tools.isSecretKey(key)) {
      this.omit(childPath(parent, key), 'redacted');
      const t = typeof value;
      if (t === 'string' || t === 'number' || t === 'bigint') this.text(this.tools.mask(String(value as string)));
      else this.omitted('redacted');
      return;
    }
    // The path is only needed to name an omission or a container's children: not built for plain values.
    this.value(value, this.plain(value) ? '' : childPath(parent, key), level);
  }

  /** A value that is shown whole, so it has no omission to name (its path is never read). */
  private plain(value: unknown): boolean {
    const t = typeof value;
    return this.budget > 0 && (t === 'number' || t === 'boolean' || value === null || value === undefined || (t === 'string' && (value as string).length <= this.limits.maxString));
  }

  private value(value: unknown, path: string, level: number): void {
    if (this.budget <= 0) {
      this.omit(path, 'size');
      this.omitted('size');
      return;
    }
    switch (typeof value) {
      case 'string':
        this.string(value, path);
        return;
      case 'number':
        this.budget -= 8;
        // JSON writes a finite number as `String(n)` does.
        this.out += Number.isFinite(value) ? numberText(value) : `{"$type":"number","value":"${String(value)}"}`;
        return;
      case 'boolean':
        this.budget -= 5;
        this.out += value ? 'true' : 'false';
        return;
      case 'undefined':
        this.budget -= 20;
        this.out += '{"$type":"undefined"}';
        return;
      case 'bigint': {
        const text = this.tools ? this.tools.scan(value.toString()) : value.toString();
        this.budget -= text.length + 30;
        this.out += `{"$type":"bigint","value":${JSON.stringify(text)}}`;
        return;
      }
      case 'symbol': {
        const text = intrinsics.symbolText(value);
        this.budget -= text.length + 30;
        this.out += '{"$type":"symbol","description":';
        this.string(text, path);
        this.out += '}';
        return;
      }
      case 'function':
        if (types.isProxy(value)) return this.proxy(path);
        this.budget -= 40;
        this.out += `{"$type":"function","name":${JSON.stringify(functionNameOf(value as (...args: unknown[]) => unknown))}}`;
        return;
      default:
        if (value === null) {
          this.budget -= 4;
          this.out += 'null';
          return;
        }
        this.object(value as object, path, level);
    }
  }

  private string(value: string, path: string): void {
    const max = this.limits.maxString;
    if (value.length <= max) {
      const text = this.tools ? this.tools.scan(value) : value;
      this.budget -= text.length + 2;
      this.text(text);
      return;
    }
    // Redact a window a little longer than what is kept, then cut: a 100 MB string costs the same as a short one.
    const window = value.slice(0, Math.max(max, SCAN_WINDOW));
    const text = (this.tools ? this.tools.scan(window) : window).slice(0, max);
    this.omit(path, 'size');
    this.budget -= text.length + 60;
    this.out += `{"$omitted":"size","$type":"string","length":${value.length},"value":${JSON.stringify(text)}}`;
  }

  private proxy(path: string): void {
    this.omit(path, 'proxy');
    this.budget -= 30;
    this.out += '{"$omitted":"proxy","$type":"Proxy"}';
  }

  private object(value: object, path: string, level: number): void {
    if (types.isProxy(value)) return this.proxy(path);
    if (this.ancestors.includes(value)) {
      this.omit(path, 'circular');
      this.budget -= 12;
      this.out += '"[Circular]"';
      return;
    }
    const className = classNameOf(value);
    if (level > this.limits.maxDepth) {
      this.omit(path, 'depth');
      this.budget -= 40;
      this.omitted('depth', className ?? (Array.isArray(value) ? 'Array' : 'Object'));
      return;
    }
    this.ancestors.push(value);
    // What was written before this value: a read that throws half-way is replaced by a marker.
    const mark = this.out;
    try {
      this.container(value, className, path, level);
    } catch {
      this.out = mark;
      this.omit(path, 'error');
      this.omitted('error', className);
    } finally {
      this.ancestors.pop();
    }
  }

  private container(value: object, className: string | undefined, path: string, level: number): void {
    if (Array.isArray(value)) return this.array(value, path, level);
    // A plain object (its prototype is Object.prototype) is none of the built-in types below.
    if (className === undefined) return this.fields(value, path, level, undefined);
    if (types.isDate(value)) {
      this.out += `{"$type":"Date","value":${JSON.stringify(intrinsics.dateText(value))}}`;
      return;
    }
    if (types.isRegExp(value)) {
      this.out += '{"$type":"RegExp","value":';
      this.string(regExpText(value), path);
      this.out += '}';
      return;
    }
    if (types.isMap(value)) return this.map(value, path, level);
    if (types.isSet(value)) return this.set(value, path, level);
    if (types.isTypedArray(value)) return this.typedArray(value, path);
    if (types.isNativeError(value) || inheritsError(value)) return this.error(value, className, path, level);
    if (types.isPromise(value) || types.isWeakMap(value) || types.isWeakSet(value) || types.isAnyArrayBuffer(value) || types.isDataView(value)) {
      this.budget -= 30;
      this.out += `{"$type":${JSON.stringify(className)}`;
      if (types.isAnyArrayBuffer(value)) this.out += `,"byteLength":${intrinsics.byteLength(value)}`;
      this.out += '}';
      return;
    }
    this.fields(value, path, level, className);
  }

  /**
   * Writes `{` and own enumerable string-keyed data properties, at most `maxFields`, then
   * `$class` when given. With `skip` (an error's), the `{` and the fields in `skip` are already
   * written: those keys are walked (their omissions counted) but not written again.
   */
  private fields(value: object, path: string, level: number, className: string | undefined, skip?: ReadonlySet<string>): void {
    if (skip === undefined) this.out += '{';
    let first = skip === undefined;
    // Object.keys never runs user code on a non-Proxy object (it is checked before this is called).
    const keys = Object.keys(value);
    const shown = Math.min(keys.length, this.limits.maxFields);
    for (let i = 0; i < shown; i++) {
      const key = keys[i]!;
      const mark = this.out;
      const wasFirst = first;
      this.out += quotedKey(key, first);
      first = false;
      let descriptor: PropertyDescriptor | undefined;
      try {
        descriptor = Object.getOwnPropertyDescriptor(value, key);
      } catch {
        // A module namespace's binding still in its temporal dead zone throws here.
        this.omit(childPath(path, key), 'error');
        this.out += '{"$omitted":"error"}';
        if (skip?.has(key)) {
          this.out = mark;
          first = wasFirst;
        }
        continue;
      }
      if (!descriptor) {
        this.out = mark;
        first = wasFirst;
        continue;
      }
      if (!('value' in descriptor)) {
        this.omit(childPath(path, key), 'getter');
        this.budget -= key.length + 25;
        this.out += '{"$omitted":"getter"}';
      } else this.field(key, descriptor.value, path, level + 1);
      // An own `$class` or `$omittedFields` field is replaced by TraceKit's, written below (one key, as before).
      if (skip?.has(key) || (key.charCodeAt(0) === 36 && ((key === '$class' && className !== undefined) || (key === '$omittedFields' && keys.length > shown)))) {
        this.out = mark;
        first = wasFirst;
      }
    }
    if (keys.length > shown) {
      this.omit(path, 'size', keys.length - shown);
      this.out += `${first ? '' : ','}"$omittedFields":${keys.length - shown}`;
      first = false;
    }
    if (className !== undefined) this.out += `${first ? '' : ','}"$class":${JSON.stringify(className)}`;
    this.out += '}';
  }

  private array(value: unknown[], path: string, level: number): void {
    const length = value.length;
    const shown = Math.min(length, this.limits.maxItems);
    this.out += '[';
    for (let i = 0; i < shown; i++) {
      if (i > 0) this.out += ',';
      const descriptor = Object.getOwnPropertyDescriptor(value, i);
      if (!descriptor) this.out += 'null';
      else if (!('value' in descriptor)) {
        this.omit(childPath(path, i), 'getter');
        this.out += '{"$omitted":"getter"}';
      } else this.value(descriptor.value, this.plain(descriptor.value) ? '' : childPath(path, i), level + 1);
      this.budget -= 1;
    }
    if (length > shown) {
      this.omit(path, 'size', length - shown);
      this.out += `${shown > 0 ? ',' : ''}{"$omitted":"size","count":${length - shown}}`;
    }
    this.out += ']';
  }

  private map(value: Map<unknown, unknown>, path: string, level: number): void {
    const size = intrinsics.mapSize(value);
    this.out += `{"$type":"Map","size":${size},"entries":[`;
    let i = 0;
    for (const [k, v] of intrinsics.mapEntries(value)) {
      if (i >= this.limits.maxItems) break;
      const p = childPath(path, typeof k === 'string' ? k : i);
      this.out += i > 0 ? ',[' : '[';
      this.value(k, `${p}.key`, level + 1);
      this.out += ',';
      if (typeof k === 'string') this.field(k, v, path, level + 1);
      else this.value(v, p, level + 1);
      this.out += ']';
      i++;
    }
    this.out += ']';
    if (size > i) {
      this.omit(path, 'size', size - i);
      this.out += `,"$omittedItems":${size - i}`;
    }
    this.out += '}';
  }

  private set(value: Set<unknown>, path: string, level: number): void {
    const size = intrinsics.setSize(value);
    this.out += `{"$type":"Set","size":${size},"values":[`;
    let i = 0;
    for (const v of intrinsics.setValues(value)) {
      if (i >= this.limits.maxItems) break;
      if (i > 0) this.out += ',';
      this.value(v, childPath(path, i), level + 1);
      i++;
    }
    this.out += ']';
    if (size > i) {
      this.omit(path, 'size', size - i);
      this.out += `,"$omittedItems":${size - i}`;
    }
    this.out += '}';
  }

  private typedArray(value: NodeJS.TypedArray, path: string): void {
    const type = intrinsics.typedArrayName(value);
    const length = intrinsics.typedArrayLength(value);
    const shown = Math.min(length, this.limits.maxItems);
    if (inherits(value, Buffer.prototype)) {
      // Bytes are shown as text (redacted like any string) when they decode cleanly, else as hex.
      const bytes = intrinsics.bufferSlice(value as Buffer, shown);
      const text = bytes.toString('utf8');
      const printable = !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text);
      this.budget -= shown * 2 + 40;
      this.out += `{"$type":"Buffer","length":${length},`;
      this.out += printable ? `"utf8":${JSON.stringify(this.tools ? this.tools.scan(text) : text)}` : `"hex":"${bytes.toString('hex')}"`;
      if (length > shown) {
        this.omit(path, 'size', length - shown);
        this.out += `,"$omittedItems":${length - shown}`;
      }
      this.out += '}';
      return;
    }
    this.out += `{"$type":${JSON.stringify(type)},"length":${length},"items":[`;
    for (let i = 0; i < shown; i++) {
      const v = (value as unknown as ArrayLike<number | bigint>)[i];
      if (i > 0) this.out += ',';
      // Float arrays may hold NaN or Infinity, which JSON writes as null.
      this.out += typeof v === 'bigint' ? `"${v.toString()}"` : Number.isFinite(v) ? numberText(v as number) : 'null';
    }
    this.out += ']';
    this.budget -= shown * 6 + 40;
    if (length > shown) {
      this.omit(path, 'size', length - shown);
      this.out += `,"$omittedItems":${length - shown}`;
    }
    this.out += '}';
  }

  private error(value: object, className: string | undefined, path: string, level: number): void {
    const parts = errorParts(value);
    this.out += `{"$type":"Error","$class":${JSON.stringify(className ?? 'Error')}`;
    const skip = new Set(['$type', '$class']);
    if (parts.name !== undefined) {
      this.out += ',"name":';
      this.string(parts.name, path);
      skip.add('name');
    }
    if (parts.message !== undefined) {
      this.out += ',"message":';
      this.string(parts.message, path);
      skip.add('message');
    }
    if (parts.stack !== undefined) {
      // Stacks are longer than other strings: up to eight times the string limit.
      const text = this.tools ? this.tools.scan(parts.stack.slice(0, this.limits.maxString * 8)) : parts.stack.slice(0, this.limits.maxString * 8);
      this.budget -= text.length + 10;
      this.out += `,"stack":${JSON.stringify(text)}`;
      skip.add('stack');
    }
    this.fields(value, path, level, undefined, skip);
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
