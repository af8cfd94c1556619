import fs from 'node:fs';
import path from 'node:path';
import { debug, warnOnce } from '../diag.js';
import { parseBreakpoints, serializeBreakpoints } from './breakpoints-file.js';
import { CONTROL_LIMITS } from './limits.js';
import type { BreakpointsDocument } from './model.js';

/** What the file control reports to its owner. */
export interface FileControlEvents {
  /** A valid document was read (at start, or after an edit). */
  onDocument(doc: BreakpointsDocument): void;
  /** The file was refused (reported once per distinct reason); the previous state stays. */
  onInvalid(reason: string): void;
}

/**
 * `.tracekit/breakpoints.json`: read once at start, then checked every second (an unref'd
 * timer, `fs.promises.stat`, never a synchronous read after start) so edits take effect within
 * 2 s; written asynchronously, debounced, through a temporary file and an atomic rename, so a
 * reader never sees half a file. A file that is too large is refused unread; a bad one is
 * reported once per reason and ignored.
 */
export class FileControl {
  private seen = '';
  private reading = false;
  private writing: Promise<void> | undefined;
  private writeTimer: NodeJS.Timeout | undefined;
  private lastReason = '';

  constructor(
    readonly file: string,
    private readonly root: string,
    private readonly events: FileControlEvents,
  ) {}

  /** The first read, at `init()`: synchronous, once, so breakpoints disarmed in the file never capture at start. */
  readInitial(): void {
    try {
      const st = fs.statSync(this.file);
      this.seen = `${st.mtimeMs}:${st.size}`;
      if (st.size > CONTROL_LIMITS.maxFileBytes) return this.invalid(`larger than ${CONTROL_LIMITS.maxFileBytes} bytes`);
      this.accept(fs.readFileSync(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.invalid(`unreadable (${(e as Error).message})`);
    }
  }

  /** Checks the file for an edit; reads and applies it when it changed. Never rejects. */
  async poll(): Promise<void> {
    if (this.reading || this.writing) return;
    this.reading = true;
    try {
      let st: fs.Stats;
      try {
        st = await fs.promises.stat(this.file);
      } catch {
        return;
      }
      const key = `${st.mtimeMs}:${st.size}`;
      if (key === this.seen) return;
      this.seen = key;
      if (st.size > CONTROL_LIMITS.maxFileBytes) return this.invalid(`larger than ${CONTROL_LIMITS.maxFileBytes} bytes`);
      this.accept(await fs.promises.readFile(this.file, 'utf8'));
    } catch (e) {
      this.invalid(`unreadable (${(e as Error).message})`);
    } finally {
      this.reading = false;
    }
  }

  private accept(text: string): void {
    const result = parseBreakpoints(text, this.root);
    if (!result.ok) return this.invalid(result.error);
    this.lastReason = '';
    this.events.onDocument(result.doc);
  }

  private invalid(reason: string): void {
    if (reason === this.lastReason) return;
    this.lastReason = reason;
    warnOnce(`TK_BREAKPOINTS_FILE:${reason}`, `${this.file} was ignored: ${reason}; the previous breakpoints and probes stay in force`);
    this.events.onInvalid(reason);
  }

  /** Writes `build()` soon (debounced); the latest edit of the file is read first so it is not lost. */
  scheduleWrite(build: () => BreakpointsDocument): void {
    if (this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      void this.writeNow(build);
    }, CONTROL_LIMITS.writeDelayMs);
    this.writeTimer.unref();
  }

  /** Writes at once (after applying any pending edit). Resolves when the file is in place. */
  async writeNow(build: () => BreakpointsDocument): Promise<void> {
    if (this.writing) await this.writing;
    await this.poll();
    this.writing = (async () => {
      const tmp = `${this.file}.${process.pid}.tmp`;
      try {
        await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
        await fs.promises.writeFile(tmp, serializeBreakpoints(build()));
        await fs.promises.rename(tmp, this.file);
        const st = await fs.promises.stat(this.file);
        this.seen = `${st.mtimeMs}:${st.size}`;
      } catch (e) {
        debug(`writing ${this.file} failed: ${String(e)}`);
        await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      }
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** True while a debounced write waits. */
  get writePending(): boolean {
    return this.writeTimer !== undefined;
  }

  /** Stops the pending write. */
  stop(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
  }
}
