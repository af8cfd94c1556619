import type { CapturedError } from './captured-error.js';
import { inventoryPlaces } from './code-inventory.js';
import { DetailsMemo, type CompletedDetails } from './details-memo.js';
import { errorDetailAttributes } from './error-details.js';
import type { OwnFileTest } from './own-frames.js';
import { resolveCapture, type PipelineSettings, type ResolvedCapture } from './resolve-frames.js';
import { SourceCache } from './source-cache.js';
import { nodeAppliesSourceMaps, SourceMapCache } from './source-maps.js';

/** What the details depend on in the configuration. */
export interface DetailsSettings {
  appRoot: string;
  sourceContextLines: number;
  maxFrames: number;
}

/** Rounds of loading: generated files, their maps, the original sources. */
const MAX_ROUNDS = 4;

/** The outcome of working out one capture's details now, from memory only. */
export type Attempt = { completed: CompletedDetails } | { completed?: undefined; resolved: ResolvedCapture };

/**
 * Works out the details of captured errors (frames, context, fingerprint, culprit, inventory
 * places): from the memo when the same stack was seen, else through the frame pipeline, loading
 * missing files asynchronously (or, in the process's last moments, synchronously) into its
 * bounded caches.
 */
export class DetailsWorker {
  private readonly sources = new SourceCache();
  private readonly maps = new SourceMapCache();
  private readonly memo = new DetailsMemo();

  constructor(
    private readonly settings: DetailsSettings,
    private readonly isOwn: OwnFileTest,
  ) {}

  /** The details if they can be had without reading a file. */
  attempt(capture: CapturedError): Attempt {
    const memo = this.memo.get(capture, !nodeAppliesSourceMaps());
    if (memo) return { completed: memo };
    const resolved = this.resolve(capture);
    return resolved.missing.length === 0 ? { completed: this.finish(capture, resolved) } : { resolved };
  }

  /** The best details from memory, missing files or not (for spans that copy attributes at once). */
  now(capture: CapturedError): CompletedDetails {
    const attempt = this.attempt(capture);
    return attempt.completed ?? this.finish(capture, attempt.resolved);
  }

  /**
   * Loads what `resolved` lacks, asynchronously, then finishes. `late` is true when the loads
   * took longer than `timeoutMs`: the details are then finished with what is there.
   */
  async load(capture: CapturedError, resolved: ResolvedCapture, timeoutMs: number): Promise<{ completed: CompletedDetails; late: boolean }> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
      timer.unref();
    });
    let late = false;
    try {
      for (let round = 0; round < MAX_ROUNDS && resolved.missing.length > 0; round++) {
        const loads = resolved.missing.map((m) => (m.kind === 'source' ? this.sources.load(m.file) : this.maps.load(m.file, m.mapUrl)));
        if ((await Promise.race([Promise.all(loads), deadline])) === 'late') {
          late = true;
          break;
        }
        resolved = this.resolve(capture);
      }
    } finally {
      clearTimeout(timer);
    }
    return { completed: this.finish(capture, resolved), late };
  }

  /** Everything now, reading files synchronously: only for the process's last moments. */
  loadSync(capture: CapturedError): CompletedDetails {
    let resolved = this.resolve(capture);
    for (let round = 0; round < MAX_ROUNDS && resolved.missing.length > 0; round++) {
      for (const m of resolved.missing) {
        if (m.kind === 'source') this.sources.loadSync(m.file);
        else this.maps.loadSync(m.file, m.mapUrl);
      }
      resolved = this.resolve(capture);
    }
    return this.finish(capture, resolved);
  }

  private resolve(capture: CapturedError): ResolvedCapture {
    const s = this.settings;
    const settings: PipelineSettings = { appRoot: s.appRoot, contextLines: s.sourceContextLines, maxFrames: s.maxFrames, isOwn: this.isOwn, applyMaps: !nodeAppliesSourceMaps() };
    return resolveCapture(capture, settings, this.sources, this.maps);
  }

  private finish(capture: CapturedError, resolved: ResolvedCapture): CompletedDetails {
    const completed = {
      details: errorDetailAttributes(capture, resolved.main, resolved.related),
      places: inventoryPlaces([...resolved.main, ...resolved.related.flat()]),
    };
    // Only complete results are reused: one with files still missing may do better next time.
    if (resolved.missing.length === 0) this.memo.set(capture, !nodeAppliesSourceMaps(), completed);
    return completed;
  }
}
