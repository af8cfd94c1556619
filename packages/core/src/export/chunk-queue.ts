/**
 * A FIFO queue kept as batches: `push` fills the newest batch, `take` hands out the oldest one
 * whole. Both are O(1), where slicing one flat array would copy the whole queue for every batch
 * taken (quadratic when an exporter falls behind).
 */
export class ChunkQueue<T> {
  private chunks: T[][] = [];
  private size = 0;
  /** Items already taken from the front of the oldest batch (by takeWhile). */
  private head = 0;

  constructor(private readonly chunkSize: number) {}

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.length < this.chunkSize) last.push(item);
    else this.chunks.push([item]);
    this.size++;
  }

  /** The oldest batch (at most `chunkSize` items), or an empty array. */
  take(): T[] {
    let first = this.chunks.shift();
    if (!first) return [];
    if (this.head > 0) {
      first = first.slice(this.head);
      this.head = 0;
    }
    this.size -= first.length;
    return first;
  }

  /** Takes items from the front, oldest first, while `ready` holds for them (at most `max`). */
  takeWhile(ready: (item: T) => boolean, max: number): T[] {
    return this.takeReady(ready, max, 0);
  }

  /**
   * Takes the items `ready` holds for, oldest first (at most `max`); the others keep their
   * place at the front, in order. Looks at no more than `maxSkipped` items that are not ready,
   * so items stuck at the front cost a bounded scan per call; with 0 it stops at the first one.
   */
  takeReady(ready: (item: T) => boolean, max: number, maxSkipped: number): T[] {
    const out: T[] = [];
    let skipped: T[] | undefined;
    while (out.length < max && (skipped === undefined || skipped.length < maxSkipped)) {
      const first = this.chunks[0];
      if (!first) break;
      if (this.head >= first.length) {
        this.chunks.shift();
        this.head = 0;
        continue;
      }
      const item = first[this.head] as T;
      (first as Array<T | undefined>)[this.head] = undefined;
      this.head++;
      this.size--;
      if (ready(item)) out.push(item);
      else if (maxSkipped > 0) (skipped ??= []).push(item);
      else {
        this.putBack([item]);
        break;
      }
    }
    const first = this.chunks[0];
    if (first && this.head >= first.length) {
      this.chunks.shift();
      this.head = 0;
    }
    if (skipped !== undefined) this.putBack(skipped);
    return out;
  }

  /** Puts items taken from the front back there, in their order. */
  private putBack(items: T[]): void {
    const first = this.chunks[0];
    if (first && this.head >= items.length) {
      // Into the emptied slots just before the head.
      this.head -= items.length;
      for (let i = 0; i < items.length; i++) first[this.head + i] = items[i]!;
    } else {
      if (first && this.head > 0) this.chunks[0] = first.slice(this.head);
      this.head = 0;
      this.chunks.unshift(items);
    }
    this.size += items.length;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.head = 0;
  }
}
