import { ROOT_CONTEXT, createContextKey, trace, type Context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { LinkedContext, SPAN_KEY } from '../../src/context/linked-context.js';

const keys = Array.from({ length: 6 }, (_, i) => createContextKey(`k${i}`));

describe('LinkedContext (one context entry per request)', () => {
  it('reads exactly like the API context after any sequence of set and delete, past the depth where it copies', () => {
    // A deterministic pseudo-random walk, compared step by step with the API's own context.
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let run = 0; run < 50; run++) {
      let mine: Context = new LinkedContext(ROOT_CONTEXT.setValue(keys[0]!, 'base'), keys[1]!, 'one', keys[2]!, 'two');
      let theirs: Context = ROOT_CONTEXT.setValue(keys[0]!, 'base').setValue(keys[1]!, 'one').setValue(keys[2]!, 'two');
      for (let step = 0; step < 60; step++) {
        const k = keys[rnd(keys.length)]!;
        if (rnd(4) === 0) {
          mine = mine.deleteValue(k);
          theirs = theirs.deleteValue(k);
        } else {
          const v = `v${run}.${step}`;
          mine = mine.setValue(k, v);
          theirs = theirs.setValue(k, v);
        }
        for (const key of keys) expect(mine.getValue(key)).toBe(theirs.getValue(key));
      }
    }
  });

  it('is what trace.getSpan and trace.setSpan see, and never changes its parent', () => {
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    const child = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b8', traceFlags: 1 });
    const parent = ROOT_CONTEXT.setValue(keys[0]!, 'kept');
    const ctx = new LinkedContext(parent, keys[1]!, 'request', SPAN_KEY, span);
    expect(trace.getSpan(ctx)).toBe(span);
    const inner = trace.setSpan(ctx, child);
    expect(trace.getSpan(inner)).toBe(child);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(inner))).toBeUndefined();
    expect(inner.getValue(keys[0]!)).toBe('kept');
    expect(inner.getValue(keys[1]!)).toBe('request');
    expect(parent.getValue(keys[1]!)).toBeUndefined();
    expect(trace.getSpan(parent)).toBeUndefined();
  });

  it('absorbParent: the child takes in its parent\'s other entry and links past it, every lookup unchanged', () => {
    const base = ROOT_CONTEXT.setValue(keys[0]!, 'base');
    const layouts: Array<[symbol, unknown, symbol | undefined, unknown]> = [
      [keys[1]!, 'request', SPAN_KEY, 'server'], // a request's context: the child overrides its second key
      [SPAN_KEY, 'server', keys[1]!, 'request'], // the same, keys the other way round
      [keys[1]!, 'request', undefined, undefined], // one entry
      [SPAN_KEY, 'server', undefined, undefined], // one entry, the key the child overrides
      [keys[1]!, 'request', keys[2]!, 'other'], // two other keys: not absorbed
    ];
    for (const [k1, v1, k2, v2] of layouts) {
      const parent = new LinkedContext(base, k1, v1, k2, v2);
      const child = new LinkedContext(parent, SPAN_KEY, 'handler');
      const before = [...keys, SPAN_KEY].map((k) => child.getValue(k));
      child.absorbParent(parent);
      expect([...keys, SPAN_KEY].map((k) => child.getValue(k))).toEqual(before);
      // Linked past the parent when it could take in the parent's entries.
      const linkedPast = (child as unknown as { parent: Context }).parent === base;
      expect(linkedPast).toBe(k2 !== keys[2]);
      // Further links still read through it.
      const grandchild = child.setValue(keys[3]!, 'late');
      expect(grandchild.getValue(keys[1]!)).toBe(k1 === keys[1] ? v1 : k2 === keys[1] ? v2 : undefined);
      expect(grandchild.getValue(keys[0]!)).toBe('base');
    }
    // Only the expected parent, and only a child with one entry of its own.
    const parent = new LinkedContext(base, keys[1]!, 'request', SPAN_KEY, 'server');
    const other = new LinkedContext(base, keys[1]!, 'x');
    const child = new LinkedContext(parent, SPAN_KEY, 'handler');
    child.absorbParent(other);
    expect((child as unknown as { parent: Context }).parent).toBe(parent);
    const two = new LinkedContext(parent, SPAN_KEY, 'handler', keys[3]!, 'mine');
    two.absorbParent(parent);
    expect((two as unknown as { parent: Context }).parent).toBe(parent);
  });
});
