import type { Omission, OmissionReason, SnapshotValue } from './walker.js';
import { childPath, omitted } from './walker.js';
import type { WalkLimits } from './limits.js';

/** The parts of the DevTools protocol's `Runtime.RemoteObject` the walker reads. */
export interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
  /** A shallow preview V8 builds with the properties (`generatePreview`), which saves a round trip for small objects. */
  preview?: { overflow: boolean; description?: string; properties: Array<{ name: string; type: string; value?: string; subtype?: string }> };
}

/** V8 cuts strings in previews at this length; a preview string this long may be cut. */
const PREVIEW_STRING_LIMIT = 100;

/**
 * A pause's deadline: `passed` turns true when the worker's timer fires (it then resumes the app
 * at once, reads still outstanding or not): no read starts after it. A read sent before it is
 * still answered, with what V8 read during the pause (the resume waits behind it anyway), and
 * its answer is used; `abandoned` resolves when the worker stops waiting for such answers.
 */
export interface Deadline {
  readonly passed: boolean;
  readonly abandoned: Promise<void>;
}

/**
 * Collections longer than this (from the length V8 puts in their description, `Array(100000)`,
 * `Map(5000)`) are never read with `Runtime.getProperties`, which returns every element: reading
 * a 100 000-element array took seconds of pause. They are shown from V8's preview of them
 * (its first 100 primitive items) when there is one, else marked `size` with their length.
 */
export const MAX_READ_ITEMS = 200;

/** An object found to have more own properties than this is not read again at the same probe and path (`size`). */
export const HUGE_OBJECT_KEYS = 1000;

/** `Runtime.PropertyDescriptor`, as far as it is read. */
export interface RemoteProperty {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  set?: RemoteObject;
  enumerable?: boolean;
  isOwn?: boolean;
  symbol?: RemoteObject;
}

/** One `Runtime.getProperties` call (own properties, no getters run, no previews). */
export type GetProperties = (objectId: string) => Promise<{ result: RemoteProperty[]; internalProperties?: Array<{ name: string; value?: RemoteObject }> }>;

/** A function's name from its description, never its source. */
function functionName(description: string | undefined): string {
  const m = /^(?:async\s+)?(?:function\*?|class)\s*([\w$]*)/.exec(description ?? '');
  return m ? m[1]! : '';
}

/**
 * Walks values of a paused frame through the debugger (the probe worker's side of the
 * snapshot walker): the same limits and output format, read with `Runtime.getProperties` only,
 * so no getter, `toJSON` or Proxy trap ever runs in the app. No read starts, and no answer is
 * waited for, once the pause's deadline has passed: what was not read is marked `timeout`.
 * Collections too long to read and objects seen to be huge are marked `size` unread. Strings are not redacted
 * here; the main thread redacts the whole tree before it goes anywhere (`redactTree`).
 */
export class RemoteWalker {
  readonly omissions: Omission[] = [];
  omittedTotal = 0;
  timedOut = false;
  private budget: number;
  /** Paths of objects found to be huge in this walk (see `HUGE_OBJECT_KEYS`). */
  readonly hugeFound: string[] = [];

  constructor(
    private readonly getProperties: GetProperties,
    private readonly limits: WalkLimits,
    private readonly deadline: Deadline,
    /** Paths found huge at earlier hits of the same probe: marked `size` without a read. */
    private readonly knownHuge: ReadonlySet<string> = new Set(),
  ) {
    this.budget = limits.maxBytes;
  }

  omit(path: string, reason: OmissionReason, count?: number): void {
    this.omittedTotal++;
    if (reason === 'timeout') this.timedOut = true;
    if (this.omissions.length < 50) this.omissions.push(count === undefined ? { path, reason } : { path, reason, count });
  }

  private late(): boolean {
    return this.deadline.passed;
  }

