/**
 * A FIFO queue kept as batches: `push` fills the newest batch, `take` hands out the oldest one
 * whole. Both are O(1), where slicing one flat array would copy the whole queue for every batch
 * taken (quadratic when an exporter falls behind).
 */
export class ChunkQueue<T> {
  private chunks: T[][] = [];
  private size = 0;
  /** Items already taken from the front of the oldest batch (by takeUpTo). */
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

  /**
   * Takes up to `max` items from the front, oldest first. An item `divert` returns true for is
   * removed without being taken (the caller kept it elsewhere) and does not count against `max`.
   */
  takeUpTo(max: number, divert?: (item: T) => boolean): T[] {
    const out: T[] = [];
    while (out.length < max) {
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
      if (divert === undefined || !divert(item)) out.push(item);
    }
    const first = this.chunks[0];
    if (first && this.head >= first.length) {
      this.chunks.shift();
      this.head = 0;
    }
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.head = 0;
  }
}
