import type { Attributes } from '@opentelemetry/api';
import type { CapturedError } from './captured-error.js';
import type { InventoryPlace } from './code-inventory.js';

/** Details worked out for one stack, reusable for every error with the same frames. */
export interface CompletedDetails {
  details: Attributes;
  /** The in-app places, for the code inventory. */
  places: InventoryPlace[];
}

/** Stacks remembered by default. */
export const DEFAULT_MEMO_SIZE = 256;

/**
 * The part of a capture its details depend on: the type and the frames of it and of its
 * related errors (whose messages appear in `tracekit.error.causes`). The error's own message is
 * left out unless there are no frames, since the fingerprint then uses it.
 */
export function detailsKey(capture: CapturedError, applyMaps: boolean): string {
  const framesOf = (stack: string | undefined) => {
    if (stack === undefined) return '';
    const at = stack.indexOf('\n    at ');
    return at < 0 ? stack : stack.slice(at);
  };
  let key = `${applyMaps ? 1 : 0}\n${capture.type}\n${capture.stack === undefined ? capture.message : framesOf(capture.stack)}`;
  for (const r of capture.related) key += `\n[${r.relation}] ${r.type}: ${r.message}${framesOf(r.stack)}`;
  return key;
}

/**
 * Completed details by stack, in a bounded least-recently-used map: the same error from the
 * same place, which is what production mostly sees, then costs a lookup instead of a parse,
 * a source-map lookup, context and a hash. Source files are read once per process, so what
 * was worked out stays right until the process restarts.
 */
export class DetailsMemo {
  private readonly entries = new Map<string, CompletedDetails>();

  constructor(private readonly max: number = DEFAULT_MEMO_SIZE) {}

  get(capture: CapturedError, applyMaps: boolean): CompletedDetails | undefined {
    const key = detailsKey(capture, applyMaps);
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(capture: CapturedError, applyMaps: boolean, completed: CompletedDetails): void {
    this.entries.set(detailsKey(capture, applyMaps), completed);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}
