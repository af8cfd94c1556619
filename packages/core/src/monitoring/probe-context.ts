import { activeSpan } from '../context/context.js';
import { captureContext, type CaptureContext } from './request-context.js';
import { activeMonitor } from './capture-snapshot.js';
import { WALK_LIMITS, type WalkLimits } from './limits.js';
import { PROBE_CAPTURE, PROBE_HOOK } from './probe-protocol.js';
import { SNAPSHOT_EVENT } from './snapshot-record.js';
import { Walker, type WalkResult } from './walker.js';


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

/** Values walked at pauses, waiting for their hit message (bounded like `taken`). */
const walkedAt = new Map<string, WalkResult>();
/** The walker's limits of the running probe manager (`codeMonitoring` options). */
let walkLimits: WalkLimits = WALK_LIMITS;

/**
 * Runs on the paused frame for a probe that captures the frame's locals, called by the worker
 * with TraceKit's fixed expression (`probeCaptureExpression`): takes the request context as
 * `onProbeHit` does, then walks `locals` (an object literal the expression built from the frame's
 * variables) with the same getter-safe walker and redaction as `captureSnapshot`, and keeps the
 * result for the hit message. Returns true once the values are kept; never throws.
 */
function onProbeCapture(snapshotId: string, probeId: string, locals: unknown): boolean {
  try {
    if (typeof snapshotId !== 'string' || typeof probeId !== 'string') return false;
    onProbeHit(snapshotId, probeId, true);
    const monitor = activeMonitor();
    // With the global budget spent the capture is dropped anyway: no walk.
    const walked: WalkResult = monitor && !monitor.full ? new Walker(monitor.tools, walkLimits).walkVariables(locals) : { value: {}, omissions: [], omittedTotal: 0 };
    if (walkedAt.size >= MAX_TAKEN) walkedAt.delete(walkedAt.keys().next().value as string);
    walkedAt.set(snapshotId, walked);
    return true;
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

/** Installs the hooks (idempotent); `limits` are the walker's limits for fast captures. */
export function installProbeHook(limits: WalkLimits = WALK_LIMITS): void {
  walkLimits = limits;
  define(PROBE_HOOK, onProbeHit);
  define(PROBE_CAPTURE, onProbeCapture);
}

/** Removes the hooks (when the probe manager stops). */
export function removeProbeHook(): void {
  const g = globalThis as Record<string, unknown>;
  if (g[PROBE_HOOK] === onProbeHit) delete g[PROBE_HOOK];
  if (g[PROBE_CAPTURE] === onProbeCapture) delete g[PROBE_CAPTURE];
  taken.clear();
  walkedAt.clear();
}

/** The values walked at the pause of snapshot `snapshotId` (once), or undefined. */
export function takeProbeValues(snapshotId: string): WalkResult | undefined {
  const walked = walkedAt.get(snapshotId);
  walkedAt.delete(snapshotId);
  return walked;
}

/** The context taken at the pause of snapshot `snapshotId` (once), or undefined. */
export function takeProbeContext(snapshotId: string | undefined): CaptureContext | undefined {
  if (snapshotId === undefined) return undefined;
  const ctx = taken.get(snapshotId);
  taken.delete(snapshotId);
  return ctx;
}
