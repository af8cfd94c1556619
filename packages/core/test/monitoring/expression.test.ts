import { describe, expect, it } from 'vitest';
import { compileExpression, compilePath } from '../../src/monitoring/compiled-expression.js';
import { ExpressionError, isTrue, parseExpression, parseTemplate, plainReader, truthy, type Expr } from '../../src/monitoring/expression.js';
import { redactTree } from '../../src/monitoring/redact-tree.js';
import { createKeyMatcher } from '../../src/redaction/keys.js';
import { createMasker } from '../../src/redaction/modes.js';
import { createValueScanner } from '../../src/redaction/scanner.js';

const scope = { user: { id: 42, name: 'ann', tags: ['a', 'b'], 'x-y': 1 }, order: { total: 10.5, items: [{ sku: 'A1' }] }, flag: false, nothing: null };
const check = (text: string) => isTrue(parseExpression(text), plainReader(scope));

describe('the probe expression language', () => {
  it('reads property paths and compares literals', async () => {
    expect(await check('user.id == 42')).toBe(true);
    expect(await check('user.id === 42')).toBe(true);
    expect(await check('user.id != 42')).toBe(false);
    expect(await check("user.name == 'ann' && order.total > 10")).toBe(true);
    expect(await check('order.items[0].sku == "A1"')).toBe(true);
    expect(await check('user["x-y"] >= 1')).toBe(true);
    expect(await check('!flag || user.id < 0')).toBe(true);
    expect(await check('(user.id == 1 || user.id == 42) && !(order.total <= 10)')).toBe(true);
    expect(await check('nothing == null && missing.deep == undefined')).toBe(true);
    expect(await check('user.id == "42"')).toBe(false);
    expect(await check('user.name > 3')).toBe(false);
    expect(await check('user')).toBe(true);
    expect(await check('order.total > -1')).toBe(true);
  });

  it('has no calls, assignments or arithmetic', () => {
    for (const bad of ['user.save()', 'user.id = 1', 'a + b', 'process.exit(1)', 'x; y', '`t`', 'new Foo', 'a ? b : c', '', 'user.', '(a']) {
      expect(() => parseExpression(bad), bad).toThrow(ExpressionError);
    }
  });

  it('parses log templates', () => {
    const t = parseTemplate('order {order.id} for {user.name} {{literal}}');
    expect(t.map((p) => (typeof p === 'string' ? p : p.kind))).toEqual(['order ', 'path', ' for ', 'path', ' {literal}']);
    expect(() => parseTemplate('oops {user.id')).toThrow(ExpressionError);
  });

  it('never calls a getter when reading a plain value', async () => {
    let called = 0;
    const s = { o: Object.defineProperty({}, 'g', { get: () => ++called }) };
    expect(await isTrue(parseExpression('o.g == 1'), plainReader(s))).toBe(false);
    expect(called).toBe(0);
  });
});

describe('the expression language compiled to guarded reads (app thread)', () => {
  const compiled = (text: string, roots: object = scope, self?: unknown) => truthy(compileExpression(parseExpression(text))({ roots, self }));
  const cases = [
    'user.id == 42', 'user.id === 42', 'user.id != 42', "user.name == 'ann' && order.total > 10", 'order.items[0].sku == "A1"', 'user["x-y"] >= 1',
    '!flag || user.id < 0', '(user.id == 1 || user.id == 42) && !(order.total <= 10)', 'nothing == null && missing.deep == undefined', 'user.id == "42"',
    'user.name > 3', 'user', 'order.total > -1', 'user.tags[1] == "b"', 'user.tags.length == 2', 'user == user', 'missing', 'flag', 'order.items[5].sku',
  ];

  it('gives the same answers as the reads the probe worker makes', async () => {
    for (const text of cases) expect(compiled(text), text).toBe(await check(text));
  });

  it('never calls a getter, never touches a Proxy (on the path, as `this`, or along a prototype chain), never reads an inherited root', () => {
    let touched = 0;
    const touch = () => ++touched;
    const trap = new Proxy({ a: 1 }, { get: touch, has: () => !!touch(), getOwnPropertyDescriptor: () => (touch(), undefined), getPrototypeOf: () => (touch(), null), ownKeys: () => (touch(), []) });
    const inheritsTrap = Object.create(trap) as object;
    const roots = { g: Object.defineProperty({}, 'x', { get: touch, enumerable: true }), trap, inheritsTrap, child: Object.create({ inherited: 5 }) as object };
    const path = (text: string, self?: unknown) => compilePath(parseExpression(text) as Extract<Expr, { kind: 'path' }>)({ roots, self });
    expect(path('g.x')).toEqual({ unreadable: 'getter' });
    expect(path('trap.a')).toEqual({ unreadable: 'proxy' });
    expect(path('inheritsTrap.a')).toEqual({ unreadable: 'proxy' });
    expect(path('this.a', trap)).toEqual({ unreadable: 'proxy' });
    expect(path('child.inherited')).toEqual({ value: 5 });
    expect(path('toString')).toEqual({ value: undefined });
    // A step into a function is not read (as on the probe worker's reads).
    expect(path('child.toString.name')).toEqual({ value: undefined });
    expect(compiled('g.x == 1 || trap.a == 1 || inheritsTrap.a || this.a', roots, trap)).toBe(false);
    expect(touched).toBe(0);
  });

  it('reads a module namespace binding in its dead zone as undefined, never throws', () => {
    const ns = new Proxy({}, {}) as object;
    const frozen = Object.freeze({ a: { b: 1 } });
    const nullProto = Object.assign(Object.create(null) as object, { id: 3 });
    expect(compiled('frozen.a.b == 1 && nullProto.id == 3 && !ns.x', { frozen, nullProto, ns })).toBe(true);
  });
});

describe('redaction of a tree read by the probe worker', () => {
  it('masks secret keys and values, leaves markers alone', () => {
    const mask = createMasker('mask', undefined);
    const tools = { isSecretKey: createKeyMatcher(), mask, scan: createValueScanner(mask, []) };
    const omitted: unknown[] = [];
    const out = redactTree(
      { user: { password: 'hunter2', note: 'card 4111 1111 1111 1111' }, headers: { $type: 'Map', size: 1, entries: [['authorization', 'Bearer abcdefghijklmnopqrstuvwxyz']] }, big: { $omitted: 'depth', $type: 'Object' } },
      tools,
      (o) => omitted.push(o),
    );
    const text = JSON.stringify(out);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(omitted).toEqual([{ path: 'user.password', reason: 'redacted' }, { path: 'headers.authorization', reason: 'redacted' }]);
    expect((out as Record<string, unknown>).big).toEqual({ $omitted: 'depth', $type: 'Object' });
  });
});
