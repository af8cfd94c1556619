import type { CodeMonitor } from './monitor.js';

/** The running monitor, when code monitoring is on; read by every `captureSnapshot` call. */
let monitor: CodeMonitor | undefined;

/** Installs (or, with `undefined`, removes) the monitor `captureSnapshot` reports to. */
export function setActiveMonitor(m: CodeMonitor | undefined): void {
  monitor = m;
}

/** The monitor in force, if any. */
export function activeMonitor(): CodeMonitor | undefined {
  return monitor;
}

/**
 * Records the values of `variables` here, with the stack and the request context, as a snapshot
 * (an OTLP log record `tracekit.snapshot` in `.tracekit/logs.jsonl` and over OTLP logs, and a
 * `tracekit.snapshot` event on the active span). The first call with a label registers a
 * breakpoint for it (its file, line and function, resolved once, through source maps) in
 * `.tracekit/breakpoints.json`, armed while code monitoring is on; the file, `tracekit
 * breakpoints …` and the breakpoints endpoint disarm, re-arm or expire it. Captures are limited
 * (by default one a second and 100 in all per breakpoint, 25 a second in all, for 24 h) and
 * redacted field by field; values are walked with limits and never through getters, `toJSON` or
 * Proxy traps (docs/code-monitoring.md).
 *
 * Synchronous; never throws, never awaits. With code monitoring off, or the breakpoint disarmed
 * or rate-limited, it returns after a couple of property reads and does not call a `variables`
 * callback, so it can stay in hot code. Labels name breakpoints: use one label per call site.
 *
 * @example
 * tracekit.captureSnapshot('checkout.total', { cart, user, total });
 * // the callback runs only when a capture is taken
 * tracekit.captureSnapshot('pricing.rules', () => ({ rules: engine.rules, input }));
 */
export function captureSnapshot(label: string, variables?: Record<string, unknown> | (() => unknown)): void {
  const m = monitor;
  if (m === undefined) return;
  const bp = m.sites.get(label);
  if (bp !== undefined) {
    if (bp.state !== 0) {
      m.skips[bp.state]!++;
      return;
    }
    if (m.full) {
      m.skips[5]!++;
      return;
    }
  }
  m.capture(label, bp, variables, captureSnapshot);
}
