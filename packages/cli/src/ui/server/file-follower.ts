import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { listStoreFiles, liveFile, rotatedName, storeFileGenerations, type StoreFile, type StoreFileKind } from './store-files.js';

/** Receives the complete lines read from a store file. */
export type LineHandler = (kind: StoreFileKind, line: string) => void;

const CHUNK = 1024 * 1024;
/** A line longer than this is dropped rather than buffered (a store line is one export batch). */
const MAX_LINE = 64 * 1024 * 1024;

interface Followed {
  kind: StoreFileKind;
  file: string;
  ino: number;
  offset: number;
  rest: string;
  /** Keeps a multi-byte character split between two reads whole. */
  decoder: StringDecoder;
}

/** Rotated files looked through for the one a followed file became. */
const MAX_GENERATIONS = 100;

/** A store file with a name of its own (`TRACEKIT_FILE=.tracekit/shop-spans.jsonl`) and what it holds. */
export interface NamedStoreFile {
  file: string;
  kind: StoreFileKind;
}

/**
 * Loads a store folder and follows it: every rotated and live JSONL file is read once, oldest
 * first, then the live files are polled (`stat` every `intervalMs`) and their new lines handed
 * on. When the app rotates a file (a new inode, or a smaller size), the rest of the old file is
 * read from its rotated name, then any file rotated after it, before the new one from the start.
 * Besides the folder's default names (`traces.jsonl`, `logs.jsonl`...), `named` store files (the
 * app's `TRACEKIT_FILE` when it has a name of its own) are read and followed with their rotated
 * files (`shop-spans.1.jsonl`...). All reads are asynchronous.
 */
export class FileFollower {
  /** By live file. */
  private readonly followed = new Map<string, Followed>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  /** Lines that could not be handled (not JSON, not OTLP). */
  skipped = 0;

  constructor(
    readonly dir: string,
    private readonly onLine: LineHandler,
    private readonly intervalMs = 250,
    named: readonly NamedStoreFile[] = [],
  ) {
    const defaults = (['traces', 'logs', 'metrics', 'events'] as const).map((kind) => ({ kind, file: liveFile(this.dir, kind) }));
    for (const n of named) {
      const file = path.resolve(n.file);
      if (!defaults.some((d) => d.file === file) && !this.named.some((d) => d.file === file)) this.named.push({ kind: n.kind, file });
    }
    this.live = [...defaults, ...this.named];
  }

  /** The named store files that are not one of the folder's default names. */
  private readonly named: NamedStoreFile[] = [];
  /** The live files followed: the folder's default names, then the named store files. */
  private readonly live: NamedStoreFile[];

  /** Every file to load, in reading order (each live file's rotated ones, oldest first, before it). */
  private async storeFiles(): Promise<StoreFile[]> {
    const files = await listStoreFiles(this.dir);
    for (const live of this.named) {
      const generations = await storeFileGenerations(live.file);
      for (const file of generations) {
        if (files.some((f) => f.file === file)) continue;
        files.push({ file, kind: live.kind, generation: file === live.file ? 0 : 1 });
      }
    }
    return files;
  }

  /** Reads everything present; resolves with the files read. */
  async load(): Promise<string[]> {
    const read: string[] = [];
    for (const f of await this.storeFiles()) {
      const st = await fs.promises.stat(f.file).catch(() => undefined);
      if (!st?.isFile()) continue;
      const state: Followed = { kind: f.kind, file: f.file, ino: st.ino, offset: 0, rest: '', decoder: new StringDecoder('utf8') };
      await this.readFrom(state, st.size);
      read.push(f.file);
      if (f.generation === 0) this.followed.set(f.file, state);
    }
    return read;
  }

  /** Starts polling the live files. */
  follow(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll of every live file; exposed for tests. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const { kind, file } of this.live) {
        const st = await fs.promises.stat(file).catch(() => undefined);
        if (!st?.isFile()) continue;
        let state = this.followed.get(file);
        if (state && (st.ino !== state.ino || st.size < state.offset)) {
          await this.finishRotated(state);
          state = undefined;
        }
        if (!state) {
          state = { kind, file, ino: st.ino, offset: 0, rest: '', decoder: new StringDecoder('utf8') };
          this.followed.set(file, state);
        }
        if (st.size > state.offset) await this.readFrom(state, st.size);
      }
    } finally {
      this.polling = false;
    }
  }

  /**
   * After a rotation: the lines appended to the old file since the last poll, now under
   * `<name>.k<ext>`, then the files rotated after it (`<name>.k-1<ext>` … `<name>.1<ext>`) whole,
   * when the app rotated more than once between two polls.
   */
  private async finishRotated(state: Followed): Promise<void> {
    let k = 0;
    for (let n = 1; n <= MAX_GENERATIONS; n++) {
      const st = await fs.promises.stat(rotatedName(state.file, n)).catch(() => undefined);
      if (!st) break;
      if (st.ino === state.ino) {
        k = n;
        break;
      }
    }
    for (let n = k; n >= 1; n--) {
      const file = rotatedName(state.file, n);
      const st = await fs.promises.stat(file).catch(() => undefined);
      if (!st) continue;
      const rotated: Followed = n === k ? { ...state, file } : { ...state, file, ino: st.ino, offset: 0, rest: '', decoder: new StringDecoder('utf8') };
      await this.readFrom(rotated, st.size);
      if (rotated.rest) this.line(state.kind, rotated.rest);
    }
  }

  private async readFrom(state: Followed, size: number): Promise<void> {
    const handle = await fs.promises.open(state.file, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const buf = Buffer.alloc(Math.min(CHUNK, size - state.offset));
      while (state.offset < size) {
        const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, size - state.offset), state.offset);
        if (bytesRead === 0) break;
        state.offset += bytesRead;
        this.lines(state, state.decoder.write(buf.subarray(0, bytesRead)));
      }
    } finally {
      await handle.close();
    }
  }

  private lines(state: Followed, text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0 && state.rest) {
      this.line(state.kind, state.rest + text.slice(0, nl));
      state.rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      this.line(state.kind, text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    state.rest += text.slice(start);
    if (state.rest.length > MAX_LINE) {
      state.rest = '';
      this.skipped++;
    }
  }

  private line(kind: StoreFileKind, line: string): void {
    if (line.trim() === '') return;
    try {
      this.onLine(kind, line);
    } catch {
      this.skipped++;
    }
  }
}