  /** Reads own properties, or undefined (marked `timeout`) when the deadline passed before the read was sent or answered. */
  private async props(objectId: string, path: string): Promise<Awaited<ReturnType<GetProperties>> | undefined> {
    if (this.late()) {
      this.omit(path, 'timeout');
      return undefined;
    }
    const read = this.getProperties(objectId);
    read.catch(() => undefined);
    const answer = await Promise.race([read, this.deadline.abandoned.then(() => undefined)]).catch(() => undefined);
    if (answer === undefined) this.omit(path, 'timeout');
    return answer;
  }

  async value(ro: RemoteObject | undefined, path: string, level: number): Promise<SnapshotValue> {
    if (!ro) return { $type: 'undefined' };
    if (this.budget <= 0) {
      this.omit(path, 'size');
      return omitted('size');
    }
    switch (ro.type) {
      case 'string':
        return this.string(String(ro.value), path);
      case 'number':
        this.budget -= 8;
        return ro.unserializableValue !== undefined ? { $type: 'number', value: ro.unserializableValue } : (ro.value as number);
      case 'boolean':
        return ro.value as boolean;
      case 'undefined':
        return { $type: 'undefined' };
      case 'bigint':
        return { $type: 'bigint', value: (ro.unserializableValue ?? '').replace(/n$/, '') };
      case 'symbol':
        return { $type: 'symbol', description: this.string(ro.description ?? 'Symbol()', path) };
      case 'function':
        return { $type: 'function', name: functionName(ro.description) };
      default:
        return this.object(ro, path, level);
    }
  }

  private string(text: string, path: string): SnapshotValue {
    this.budget -= Math.min(text.length, this.limits.maxString) + 2;
    if (text.length <= this.limits.maxString) return text;
    this.omit(path, 'size');
    return omitted('size', 'string', { length: text.length, value: text.slice(0, this.limits.maxString) });
  }

  private async object(ro: RemoteObject, path: string, level: number): Promise<SnapshotValue> {
    if (ro.subtype === 'null') return null;
    if (ro.subtype === 'proxy') {
      this.omit(path, 'proxy');
      return omitted('proxy', 'Proxy');
    }
    const className = ro.className ?? 'Object';
    if (ro.subtype === 'date') return { $type: 'Date', value: ro.description ?? '' };
    if (ro.subtype === 'regexp') return { $type: 'RegExp', value: this.string(ro.description ?? '', path) };
    if (level > this.limits.maxDepth) {
      this.omit(path, 'depth');
      return omitted('depth', ro.subtype === 'array' ? 'Array' : className);
    }
    if (!ro.objectId) return { $type: className };
    if (ro.subtype === 'error') {
      const out: { [key: string]: SnapshotValue } = { $type: 'Error', $class: className };
      out.stack = (ro.description ?? '').slice(0, this.limits.maxString * 8);
      return out;
    }
    if (ro.subtype === 'array' || ro.subtype === 'typedarray' || ro.subtype === 'map' || ro.subtype === 'set') {
      const size = sizeOf(ro);
      if (size > MAX_READ_ITEMS) return this.unread(ro, path, size);
      return ro.subtype === 'array' || ro.subtype === 'typedarray' ? this.array(ro, path, level) : this.collection(ro, path, level);
    }
    if (ro.subtype && ro.subtype !== 'node') return { $type: className };
    const fromPreview = this.fromPreview(ro, path, level);
    if (fromPreview) return fromPreview;
    if (this.knownHuge.has(path)) {
      this.omit(path, 'size');
      return omitted('size', className);
    }
    const props = await this.props(ro.objectId, path);
    if (!props) return omitted('timeout', className);
    if (props.result.length > HUGE_OBJECT_KEYS) this.hugeFound.push(path);
    const out = await this.fields(props.result, path, level);
    if (className !== 'Object') out.$class = className;
    return out;
  }

