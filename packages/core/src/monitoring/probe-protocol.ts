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
 * One of the two expressions the worker evaluates in the app (the other is `probeEvalExpression`): a call of TraceKit's hook with the
 * snapshot ID the worker generated and the probe ID, both as JSON string literals (never the
 * user's expression text). A frame that shadows `globalThis` makes it fail harmlessly: the capture
 * then has no request context.
 */
export function probeHitExpression(snapshotId: string, probeId: string, snapshot: boolean): string {
  return `globalThis.${PROBE_HOOK}(${JSON.stringify(snapshotId)}, ${JSON.stringify(probeId)}, ${snapshot ? 'true' : 'false'})`;
}

/**
 * The global the worker calls on the paused frame, from a probe's second hit on, to run the whole
 * hit on the app's thread in one round trip: the probe's condition, captured expressions and log
 * template compiled to guarded reads (compiled-expression.ts), its locals walked with the same
 * getter-safe walker as `captureSnapshot`, and the request context taken as `PROBE_HOOK` does.
 * Non-enumerable on `globalThis`. It returns `'ok'` (captured), `'skip'` (the condition is false)
 * or `false` (the worker then reads with the protocol).
 */
export const PROBE_EVAL = '__tracekitProbeEval';

/** Words that cannot be a variable's name in the expression below (reserved, or not a plain binding there). */
const NOT_NAMES = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async arguments eval undefined globalThis __proto__'.split(' '),
);

/** Most locals a fast capture passes (more: the probe keeps reading them with `Runtime.getProperties`). */
export const MAX_FAST_LOCALS = 64;

/** Whether `name` (a scope variable's name as V8 reported it) may be written into `probeEvalExpression`: a plain identifier, not a reserved word. */
export function isSafeLocalName(name: string): boolean {
  return name.length <= 64 && /^[A-Za-z_$][\w$]*$/.test(name) && !NOT_NAMES.has(name);
}

/** A variable read by its name inside a `try` (a binding still in its temporal dead zone, or a `this` before `super()`, gives `undefined`). */
const guardedRead = (name: string) => `(() => { try { return ${name}; } catch { return undefined; } })()`;

/** An object literal of variables read by name; each name is checked first (a name that is not a plain identifier throws). */
function variables(names: readonly string[]): string {
  const fields = names.map((n) => {
    if (!isSafeLocalName(n)) throw new Error(`not a plain variable name: ${JSON.stringify(n)}`);
    return `${n}: ${guardedRead(n)}`;
  });
  return `{ ${fields.join(', ')} }`;
}

/** What a probe's fast hit passes: its expressions' roots (as found in the frame's scopes at an earlier hit), `this`, and a plain probe's locals. */
export interface FastPlan {
  roots: string[];
  usesThis: boolean;
  /** A plain probe's locals (no captures, no log): the names V8 listed in the frame's local and block scopes. */
  locals?: string[];
}

/**
 * The fast hit's expression: a call of TraceKit's function with the snapshot and probe IDs (JSON
 * string literals), the roots of the probe's expressions, `this` when an expression reads it,
 * and a plain probe's locals, each variable read by its name inside a `try`. The names come from
 * V8's scope chain and are checked with `isSafeLocalName` here: the user's expression text is
 * never written into it (it runs as compiled guarded reads inside the function). Reading a
 * variable by name runs no app code; everything after that reads own data properties only.
 */
export function probeEvalExpression(snapshotId: string, probeId: string, plan: FastPlan): string {
  const self = plan.usesThis ? guardedRead('this') : 'undefined';
  const locals = plan.locals ? variables(plan.locals) : 'undefined';
  return `globalThis.${PROBE_EVAL}(${JSON.stringify(snapshotId)}, ${JSON.stringify(probeId)}, ${variables(plan.roots)}, ${self}, ${locals})`;
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
      /** The hit ran on the app's thread at the pause (see `PROBE_EVAL`): its values or message are kept there under `snapshotId`. */
      taken?: boolean;
      /** `taken`, but its call was answered after the deadline: nothing kept means its condition was false. */
      late?: boolean;
      message?: string;
      omissions: Omission[];
      omittedTotal: number;
      frames: HitFrame[];
      /** How long the app was paused. */
      pauseMs: number;
      hits: number;
    };
