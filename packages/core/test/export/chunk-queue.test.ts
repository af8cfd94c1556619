import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../../src/export/chunk-queue.js';

function drain<T>(q: ChunkQueue<T>): T[] {
  const out: T[] = [];
  for (let batch = q.take(); batch.length > 0; batch = q.take()) out.push(...batch);
  return out;
}

describe('ChunkQueue.takeReady', () => {
  it('takes the ready items past waiting ones, which keep their place and order', () => {
    const q = new ChunkQueue<number>(4);
    for (let i = 0; i < 10; i++) q.push(i);
    const waiting = new Set([0, 1, 5]);
    expect(q.takeReady((n) => !waiting.has(n), 100, 100)).toEqual([2, 3, 4, 6, 7, 8, 9]);
    expect(q.length).toBe(3);
    q.push(10);
    expect(drain(q)).toEqual([0, 1, 5, 10]);
    expect(q.length).toBe(0);
  });

  it('stops at max ready items, and after maxSkipped waiting ones', () => {
    const q = new ChunkQueue<number>(3);
    for (let i = 0; i < 9; i++) q.push(i);
    expect(q.takeReady((n) => n % 2 === 0, 2, 100)).toEqual([0, 2]);
    expect(q.length).toBe(7);
    // 1 and 3 wait; the scan gives up after two of them and 4 stays for later.
    expect(q.takeReady((n) => n % 2 === 0, 100, 2)).toEqual([]);
    // maxSkipped 0: stops at the first waiting item, as takeWhile does.
    expect(q.takeReady((n) => n % 2 === 0, 100, 0)).toEqual([]);
    expect(drain(q)).toEqual([1, 3, 4, 5, 6, 7, 8]);
  });

  it('puts waiting items back into the slots before the head, or in front of a partly taken batch', () => {
    const q = new ChunkQueue<string>(4);
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) q.push(s);
    expect(q.takeWhile(() => true, 2)).toEqual(['a', 'b']);
    // c waits: back into the slot before the head.
    expect(q.takeReady((s) => s !== 'c', 1, 10)).toEqual(['d']);
    expect(q.length).toBe(3);
    // c and e wait, from two batches: put in front of what is left of the second.
    expect(q.takeReady((s) => s === 'f', 10, 10)).toEqual(['f']);
    expect(q.length).toBe(2);
    q.push('g');
    expect(q.takeWhile((s) => s !== 'e', 10)).toEqual(['c']);
    expect(drain(q)).toEqual(['e', 'g']);
    expect(q.length).toBe(0);
  });
});