  /**
   * A collection too long to read (see `MAX_READ_ITEMS`): an array's first items from V8's
   * preview of it when they are all primitives, else its type and length, marked `size`.
   */
  private unread(ro: RemoteObject, path: string, size: number): SnapshotValue {
    const type = ro.subtype === 'map' ? 'Map' : ro.subtype === 'set' ? 'Set' : ro.subtype === 'typedarray' ? (ro.className ?? 'TypedArray') : 'Array';
    const pv = ro.preview;
    if (ro.subtype === 'array' && pv && pv.properties.every((p) => /^\d+$/.test(p.name) && p.type !== 'object' && p.type !== 'function' && p.type !== 'accessor')) {
      const items: SnapshotValue[] = pv.properties.slice(0, this.limits.maxItems).map((p) => previewPrimitive(p));
      this.budget -= items.length * 8;
      this.omit(path, 'size', size - items.length);
      items.push(omitted('size', undefined, { count: size - items.length }));
      return items;
    }
    this.omit(path, 'size', size);
    return omitted('size', type, { length: size });
  }

  /**
   * A small plain object whose preview is complete (no overflow, primitive fields only, no string
   * V8 may have cut): built without another `Runtime.getProperties` round trip.
   */
  private fromPreview(ro: RemoteObject, path: string, level: number): { [key: string]: SnapshotValue } | undefined {
    const pv = ro.preview;
    if (!pv || pv.overflow || pv.properties.length > this.limits.maxFields || level + 1 > this.limits.maxDepth + 1) return undefined;
    const out: { [key: string]: SnapshotValue } = {};
    for (const p of pv.properties) {
      const at = childPath(path, p.name);
      switch (p.type) {
        case 'string':
          if ((p.value ?? '').length >= PREVIEW_STRING_LIMIT - 1) return undefined;
          out[p.name] = this.string(p.value ?? '', at);
          break;
        case 'number':
          out[p.name] = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(p.value ?? '') ? Number(p.value) : { $type: 'number', value: p.value ?? '' };
          break;
        case 'boolean':
          out[p.name] = p.value === 'true';
          break;
        case 'undefined':
          out[p.name] = { $type: 'undefined' };
          break;
        case 'bigint':
          out[p.name] = { $type: 'bigint', value: (p.value ?? '').replace(/n$/, '') };
          break;
        case 'accessor':
          this.omit(at, 'getter');
          out[p.name] = omitted('getter');
          break;
        case 'object':
          if (p.subtype === 'null') {
            out[p.name] = null;
            break;
          }
          return undefined;
        default:
          return undefined;
      }
      this.budget -= p.name.length + 4;
    }
    if (ro.className && ro.className !== 'Object') out.$class = ro.className;
    return out;
  }

  /** Own enumerable string-keyed properties, at most `maxFields`; accessors are shown as `getter`. Siblings are read in parallel. */
  async fields(list: RemoteProperty[], path: string, level: number): Promise<{ [key: string]: SnapshotValue }> {
    const out: { [key: string]: SnapshotValue } = {};
    const own = list.filter((p) => p.isOwn !== false && p.enumerable !== false && !p.symbol && p.name !== '__proto__');
    const shown = Math.min(own.length, this.limits.maxFields);
    // Siblings are read in parallel: the requests are pipelined to the paused thread instead of
    // waiting for one round trip each (the pause is what the app pays for).
    const values = await Promise.all(
      own.slice(0, shown).map((p) => {
        const at = childPath(path, p.name);
        this.budget -= p.name.length + 4;
        if (!('value' in p) && (p.get || p.set)) {
          this.omit(at, 'getter');
          return omitted('getter');
        }
        // Values in hand are kept after the deadline; only a read it would need is left out (`timeout`).
        return this.value(p.value, at, level + 1);
      }),
    );
    for (let i = 0; i < shown; i++) out[own[i]!.name] = values[i]!;
    if (own.length > shown) {
      this.omit(path, 'size', own.length - shown);
      out.$omittedFields = own.length - shown;
    }
    return out;
  }

