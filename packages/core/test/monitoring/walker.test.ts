import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeyMatcher } from '../../src/redaction/keys.js';
import { createMasker } from '../../src/redaction/modes.js';
import { createValueScanner } from '../../src/redaction/scanner.js';
import type { RedactTools } from '../../src/redaction/structured.js';
import { walkVariables, type SnapshotValue } from '../../src/monitoring/walker.js';

const mask = createMasker('mask', undefined);
const tools: RedactTools = { isSecretKey: createKeyMatcher(), mask, scan: createValueScanner(mask, []) };
const walk = (v: unknown) => walkVariables(v, tools);
type Obj = { [k: string]: SnapshotValue };

describe('the snapshot walker', () => {
  it('shows primitives and plain data as JSON', () => {
    const r = walk({ n: 1, s: 'a', b: true, nil: null, u: undefined, nan: NaN, big: 12n, sym: Symbol('s'), fn: function named() {} });
    expect(r.value).toEqual({
      n: 1, s: 'a', b: true, nil: null, u: { $type: 'undefined' }, nan: { $type: 'number', value: 'NaN' }, big: { $type: 'bigint', value: '12' },
      sym: { $type: 'symbol', description: 'Symbol(s)' }, fn: { $type: 'function', name: 'named' },
    });
    expect(r.omittedTotal).toBe(0);
  });

  it('never calls a getter, toJSON or util.inspect.custom', () => {
    let called = 0;
    const obj = {
      get boom() {
        called++;
        throw new Error('getter ran');
      },
      toJSON() {
        called++;
        return 'x';
      },
      [util.inspect.custom]() {
        called++;
        return 'y';
      },
      plain: 1,
    };
    const r = walk({ obj });
    expect(called).toBe(0);
    expect((r.value.obj as Obj).boom).toEqual({ $omitted: 'getter' });
    expect((r.value.obj as Obj).plain).toBe(1);
    expect(r.omissions).toContainEqual({ path: 'obj.boom', reason: 'getter' });
  });

  it('never touches Proxy traps, revoked or not', () => {
    let traps = 0;
    const handler = new Proxy({}, { get: () => { traps++; throw new Error('trap'); } });
    const proxy = new Proxy({ a: 1 }, handler);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const fnProxy = new Proxy(function f() {}, handler);
    const protoProxy = Object.create(proxy) as object;
    const r = walk({ proxy, revoked: revocable.proxy, fnProxy, protoProxy });
    expect(traps).toBe(0);
    expect(r.value.proxy).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
    expect(r.value.revoked).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
    expect(r.value.fnProxy).toEqual({ $omitted: 'proxy', $type: 'Proxy' });
    expect(r.value.protoProxy).toEqual({ $class: 'Object' });
    expect(r.omissions.filter((o) => o.reason === 'proxy').map((o) => o.path)).toEqual(['proxy', 'revoked', 'fnProxy']);
  });

  it('never touches a Proxy in the prototype chain of a typed array or an error', () => {
    let traps = 0;
    const handler = { getPrototypeOf: () => { traps++; return null; }, get: () => { traps++; return undefined; } };
    const bytes = Object.setPrototypeOf(new Uint8Array([1, 2]), new Proxy(Uint8Array.prototype, handler)) as Uint8Array;
    const odd = Object.setPrototypeOf({ message: 'm' }, new Proxy(Error.prototype, handler)) as object;
    const r = walk({ bytes, odd });
    expect(traps).toBe(0);
    expect(r.value.bytes).toEqual({ $type: 'Uint8Array', length: 2, items: [1, 2] });
    expect(r.value.odd).toEqual({ message: 'm', $class: 'Object' });
  });

  it('walks a Proxy passed as the variables object without touching it', () => {
    const r = walk(new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }));
    expect(r.value).toEqual({ value: { $omitted: 'proxy', $type: 'Proxy' } });
  });

  it('stops at depth 3 and says so', () => {
    const r = walk({ a: { b: { c: { d: { e: 1 } } } } });
    expect(r.value).toEqual({ a: { b: { c: { d: { $omitted: 'depth', $type: 'Object' } } } } });
    expect(r.omissions).toEqual([{ path: 'a.b.c.d', reason: 'depth' }]);
  });

  it('keeps 20 fields per object, 100 items per collection, counting the rest', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 30; i++) wide[`k${i}`] = i;
    const r = walk({ wide, list: Array.from({ length: 150 }, (_, i) => i), map: new Map(Array.from({ length: 120 }, (_, i) => [i, i])), set: new Set(Array.from({ length: 101 }, (_, i) => i)) });
    const w = r.value.wide as Obj;
    expect(Object.keys(w).filter((k) => k.startsWith('k'))).toHaveLength(20);
    expect(w.$omittedFields).toBe(10);
    const list = r.value.list as SnapshotValue[];
    expect(list).toHaveLength(101);
    expect(list[100]).toEqual({ $omitted: 'size', count: 50 });
    expect((r.value.map as Obj).size).toBe(120);
    expect(((r.value.map as Obj).entries as SnapshotValue[]).length).toBe(100);
    expect((r.value.map as Obj).$omittedItems).toBe(20);
    expect((r.value.set as Obj).$omittedItems).toBe(1);
    expect(r.omissions).toContainEqual({ path: 'wide', reason: 'size', count: 10 });
    expect(r.omissions).toContainEqual({ path: 'list', reason: 'size', count: 50 });
  });

  it('cuts strings at 255 characters, a 100 MB string included, without copying it', () => {
    const huge = 'x'.repeat(100 * 1024 * 1024);
    const r = walk({ huge });
    expect(r.value.huge).toEqual({ $omitted: 'size', $type: 'string', length: huge.length, value: 'x'.repeat(255) });
  });

  it('handles an object with a million keys', () => {
    const big: Record<string, number> = Object.create(null) as Record<string, number>;
    for (let i = 0; i < 1_000_000; i++) big[`k${i}`] = i;
    const r = walk({ big });
    const b = r.value.big as Obj;
    expect(b.$omittedFields).toBe(1_000_000 - 20);
    expect(b.$class).toBe('[Object: null prototype]');
  });

  it('marks real cycles only, not an object seen twice', () => {
    const shared = { v: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const r = walk({ a: shared, b: shared, cyclic });
    expect(r.value.a).toEqual({ v: 1 });
    expect(r.value.b).toEqual({ v: 1 });
    expect(r.value.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
    expect(r.omissions).toEqual([{ path: 'cyclic.self', reason: 'circular' }]);
  });

  it('describes Maps, Sets, typed arrays, Buffers, Dates, RegExps, Errors and class instances', () => {
    class Order {
      id = 7;
    }
    const err = new TypeError('bad input');
    const r = walk({
      map: new Map<unknown, unknown>([['a', 1]]), set: new Set(['x']), u8: new Uint8Array([1, 2]), buf: Buffer.from('hello'), bin: Buffer.from([0, 255, 1]),
      date: new Date(0), bad: new Date(NaN), re: /ab+c/gi, err, order: new Order(), frozen: Object.freeze({ f: 1 }), nullProto: Object.assign(Object.create(null) as object, { z: 1 }),
    });
    expect(r.value.map).toEqual({ $type: 'Map', size: 1, entries: [['a', 1]] });
    expect(r.value.set).toEqual({ $type: 'Set', size: 1, values: ['x'] });
    expect(r.value.u8).toEqual({ $type: 'Uint8Array', length: 2, items: [1, 2] });
    expect(r.value.buf).toEqual({ $type: 'Buffer', length: 5, utf8: 'hello' });
    expect(r.value.bin).toEqual({ $type: 'Buffer', length: 3, hex: '00ff01' });
    expect(r.value.date).toEqual({ $type: 'Date', value: '1970-01-01T00:00:00.000Z' });
    expect(r.value.bad).toEqual({ $type: 'Date', value: 'Invalid Date' });
    expect(r.value.re).toEqual({ $type: 'RegExp', value: '/ab+c/gi' });
    const e = r.value.err as Obj;
    expect(e.$type).toBe('Error');
    expect(e.$class).toBe('TypeError');
    expect(e.message).toBe('bad input');
    expect(String(e.stack)).toContain('TypeError: bad input');
    expect(r.value.order).toEqual({ id: 7, $class: 'Order' });
    expect(r.value.frozen).toEqual({ f: 1 });
    expect(r.value.nullProto).toEqual({ z: 1, $class: '[Object: null prototype]' });
  });

  it('never calls methods a Map or Date subclass overrides', () => {
    let called = 0;
    class SneakyMap extends Map<string, number> {
      override entries(): MapIterator<[string, number]> {
        called++;
        throw new Error('no');
      }
      override get size(): number {
        called++;
        return 0;
      }
    }
    const r = walk({ m: new SneakyMap([['a', 1]]) });
    expect(called).toBe(0);
    expect((r.value.m as Obj).size).toBe(1);
  });

  it('keeps the snapshot under 64 KB', () => {
    const rows = Array.from({ length: 100 }, () => ({ text: 'y'.repeat(250), more: 'z'.repeat(250), again: 'w'.repeat(250) }));
    const r = walk({ a: rows, b: rows, c: rows });
    expect(JSON.stringify(r.value).length).toBeLessThan(70 * 1024);
    expect(r.omissions.some((o) => o.reason === 'size')).toBe(true);
  });

  it('redacts field by field: secret keys and secret values, nested', () => {
    const r = walk({
      user: { name: 'ann', password: 'hunter2-very-secret', profile: { apiKey: 'sk-live-abcdefghijklmnop1234' } },
      payment: { note: 'card 4111 1111 1111 1111 on file' },
      headers: new Map([['authorization', 'Bearer abc.def.ghi']]),
    });
    const text = JSON.stringify(r.value);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(text).not.toContain('abc.def.ghi');
    expect(((r.value.user as Obj).name)).toBe('ann');
    expect(r.omissions).toContainEqual({ path: 'user.password', reason: 'redacted' });
    expect(r.omissions).toContainEqual({ path: 'user.profile.apiKey', reason: 'redacted' });
  });

  it('redacts a secret straddling the 255-character cut', () => {
    const r = walk({ note: `${'a'.repeat(245)} 4111 1111 1111 1111 ${'b'.repeat(100)}` });
    const v = (r.value.note as Obj).value as string;
    expect(v).toHaveLength(255);
    expect(v).not.toMatch(/4111 1111/);
  });

  it('returns for a module namespace in its dead zone and other throwing reads', () => {
    const obj = Object.defineProperty({}, 'x', { enumerable: true, get: () => 1 });
    const r = walk({ obj, args: (function () { return arguments; })() });
    expect((r.value.obj as Obj).x).toEqual({ $omitted: 'getter' });
  });

  it('shows an own __proto__ field as a field, and a single $class (the class name) on a class instance', () => {
    class Order {
      id = 7;
      $class = 'forged';
    }
    const fromJson = JSON.parse('{"__proto__": {"x": 1}, "ok": 2}') as object;
    const r = walk({ order: new Order(), fromJson });
    const text = JSON.stringify(r.value);
    expect(r.value.order).toEqual({ id: 7, $class: 'Order' });
    expect(text.match(/"\$class"/g)).toHaveLength(1);
    expect(text).toContain('"fromJson":{"__proto__":{"x":1},"ok":2}');
    expect(Object.getPrototypeOf(r.value.fromJson)).toBe(Object.prototype);
  });
});
