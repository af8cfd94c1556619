/**
 * The shapes of code monitoring's control data: `.tracekit/breakpoints.json`, the polled
 * endpoint's body and `tracekit breakpoints ls` / `tracekit probe ls` all use them.
 */

/** A breakpoint: one `captureSnapshot` site. */
export interface BreakpointEntry {
  id: string;
  label: string;
  /** The original source file (through source maps), relative to the app root. */
  file: string;
  line: number;
  function: string;
  /** Armed (true) or disarmed (false). */
  enabled: boolean;
  /** Captures taken so far (-1 when the entry did not say: an endpoint's entry). */
  captures: number;
  /** -1 when the entry did not say (the configured default applies). */
  maxCaptures: number;
  /** ISO time after which the breakpoint captures no more; `null` never expires; absent (an endpoint's entry) keeps the current one. */
  expiresAt?: string | null;
  /** Why it captures nothing now, when it does not: `disarmed`, `exhausted`, `expired`. Written by TraceKit. */
  status?: string;
}

/** Probe statuses: `pending` (waiting for its file to load), `installed`, `error` (with `error`), `expired`, `disarmed`. */
export type ProbeStatus = 'pending' | 'installed' | 'error' | 'expired' | 'disarmed';

/** A line probe: a snapshot (or a log line) at `file:line` with no code change. */
export interface ProbeEntry {
  id: string;
  /** `src/orders.ts:42`: relative to the app root (or absolute inside it). */
  location: string;
  /** An expression (docs/code-monitoring.md); the probe fires only when it is true. */
  condition?: string;
  /** Expressions whose values are captured; none captures the frame's local variables. */
  capture?: string[];
  /** A log message template with `{expression}` parts; set, the probe logs a line instead of a snapshot. */
  log?: string;
  enabled: boolean;
  /** Written by TraceKit. */
  status?: ProbeStatus;
  /** The reason of an `error` or `disarmed` status. Written by TraceKit. */
  error?: string;
  hits?: number;
  maxHits?: number;
  expiresAt?: string | null;
}

/** The whole file. */
export interface BreakpointsDocument {
  breakpoints: BreakpointEntry[];
  probes: ProbeEntry[];
}
