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
 * One of the two expressions the worker evaluates in the app (the other is `probeCaptureExpression`): a call of TraceKit's hook with the
 * snapshot ID the worker generated and the probe ID, both as JSON string literals (never the
 * user's expression text). A frame that shadows `globalThis` makes it fail harmlessly: the capture
 * then has no request context.
 */
export function probeHitExpression(snapshotId: string, probeId: string, snapshot: boolean): string {
  return `globalThis.${PROBE_HOOK}(${JSON.stringify(snapshotId)}, ${JSON.stringify(probeId)}, ${snapshot ? 'true' : 'false'})`;
}

/**
 * The global the worker calls, on the paused frame, to capture a plain probe's local variables
 * on the app's thread (one round trip instead of one `Runtime.getProperties` per level): TraceKit's
 * own function, which takes the request context as `PROBE_HOOK` does and walks the values with the
 * same getter-safe walker as `captureSnapshot`. Non-enumerable on `globalThis`.
 */
export const PROBE_CAPTURE = '__tracekitProbeCapture';

/** Words that cannot be a variable's name in the expression below (reserved, or not a plain binding there). */
const NOT_NAMES = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async arguments eval undefined globalThis __proto__'.split(' '),
);

/** Most locals a fast capture passes (more: the probe keeps reading them with `Runtime.getProperties`). */
export const MAX_FAST_LOCALS = 64;

/** Whether `name` (a scope variable's name as V8 reported it) may be written into `probeCaptureExpression`: a plain identifier, not a reserved word. */
export function isSafeLocalName(name: string): boolean {
  return name.length <= 64 && /^[A-Za-z_$][\w$]*$/.test(name) && !NOT_NAMES.has(name);
}

/**
 * The fast capture's expression: a call of TraceKit's capture function with the snapshot and
 * probe IDs (JSON string literals) and an object literal of the frame's locals, each read by its
 * name inside a \`try\` (a binding still in its temporal dead zone gives \`undefined\`). The names
 * come from V8's scope chain and are checked with `isSafeLocalName` here (a name that is not a
 * plain identifier throws): no user text is ever written into it. Reading a variable by name runs
 * no app code; the walker then reads own data properties only.
 */
export function probeCaptureExpression(snapshotId: string, probeId: string, names: readonly string[]): string {
  const fields = names.map((n) => {
    if (!isSafeLocalName(n)) throw new Error(`not a plain variable name: ${JSON.stringify(n)}`);
    return `${n}: (() => { try { return ${n}; } catch { return undefined; } })()`;
  });
  return `globalThis.${PROBE_CAPTURE}(${JSON.stringify(snapshotId)}, ${JSON.stringify(probeId)}, { ${fields.join(', ')} })`;
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
      /** The values were walked (and redacted) on the app's thread at the pause, under `snapshotId` (see `PROBE_CAPTURE`). */
      valuesTaken?: boolean;
      message?: string;
      omissions: Omission[];
      omittedTotal: number;
      frames: HitFrame[];
      /** How long the app was paused. */
      pauseMs: number;
      hits: number;
    };
