import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { debug, warnOnce } from '../diag.js';
import type { PipelineCounters } from './batch-processor.js';
import { decodeSpoolFile, encodeSpoolFile, parseSpoolFileName, spoolFileName, type Signal, type SpoolName, type SpoolPayload } from './spool-file.js';

/** Bounds of the spool (see the `spool*` options). */
export interface SpoolOptions {
  /** Default `.tracekit/spool` under the working directory. */
  dir: string;
  /** Default 64 MiB. */
  maxBytes: number;
  /** Default 24 h. */
  maxAgeMs: number;
}

/** One file of the spool, as the index knows it. */
export interface SpoolEntry extends SpoolName {
  bytes: number;
  /** Being replayed by this process (renamed to `<name>.claim-<pid>`). */
  claimed: boolean;
}

const QUARANTINE = 'quarantine';
const QUARANTINE_KEEP = 16;
/** Temp and claim files older than this belong to a process that died; they are cleaned up. */
const STALE_MS = 10 * 60 * 1000;
const CLAIM = /^(.+\.tkspool)\.claim-(\d+)$/;
const TEMP = /^\.tmp-(\d+)-/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Undelivered OTLP requests on disk, replayed oldest-first. Files are written to a temp name
 * and renamed into place, so a crash mid-write (even `kill -9`) leaves at most a temp file that
 * the next start removes, never a torn spool file. Bounded in bytes and age: the oldest files
 * go first, and their items are counted as dropped. A file that fails validation is moved to
 * `quarantine/` and reported, never replayed and never fatal. Replaying processes claim a file
 * by renaming it, so several processes sharing a spool never send the same file twice.
 */
export class Spool {
  private entries: SpoolEntry[] = [];
  private reserved = 0;
  private seq = 0;
  private scanned: Promise<void> | undefined;
  private readonly ownTemps = new Set<string>();

  constructor(
    readonly options: SpoolOptions,
    private readonly counters: PipelineCounters,
    /** The counter that receives a signal's items dropped from the spool. */
    private readonly droppedCounter: (signal: Signal) => string,
  ) {
    for (const key of ['spoolBytes', 'spoolFiles', 'spoolQuarantined']) counters[key] ??= 0;
  }

  /** Scans the directory once: removes dead temp files, restores stale claims, quarantines foreign files, applies the bounds. */
  ready(): Promise<void> {
    this.scanned ??= this.scan().catch((e: unknown) => debug(`spool scan failed: ${String(e)}`));
    return this.scanned;
  }

  /** The oldest unclaimed file of a signal. */
  oldest(signal: Signal): SpoolEntry | undefined {
    this.expire();
    return this.entries.find((e) => e.signal === signal && !e.claimed);
  }

  /** Writes a request to the spool; false when it could not be kept (too large, or the disk failed: its items count as spool drops). */
  async write(payload: SpoolPayload): Promise<boolean> {
    await this.ready();
    const data = encodeSpoolFile(payload);
    const plan = this.plan(payload, data.length);
    if (!plan) return false;
    try {
      for (const victim of plan.evict) await fs.promises.rm(victim, { force: true });
      await fs.promises.mkdir(this.options.dir, { recursive: true });
      const fh = await fs.promises.open(plan.temp, 'w');
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.promises.rename(plan.temp, path.join(this.options.dir, plan.entry.name));
      this.commit(plan, true);
      return true;
    } catch (e) {
      this.commit(plan, false);
      this.counters[this.droppedCounter(payload.signal)]! += payload.items;
      await fs.promises.rm(plan.temp, { force: true }).catch(() => undefined);
      warnOnce('TK_SPOOL_WRITE', `could not write to the spool ${this.options.dir} (${(e as Error).message}); the batch was dropped`);
      return false;
    }
  }

