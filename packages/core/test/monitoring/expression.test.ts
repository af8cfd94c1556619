import { describe, expect, it } from 'vitest';
import { ExpressionError, isTrue, parseExpression, parseTemplate, plainReader } from '../../src/monitoring/expression.js';
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