  private async array(ro: RemoteObject, path: string, level: number): Promise<SnapshotValue> {
    const props = await this.props(ro.objectId!, path);
    if (!props) return omitted('timeout', 'Array');
    const indexed = props.result.filter((p) => /^\d+$/.test(p.name));
    const lengthProp = props.result.find((p) => p.name === 'length');
    const length = typeof lengthProp?.value?.value === 'number' ? lengthProp.value.value : indexed.length;
    const shown = Math.min(indexed.length, this.limits.maxItems);
    const items: SnapshotValue[] = await Promise.all(
      indexed.slice(0, shown).map((p) => {
        const at = childPath(path, Number(p.name));
        if (!('value' in p)) {
          this.omit(at, 'getter');
          return omitted('getter');
        }
        // Values in hand are kept after the deadline; only a read it would need is left out (`timeout`).
        return this.value(p.value, at, level + 1);
      }),
    );
    if (ro.subtype === 'typedarray') {
      const out: { [key: string]: SnapshotValue } = { $type: ro.className ?? 'TypedArray', length, items };
      if (length > shown) {
        this.omit(path, 'size', length - shown);
        out.$omittedItems = length - shown;
      }
      return out;
    }
    if (length > shown) {
      this.omit(path, 'size', length - shown);
      items.push(omitted('size', undefined, { count: length - shown }));
    }
    return items;
  }

  private async collection(ro: RemoteObject, path: string, level: number): Promise<SnapshotValue> {
    const isMap = ro.subtype === 'map';
    const props = await this.props(ro.objectId!, path);
    if (!props) return omitted('timeout', isMap ? 'Map' : 'Set');
    const entriesObj = props.internalProperties?.find((p) => p.name === '[[Entries]]')?.value;
    const sizeMatch = /\((\d+)\)/.exec(ro.description ?? '');
    const size = sizeMatch ? Number(sizeMatch[1]) : 0;
    const listed: SnapshotValue[] = [];
    if (entriesObj?.objectId) {
      const entries = await this.props(entriesObj.objectId, path);
      const items = (entries?.result ?? []).filter((p) => /^\d+$/.test(p.name)).slice(0, this.limits.maxItems);
      const read = await Promise.all(
        items.map(async (item, i): Promise<SnapshotValue | undefined> => {
          const entry = item.value?.objectId ? await this.props(item.value.objectId, path) : undefined;
          if (!entry) return undefined;
          const key = entry.result.find((p) => p.name === 'key')?.value;
          const value = entry.result.find((p) => p.name === 'value')?.value;
          const at = childPath(path, key?.type === 'string' ? String(key.value) : i);
          if (isMap) return [await this.value(key, `${at}.key`, level + 1), await this.value(value, at, level + 1)];
          return this.value(value, at, level + 1);
        }),
      );
      for (const v of read) if (v !== undefined) listed.push(v);
    }
    const out: { [key: string]: SnapshotValue } = isMap ? { $type: 'Map', size, entries: listed } : { $type: 'Set', size, values: listed };
    if (size > listed.length) {
      this.omit(path, 'size', size - listed.length);
      out.$omittedItems = size - listed.length;
    }
    return out;
  }
}

/** The element count V8 writes in a collection's description (`Array(20)`, `Map(3)`, `Uint8Array(16)`), or 0. */
export function sizeOf(ro: RemoteObject): number {
  const m = /\((\d+)\)/.exec(ro.description ?? '');
  return m ? Number(m[1]) : 0;
}

/** A primitive item of a preview (V8 gives its value as text). */
function previewPrimitive(p: { type: string; value?: string; subtype?: string }): SnapshotValue {
  switch (p.type) {
    case 'number':
      return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(p.value ?? '') ? Number(p.value) : { $type: 'number', value: p.value ?? '' };
    case 'boolean':
      return p.value === 'true';
    case 'undefined':
      return { $type: 'undefined' };
    case 'bigint':
      return { $type: 'bigint', value: (p.value ?? '').replace(/n$/, '') };
    case 'string':
      // V8 cuts preview strings at 100 characters: a string that long may be cut.
      return (p.value ?? '').length >= PREVIEW_STRING_LIMIT - 1 ? omitted('size', 'string', { value: p.value ?? '' }) : (p.value ?? '');
    default:
      return p.subtype === 'null' ? null : { $type: p.type };
  }
}
