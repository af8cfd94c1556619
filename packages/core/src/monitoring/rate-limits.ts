/** The capture limits in force (defaults in `CAPTURE_LIMITS`, configurable through `codeMonitoring`). */
export interface CaptureLimits {
  perBreakpointPerSecond: number;
  maxCapturesPerBreakpoint: number;
  globalPerSecond: number;
  expiryMs: number;
}

/** What a breakpoint's own limits say about one more capture now. */
export type LimitVerdict = 'ok' | 'cooling' | 'exhausted' | 'expired';

/** The per-breakpoint state the limits look at. */
export interface Limited {
  captures: number;
  maxCaptures: number;
  /** Epoch ms of the last capture, 0 before the first. */
  lastCapture: number;
  /** Epoch ms, `Infinity` for never. */
  expiresAt: number;
}

/** A breakpoint's own limits: at most `perSecond` captures a second, `maxCaptures` in all, none after `expiresAt`. */
export function breakpointVerdict(bp: Limited, now: number, perSecond: number): LimitVerdict {
  if (now >= bp.expiresAt) return 'expired';
  if (bp.captures >= bp.maxCaptures) return 'exhausted';
  if (bp.lastCapture > 0 && now - bp.lastCapture < 1000 / perSecond) return 'cooling';
  return 'ok';
}

/** When a cooling breakpoint may capture again (epoch ms). */
export function coolingEnds(bp: Limited, perSecond: number): number {
  return bp.lastCapture + 1000 / perSecond;
}

/**
 * The limit over all breakpoints and probes together: at most `perSecond` captures in each
 * one-second window. Pure, on the clock it is given.
 */
export class GlobalBudget {
  private windowStart = -Infinity;
  private used = 0;

  constructor(private readonly perSecond: number) {}

  /** Takes one capture from the current window; false when the window is spent. */
  take(now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perSecond) return false;
    this.used++;
    return true;
  }

  /** True while the current window is spent (until `windowEnds`). */
  spent(now: number): boolean {
    return now - this.windowStart < 1000 && this.used >= this.perSecond;
  }

  /** Epoch ms at which the current window ends. */
  get windowEnds(): number {
    return this.windowStart + 1000;
  }
}