  /** The same, synchronously: only for the process's `exit` event. */
  writeSync(payload: SpoolPayload): boolean {
    const data = encodeSpoolFile(payload);
    const plan = this.plan(payload, data.length);
    if (!plan) return false;
    try {
      for (const victim of plan.evict) fs.rmSync(victim, { force: true });
      fs.mkdirSync(this.options.dir, { recursive: true });
      fs.writeFileSync(plan.temp, data);
      fs.renameSync(plan.temp, path.join(this.options.dir, plan.entry.name));
      this.commit(plan, true);
      return true;
    } catch {
      this.commit(plan, false);
      this.counters[this.droppedCounter(payload.signal)]! += payload.items;
      return false;
    }
  }

  /**
   * Takes a file for replay and reads it. Returns `undefined` when another process took it
   * first or the file was invalid (then it is quarantined).
   */
  async claim(entry: SpoolEntry): Promise<SpoolPayload | undefined> {
    const file = path.join(this.options.dir, entry.name);
    const claimed = `${file}.claim-${process.pid}`;
    entry.claimed = true;
    try {
      await fs.promises.rename(file, claimed);
      const now = new Date();
      await fs.promises.utimes(claimed, now, now);
    } catch {
      this.remove(entry);
      return undefined;
    }
    let data: Buffer;
    try {
      data = await fs.promises.readFile(claimed);
    } catch (e) {
      await this.quarantine(claimed, entry.name, `unreadable: ${(e as Error).message}`);
      this.remove(entry);
      return undefined;
    }
    const payload = decodeSpoolFile(data, entry.signal);
    if (typeof payload === 'string') {
      await this.quarantine(claimed, entry.name, payload);
      this.remove(entry);
      return undefined;
    }
    return payload;
  }

  /** The claimed file was delivered (or rejected for good): delete it. */
  async done(entry: SpoolEntry): Promise<void> {
    this.remove(entry);
    await fs.promises.rm(path.join(this.options.dir, `${entry.name}.claim-${process.pid}`), { force: true }).catch(() => undefined);
  }

  /** The claimed file could not be delivered now: put it back for a later replay. */
  async release(entry: SpoolEntry): Promise<void> {
    const file = path.join(this.options.dir, entry.name);
    try {
      await fs.promises.rename(`${file}.claim-${process.pid}`, file);
      entry.claimed = false;
    } catch {
      this.remove(entry);
    }
  }

  /** Chooses the file name and the oldest files to evict so that `bytes` more fit under the bound. */
  private plan(payload: SpoolPayload, bytes: number): { entry: SpoolEntry; temp: string; evict: string[]; bytes: number } | undefined {
    this.expire();
    if (bytes > this.options.maxBytes) {
      this.counters[this.droppedCounter(payload.signal)]! += payload.items;
      warnOnce('TK_SPOOL_TOO_LARGE', `an export request of ${bytes} bytes exceeds spoolMaxBytes (${this.options.maxBytes}); it was dropped`);
      return undefined;
    }
    const evict: string[] = [];
    let total = this.totalBytes() + this.reserved;
    for (const e of [...this.entries]) {
      if (total + bytes <= this.options.maxBytes) break;
      if (e.claimed) continue;
      evict.push(path.join(this.options.dir, e.name));
      total -= e.bytes;
      this.drop(e, 'the spool is full (spoolMaxBytes)');
    }
    const seq = this.seq++;
    const entry: SpoolEntry = { ...parseSpoolFileName(spoolFileName(Date.now(), process.pid, seq, payload.signal, payload.items))!, bytes, claimed: false };
    const temp = path.join(this.options.dir, `.tmp-${process.pid}-${seq}-${randomBytes(4).toString('hex')}`);
    this.ownTemps.add(path.basename(temp));
    this.reserved += bytes;
    return { entry, temp, evict, bytes };
  }

  private commit(plan: { entry: SpoolEntry; temp: string; bytes: number }, written: boolean): void {
    this.reserved -= plan.bytes;
    this.ownTemps.delete(path.basename(plan.temp));
    if (written) {
      // Names sort by creation time; a write that finished late still lands in its place.
      let i = this.entries.length;
      while (i > 0 && this.entries[i - 1]!.name > plan.entry.name) i--;
      this.entries.splice(i, 0, plan.entry);
    }
    this.updateGauges();
  }

