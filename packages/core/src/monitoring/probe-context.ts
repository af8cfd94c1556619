import { activeSpan } from '../context/context.js';
import { captureContext, type CaptureContext } from './request-context.js';
import { activeMonitor } from './capture-snapshot.js';
import { WALK_LIMITS, type WalkLimits } from './limits.js';
import { PROBE_EVAL, PROBE_HOOK } from './probe-protocol.js';
import { compileProbe, conditionHolds, runProbe, type ProbeProgram, type ProbeResult, type ProbeSpec } from './probe-program.js';
import { SNAPSHOT_EVENT } from './snapshot-record.js';
import { Walker } from './walker.js';

/** Contexts taken at pauses, waiting for their hit message (bounded: a lost message never grows it). */
const taken = new Map<string, CaptureContext>();
const MAX_TAKEN = 64;

/**
 * Runs on the paused frame, once per capture the worker takes: reads the request context (trace
 * and span IDs, request ID, route, URL...) and, for a snapshot, adds the `tracekit.snapshot`
 * event to the active span now, while the request's span is certainly still open. It touches
 * only TraceKit's own state, never an app value, and never throws.
 */
function onProbeHit(snapshotId: string, probeId: string, snapshot: boolean): void {
  try {
    if (typeof snapshotId !== 'string' || typeof probeId !== 'string') return;
    if (taken.size >= MAX_TAKEN) taken.delete(taken.keys().next().value as string);
    taken.set(snapshotId, captureContext());
    // With the global capture budget spent the main thread will drop this capture: no event pointing at nothing.
    if (snapshot && activeMonitor()?.full !== true) activeSpan()?.addEvent(SNAPSHOT_EVENT, { 'tracekit.snapshot.id': snapshotId, 'tracekit.probe.id': probeId });
  } catch {
    // Never into the app.
  }
}

/** Results of hits run at pauses, waiting for their hit message (bounded like `taken`). */
const results = new Map<string, ProbeResult>();
/** The walker's limits of the running probe manager (`codeMonitoring` options). */
let walkLimits: WalkLimits = WALK_LIMITS;
/** The armed probes compiled for the app's thread, by probe ID (see `setProbePrograms`). */
const programs = new Map<string, { key: string; program: ProbeProgram | undefined }>();

/** Compiles the armed probes (a probe unchanged since the last call keeps its program). */
export function setProbePrograms(probes: ReadonlyArray<ProbeSpec & { id: string }>): void {
  const keep = new Set<string>();
  for (const p of probes) {
    keep.add(p.id);
    const key = JSON.stringify([p.condition, p.capture, p.log]);
    if (programs.get(p.id)?.key !== key) programs.set(p.id, { key, program: compileProbe(p) });
  }
  for (const id of programs.keys()) if (!keep.has(id)) programs.delete(id);
}

/**
 * Runs on the paused frame for a probe's fast hit, called by the worker with TraceKit's fixed
 * expression (`probeEvalExpression`): `roots` (the variables the probe's expressions read, by
 * name), `self` (the frame's `this`) and `locals` (a plain probe's local variables) are object
 * literals the expression built. Evaluates the probe's compiled condition; when it holds, takes
 * the request context as `onProbeHit` does and keeps the log message or the walked, redacted
 * values for the hit message. Returns `'skip'` (condition false), `'ok'`, or false when it could
 * not run (the worker then reads with the protocol); never throws.
 */
function onProbeEval(snapshotId: string, probeId: string, roots: unknown, self: unknown, locals: unknown): 'ok' | 'skip' | false {
  try {
    if (typeof snapshotId !== 'string' || typeof probeId !== 'string' || roots === null || typeof roots !== 'object') return false;
    const program = programs.get(probeId)?.program;
    if (!program) return false;
    const scope = { roots, self };
    if (!conditionHolds(program, scope)) return 'skip';
    onProbeHit(snapshotId, probeId, !program.template);
    const monitor = activeMonitor();
    // With the global budget spent the capture is dropped anyway: no walk.
    const walker = monitor && !monitor.full ? new Walker(monitor.tools, walkLimits) : undefined;
    const result = runProbe(program, scope, locals, walker);
    if (results.size >= MAX_TAKEN) results.delete(results.keys().next().value as string);
    results.set(snapshotId, result);
    return 'ok';
  } catch {
    return false;
  }
}

function define(name: string, fn: unknown): void {
  if (Object.prototype.hasOwnProperty.call(globalThis, name)) return;
  try {
    Object.defineProperty(globalThis, name, { value: fn, enumerable: false, configurable: true, writable: false });
  } catch {
    // A frozen global: probes then carry no request context (and read locals with the protocol).
  }
}

/** Installs the hooks (idempotent); `limits` are the walker's limits for fast hits. */
export function installProbeHook(limits: WalkLimits = WALK_LIMITS): void {
  walkLimits = limits;
  define(PROBE_HOOK, onProbeHit);
  define(PROBE_EVAL, onProbeEval);
}

/** Removes the hooks (when the probe manager stops). */
export function removeProbeHook(): void {
  const g = globalThis as Record<string, unknown>;
  if (g[PROBE_HOOK] === onProbeHit) delete g[PROBE_HOOK];
  if (g[PROBE_EVAL] === onProbeEval) delete g[PROBE_EVAL];
  taken.clear();
  results.clear();
  programs.clear();
}

/** The result of the hit run at the pause of snapshot `snapshotId` (once), or undefined. */
export function takeProbeResult(snapshotId: string): ProbeResult | undefined {
  const result = results.get(snapshotId);
  results.delete(snapshotId);
  return result;
}

/** The context taken at the pause of snapshot `snapshotId` (once), or undefined. */
export function takeProbeContext(snapshotId: string | undefined): CaptureContext | undefined {
  if (snapshotId === undefined) return undefined;
  const ctx = taken.get(snapshotId);
  taken.delete(snapshotId);
  return ctx;
}
