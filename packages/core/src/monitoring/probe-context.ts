import { activeSpan } from '../context/context.js';
import { captureContext, type CaptureContext } from './request-context.js';
import { activeMonitor } from './capture-snapshot.js';
import { PROBE_HOOK } from './probe-protocol.js';
import { SNAPSHOT_EVENT } from './snapshot-record.js';


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

/** Installs the hook (idempotent). */
export function installProbeHook(): void {
  if (Object.prototype.hasOwnProperty.call(globalThis, PROBE_HOOK)) return;
  try {
    Object.defineProperty(globalThis, PROBE_HOOK, { value: onProbeHit, enumerable: false, configurable: true, writable: false });
  } catch {
    // A frozen global: probes then carry no request context.
  }
}

/** Removes the hook (when the probe manager stops). */
export function removeProbeHook(): void {
  if ((globalThis as Record<string, unknown>)[PROBE_HOOK] === onProbeHit) delete (globalThis as Record<string, unknown>)[PROBE_HOOK];
  taken.clear();
}

/** The context taken at the pause of snapshot `snapshotId` (once), or undefined. */
export function takeProbeContext(snapshotId: string | undefined): CaptureContext | undefined {
  if (snapshotId === undefined) return undefined;
  const ctx = taken.get(snapshotId);
  taken.delete(snapshotId);
  return ctx;
}
