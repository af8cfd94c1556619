/**
 * A FIFO queue kept as batches: `push` fills the newest batch, `take` hands out the oldest one
 * whole. Both are O(1), where slicing one flat array would copy the whole queue for every batch
 * taken (quadratic when an exporter falls behind).
 */
export class ChunkQueue<T> {
  private chunks: T[][] = [];
  private size = 0;

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
    const first = this.chunks.shift();
    if (!first) return [];
    this.size -= first.length;
    return first;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
  }
}
