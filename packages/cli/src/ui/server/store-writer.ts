import fs from 'node:fs';
import type { Signal } from '../otlp-json.js';
import { liveFile } from './store-files.js';

/** Own lines remembered until the follower reads them back; more than this and the oldest are forgotten. */
const MAX_PENDING = 10_000;

/**
 * Appends what the receiver ingests to the store folder (`traces.jsonl`, `logs.jsonl`,
 * `metrics.jsonl`, one OTLP/JSON export request per line, the file exporter's format), so a
 * restart of the viewer loses nothing. Writes are asynchronous and queued per file. The lines it
 * wrote are remembered until the file follower reads them back, so they are not ingested twice.
 */
export class StoreWriter {
  private chain: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, number>();
  /** Failed appends (a read-only folder, a full disk): counted, never thrown. */
  failures = 0;
  lastError: string | undefined;

  constructor(readonly dir: string) {}

  append(kind: Signal, line: string): void {
    this.pending.set(line, (this.pending.get(line) ?? 0) + 1);
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    const file = liveFile(this.dir, kind);
    this.chain = this.chain
      .then(() => fs.promises.mkdir(this.dir, { recursive: true }))
      .then(() => fs.promises.appendFile(file, line + '\n'))
      .catch((err: unknown) => {
        this.failures++;
        this.lastError = err instanceof Error ? err.message : String(err);
      });
  }

  /** True (once) for a line this writer appended: the follower skips it. */
  takeOwn(line: string): boolean {
    const n = this.pending.get(line);
    if (n === undefined) return false;
    if (n <= 1) this.pending.delete(line);
    else this.pending.set(line, n - 1);
    return true;
  }

  /** Waits for queued appends. */
  idle(): Promise<void> {
    return this.chain;
  }
}
