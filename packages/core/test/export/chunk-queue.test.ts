import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../../src/export/chunk-queue.js';
import { WaitingItems } from '../../src/export/waiting-items.js';

function drain<T>(q: ChunkQueue<T>): T[] {
  const out: T[] = [];
  for (let batch = q.take(); batch.length > 0; batch = q.take()) out.push(...batch);
  return out;
}

describe('ChunkQueue.takeUpTo', () => {
  it('takes up to max items from the front, across batches, oldest first', () => {
    const q = new ChunkQueue<number>(3);
    for (let i = 0; i < 8; i++) q.push(i);
    expect(q.takeUpTo(2)).toEqual([0, 1]);
    expect(q.takeUpTo(4)).toEqual([2, 3, 4, 5]);
    expect(q.length).toBe(2);
    q.push(8);
    expect(drain(q)).toEqual([6, 7, 8]);
    expect(q.takeUpTo(5)).toEqual([]);
  });

  it('removes the items divert takes elsewhere without counting them against max', () => {
    const q = new ChunkQueue<number>(4);
    for (let i = 0; i < 10; i++) q.push(i);
    const aside: number[] = [];
    const divert = (n: number) => (n % 3 === 0 ? (aside.push(n), true) : false);
    expect(q.takeUpTo(4, divert)).toEqual([1, 2, 4, 5]);
    expect(aside).toEqual([0, 3]);
    expect(q.length).toBe(4);
    expect(q.takeUpTo(100, divert)).toEqual([7, 8]);
    expect(aside).toEqual([0, 3, 6, 9]);
    expect(q.length).toBe(0);
  });
});

describe('WaitingItems', () => {
  it('groups items by what they wait for; a group comes back whole, oldest group first', () => {
    const w = new WaitingItems<string>();
    const a = {};
    const b = {};
    const c = {};
    w.add(a, 'a1');
    w.add(b, 'b1');
    w.add(a, 'a2');
    w.add(c, 'c1');
    expect(w.size).toBe(4);
    expect(w.release(a)).toEqual(['a1', 'a2']);
    expect(w.release(a)).toBeUndefined();
    expect(w.size).toBe(2);
    const back: string[] = [];
    // Asked about each group by its oldest item.
    w.releaseWhere((key, oldest) => key === c && oldest === 'c1', (s) => back.push(s));
    expect(back).toEqual(['c1']);
    w.add(a, 'a3');
    w.releaseAll((s) => back.push(s));
    expect(back).toEqual(['c1', 'b1', 'a3']);
    expect(w.size).toBe(0);
  });
});
