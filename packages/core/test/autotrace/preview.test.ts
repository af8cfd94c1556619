import { describe, expect, it } from 'vitest';
import { errorPreview, preview } from '../../src/tracing/preview.js';

describe('preview', () => {
  it('shows scalars as JSON and objects one level deep, five properties at most', () => {
    expect(preview('a"b', 256)).toBe('"a\\"b"');
    expect(preview(3n, 256)).toBe('3n');
    expect(preview(undefined, 256)).toBe('undefined');
    expect(preview({ a: 1, b: { c: 2 }, d: [1], e: null, f: 'x', g: 7 }, 256)).toBe('{"a":1,"b":[Object],"d":[Array(1)],"e":null,"f":"x",…1 more}');
    expect(preview([1, 2, 3, 4, 5, 6, 7], 256)).toBe('[1,2,3,4,5,…2 more]');
    expect(preview(new Map([[1, 2]]), 256)).toBe('[Map(1)]');
    expect(preview(function named() {}, 256)).toBe('[Function named]');
  });

  it('never runs a getter, toJSON, toString or a proxy trap of the app', () => {
    let ran = 0;
    const tricky = {
      get secret() {
        ran++;
        return 's';
      },
      toJSON() {
        ran++;
        return {};
      },
      toString() {
        ran++;
        return 'x';
      },
    };
    const proxy = new Proxy({}, { ownKeys: () => { ran++; return []; }, get: () => { ran++; return 1; } });
    class User { constructor(public name: string) {} }
    expect(preview(tricky, 256)).toBe('{"secret":[Getter],"toJSON":[Function toJSON],"toString":[Function toString]}');
    expect(preview(proxy, 256)).toBe('[Proxy]');
    expect(preview([proxy], 256)).toBe('[[Proxy]]');
    expect(preview(new User('Ada'), 256)).toBe('User {"name":"Ada"}');
    expect(ran).toBe(0);
  });

  it('cuts at the maximum length', () => {
    expect(preview('x'.repeat(300), 16)).toBe(`"${'x'.repeat(16)}…"`);
    expect(preview({ long: 'y'.repeat(100) }, 20)).toBe(`{"long":"${'y'.repeat(11)}…`);
  });

  it('previews errors by type and message', () => {
    expect(errorPreview(new RangeError('bad'))).toBe('RangeError: bad');
    expect(errorPreview('plain')).toBe('"plain"');
  });
});
