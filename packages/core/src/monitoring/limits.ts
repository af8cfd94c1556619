/**
 * Every collection limit of code monitoring in one place, one comment per number. The walker
 * (snapshots) and the probe worker (line probes) both use them, so a probe capture and a
 * `captureSnapshot` capture of the same value look the same.
 */
export const WALK_LIMITS = {
  /** Levels expanded below the variables object: a variable is level 1, its fields level 2, theirs 3. Deeper objects are omitted (`depth`). */
  maxDepth: 3,
  /** Own fields shown per object; the rest are counted and omitted (`size`). */
  maxFields: 20,
  /** Items shown per array, Map, Set or typed array; the rest are counted and omitted (`size`). */
  maxItems: 100,
  /** Characters kept per string (after redaction of a slightly longer window, so a secret cut at the edge is still found). */
  maxString: 255,
  /** Characters of JSON per snapshot (64 KiB); values past the budget are omitted (`size`). */
  maxBytes: 64 * 1024,
  /** Omission entries listed per snapshot in `tracekit.snapshot.omitted`; the total is always counted. */
  maxOmissionsListed: 50,
} as const;

/** The characters scanned for secret values before a string is cut to `maxString`: a card number or key straddling the cut is still seen whole. */
export const SCAN_WINDOW = WALK_LIMITS.maxString + 64;

/** The walker's limits (all configurable through `codeMonitoring`, see `MonitoringConfig`). */
export interface WalkLimits {
  maxDepth: number;
  maxFields: number;
  maxItems: number;
  maxString: number;
  maxBytes: number;
}

/** Default capture limits of breakpoints and probes. */
export const CAPTURE_LIMITS = {
  /** Captures a second per breakpoint (the Datadog and Google defaults are one a second too). */
  perBreakpointPerSecond: 1,
  /** Captures per breakpoint before it is disarmed. */
  maxCapturesPerBreakpoint: 100,
  /** Captures a second over all breakpoints and probes together. */
  globalPerSecond: 25,
  /** A breakpoint or probe expires this long after it was armed (24 h). */
  expiryMs: 24 * 60 * 60 * 1000,
} as const;

/** Line probe limits. */
export const PROBE_LIMITS = {
  /** Hard deadline of one pause: what was not read by then is marked `timeout` and the app resumes. */
  pauseBudgetMs: 15,
  /** The worker stops starting new reads this long before the deadline (one protocol round trip). */
  pauseSafetyMs: 2,
  /** A probe whose pauses add up to more than this share of wall time over `costWindowMs` is disarmed for cost. */
  maxPauseShare: 0.01,
  /** The window of the cost check. */
  costWindowMs: 10_000,
  /** Probes at most. */
  maxProbes: 50,
  /** Captured expressions per probe. */
  maxCaptures: 10,
  /** Characters of a condition, capture or log template. */
  maxExpressionLength: 500,
} as const;

/** Breakpoints file and endpoint limits. */
export const CONTROL_LIMITS = {
  /** A breakpoints file (or endpoint body) larger than this is refused unread (1 MiB). */
  maxFileBytes: 1024 * 1024,
  /** Breakpoints registered at most (each is one site in the code). */
  maxBreakpoints: 1000,
  /** The file is checked this often (edits take effect within 2 s). */
  pollMs: 1000,
  /** New breakpoints are written to the file this long after the last change (debounce). */
  writeDelayMs: 250,
  /** The endpoint is polled this often. */
  endpointPollMs: 30_000,
  /** An endpoint request is abandoned after this long. */
  endpointTimeoutMs: 5000,
} as const;
