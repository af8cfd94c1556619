import { SEVERITY, type LogRecordData } from '../export/log-types.js';
import type { StackFrame } from './stack-frame.js';

/** One place in the app's code that took part in captured errors (from `client.codeInventory()`). */
export interface CodeInventoryEntry {
  /** The service (`serviceName`). */
  service: string;
  /** The file relative to the app root, after source maps (`src/orders/service.ts`). */
  file: string;
  /** The function, `''` when anonymous. */
  function: string;
  /** The 1-based line. */
  line: number;
  /** When an error first passed through this place, in epoch milliseconds. */
  firstSeen: number;
  /** When an error last passed through it, in epoch milliseconds. */
  lastSeen: number;
  /** How many captured errors passed through it. */
  count: number;
}

/** The event name of inventory log records in `.tracekit/logs.jsonl`. */
export const CODE_INVENTORY_EVENT = 'tracekit.code_inventory';

/** Entries kept by default; the least recently seen go first. */
export const DEFAULT_MAX_INVENTORY_ENTRIES = 1000;

/** One in-app place of an error, as the inventory counts it. */
export interface InventoryPlace {
  key: string;
  file: string;
  function: string;
  line: number;
}

/** The distinct in-app places among frames (a place seen twice in one error, say in recursion, counts once). */
export function inventoryPlaces(frames: readonly StackFrame[]): InventoryPlace[] {
  const places: InventoryPlace[] = [];
  const seen = new Set<string>();
  for (const frame of frames) {
    if (frame.origin !== 'app' || frame.line === undefined || frame.relativeFile === undefined) continue;
    const key = `${frame.relativeFile}\u0000${frame.function}\u0000${frame.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    places.push({ key, file: frame.relativeFile, function: frame.function, line: frame.line });
  }
  return places;
}

/**
 * Code discovery: every in-app place seen in captured errors, as `{ file, function, line }` with
 * first and last sighting and a count, bounded in memory (when full, the least recently seen
 * place makes room). Entries changed since the last {@link takeChanged} are written to the store
 * as log records, periodically and at shutdown.
 */
export class CodeInventory {
  private readonly entries = new Map<string, CodeInventoryEntry>();
  private readonly changed = new Set<string>();
  /** Entries dropped to stay within the bound. */
  evicted = 0;
  /** Called when the inventory changes after the last {@link takeChanged} (once until the next take). */
  onChange: (() => void) | undefined;

  constructor(
    private readonly service: string,
    private readonly maxEntries: number = DEFAULT_MAX_INVENTORY_ENTRIES,
  ) {}

  /** Counts one captured error's places (see {@link inventoryPlaces}). */
  record(places: readonly InventoryPlace[], now: number = Date.now()): void {
    const wasClean = this.changed.size === 0;
    for (const place of places) {
      const entry = this.entries.get(place.key);
      if (entry) {
        entry.count++;
        entry.lastSeen = now;
      } else {
        if (this.entries.size >= this.maxEntries) this.evictOldest();
        this.entries.set(place.key, { service: this.service, file: place.file, function: place.function, line: place.line, firstSeen: now, lastSeen: now, count: 1 });
      }
      this.changed.add(place.key);
    }
    if (wasClean && this.changed.size > 0) this.onChange?.();
  }

  /** Only when full, and only for a place never seen before: a scan is cheaper than keeping an order on every error. */
  private evictOldest(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.lastSeen < at) {
        at = entry.lastSeen;
        oldest = key;
      }
    }
    if (oldest === undefined) return;
    this.entries.delete(oldest);
    this.changed.delete(oldest);
    this.evicted++;
  }

  /** Every entry, the most frequent first (copies). */
  list(): CodeInventoryEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e })).sort((a, b) => b.count - a.count || a.file.localeCompare(b.file) || a.line - b.line);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entries changed since the last call (copies), and forgets that they changed. */
  takeChanged(): CodeInventoryEntry[] {
    const out: CodeInventoryEntry[] = [];
    for (const key of this.changed) {
      const entry = this.entries.get(key);
      if (entry) out.push({ ...entry });
    }
    this.changed.clear();
    return out;
  }
}

/**
 * One inventory entry as an OTLP log record (`eventName: 'tracekit.code_inventory'`): the place
 * as `code.filepath` (relative to the app root), `code.function.name` and `code.lineno`, and
 * `tracekit.inventory.first_seen` / `last_seen` (epoch ms) and `count`. Each record carries the
 * entry's totals so far, so the newest record of a place is its current state.
 */
export function inventoryLogRecord(entry: CodeInventoryEntry, now: number = Date.now()): LogRecordData {
  return {
    time: now,
    eventName: CODE_INVENTORY_EVENT,
    severityNumber: SEVERITY.INFO,
    severityText: 'INFO',
    body: `${entry.function || '<anonymous>'} (${entry.file}:${entry.line})`,
    attributes: {
      'service.name': entry.service,
      'code.filepath': entry.file,
      'code.function.name': entry.function,
      'code.lineno': entry.line,
      'tracekit.inventory.first_seen': entry.firstSeen,
      'tracekit.inventory.last_seen': entry.lastSeen,
      'tracekit.inventory.count': entry.count,
    },
  };
}
