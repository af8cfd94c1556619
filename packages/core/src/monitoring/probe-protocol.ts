import type { ProbeStatus } from './model.js';
import type { Omission, SnapshotValue } from './walker.js';

/** A probe as the worker sets it: its file already absolute and checked to be in the project. */
export interface WorkerProbe {
  id: string;
  file: string;
  line: number;
  condition?: string;
  capture?: string[];
  log?: string;
  maxHits: number;
  /** Hits taken before this worker got the probe (they count towards `maxHits`); not part of the probe's identity. */
  hitsBefore: number;
  /** Worker-internal: look again when a mapped script loads (TypeScript probes). */
  retry?: boolean;
}

/**
 * The global the probe worker calls while the app's thread is paused at a probe, with
 * `Debugger.evaluateOnCallFrame` and the fixed expression of `probeHitExpression`: the worker
 * cannot see the main thread's AsyncLocalStorage, but code evaluated on the paused frame runs in
 * the request's async context (probe-context.ts). Non-enumerable on `globalThis`.
 */
export const PROBE_HOOK = '__tracekitProbeHit';

/**
 * The only expression the worker evaluates in the app: a call of TraceKit's hook with the
 * snapshot ID the worker generated and the probe ID, both as JSON string literals (never the
 * user's expression text). A frame that shadows `globalThis` makes it fail harmlessly: the capture
 * then has no request context.
 */
export function probeHitExpression(snapshotId: string, probeId: string, snapshot: boolean): string {
  return `globalThis.${PROBE_HOOK}(${JSON.stringify(snapshotId)}, ${JSON.stringify(probeId)}, ${snapshot ? 'true' : 'false'})`;
}

/** Main thread to worker. */
export type WorkerInbound = { type: 'set'; probes: WorkerProbe[] } | { type: 'stop' } | { type: 'exit' };

/** One frame of a hit, in the generated JavaScript (the main thread maps it). */
export interface HitFrame {
  function: string;
  file: string;
  line: number;
  column: number;
}

/** Worker to main thread. */
export type WorkerOutbound =
  | { type: 'status'; id: string; status: ProbeStatus; error?: string; generatedLine?: number }
  | { type: 'debugger'; enabled: boolean }
  | { type: 'disarmed'; id: string; reason: string }
  | { type: 'fatal'; error: string }
  /** A hit that captured nothing (condition false, or its limit): only its pause. */
  | { type: 'pause'; pauseMs: number }
  | {
      type: 'hit';
      id: string;
      /** The snapshot ID the worker generated; the main thread took the request context under it at the pause. */
      snapshotId: string;
      values?: { [key: string]: SnapshotValue };
      message?: string;
      omissions: Omission[];
      omittedTotal: number;
      frames: HitFrame[];
      /** How long the app was paused. */
      pauseMs: number;
      hits: number;
    };