  /** Drops files older than `maxAgeMs` (oldest first), counting their items. */
  private expire(): void {
    const limit = Date.now() - this.options.maxAgeMs;
    while (this.entries.length > 0) {
      const e = this.entries.find((x) => !x.claimed);
      if (!e || e.created >= limit) break;
      this.drop(e, 'older than spoolMaxAgeMs');
      fs.promises.rm(path.join(this.options.dir, e.name), { force: true }).catch(() => undefined);
    }
  }

  private drop(entry: SpoolEntry, why: string): void {
    this.counters[this.droppedCounter(entry.signal)]! += entry.items;
    warnOnce('TK_SPOOL_DROPPED', `dropped the oldest spool files (${why}); see client.stats()`);
    this.remove(entry);
  }

  private remove(entry: SpoolEntry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
    this.updateGauges();
  }

  private totalBytes(): number {
    let total = 0;
    for (const e of this.entries) total += e.bytes;
    return total;
  }

  private updateGauges(): void {
    this.counters.spoolBytes = this.totalBytes();
    this.counters.spoolFiles = this.entries.length;
  }

  private async quarantine(file: string, name: string, reason: string): Promise<void> {
    const dir = path.join(this.options.dir, QUARANTINE);
    try {
      await fs.promises.mkdir(dir, { recursive: true });
      await fs.promises.rename(file, path.join(dir, `${Date.now()}-${name}`));
      const kept = (await fs.promises.readdir(dir)).sort();
      for (const old of kept.slice(0, Math.max(0, kept.length - QUARANTINE_KEEP))) await fs.promises.rm(path.join(dir, old), { force: true });
    } catch (e) {
      // Left where it is (never deleted: it may not be ours); the next start tries again.
      debug(`spool: could not quarantine ${name}: ${(e as Error).message}`);
    }
    this.counters.spoolQuarantined!++;
    warnOnce(`TK_SPOOL_QUARANTINED ${name}`, `spool file ${name} is not a valid TraceKit spool file (${reason}); moved to ${dir}`);
  }

  private async scan(): Promise<void> {
    const dir = this.options.dir;
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      return;
    }
    const found: SpoolEntry[] = [];
    for (const name of names) {
      if (name === QUARANTINE || this.ownTemps.has(name) || this.entries.some((e) => e.name === name)) continue;
      const file = path.join(dir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat) continue;
      const stale = (pid: number) => pid === process.pid || !isAlive(pid) || Date.now() - stat.mtimeMs > STALE_MS;
      const temp = TEMP.exec(name);
      if (temp) {
        // An unfinished write: complete files are only ever renamed into place.
        if (stale(Number(temp[1]))) await fs.promises.rm(file, { force: true }).catch(() => undefined);
        continue;
      }
      let entryName = name;
      const claim = CLAIM.exec(name);
      if (claim) {
        if (!stale(Number(claim[2]))) continue;
        entryName = claim[1]!;
        // A replay that died before it finished: the file goes back in line.
        if (!(await fs.promises.rename(file, path.join(dir, entryName)).then(() => true, () => false))) continue;
      }
      if (!stat.isFile()) {
        // Never move a directory: a spoolDir set to a shared directory must not lose anything.
        debug(`spool: ignoring the directory ${entryName} in ${dir}`);
        continue;
      }
      const parsed = parseSpoolFileName(entryName);
      if (!parsed) {
        await this.quarantine(path.join(dir, entryName), entryName, 'unexpected file name');
        continue;
      }
      found.push({ ...parsed, bytes: stat.size, claimed: false });
    }
    this.entries = [...found, ...this.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.expire();
    let total = this.totalBytes();
    for (const e of [...this.entries]) {
      if (total <= this.options.maxBytes) break;
      if (e.claimed) continue;
      total -= e.bytes;
      this.drop(e, 'the spool is full (spoolMaxBytes)');
      await fs.promises.rm(path.join(dir, e.name), { force: true }).catch(() => undefined);
    }
    this.updateGauges();
    if (this.entries.length > 0) debug(`spool: ${this.entries.length} file(s), ${this.totalBytes()} bytes to replay from ${dir}`);
  }
}
