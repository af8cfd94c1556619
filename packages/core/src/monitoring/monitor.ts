import { activeSpan } from '../context/context.js';
import { debug } from '../diag.js';
import type { LogRecordData } from '../export/log-types.js';
import type { RedactTools } from '../redaction/structured.js';
import { nowMs } from '../tracing/time.js';
import { EndpointPoller } from './endpoint-poller.js';
import { FileControl } from './file-control.js';
import { CONTROL_LIMITS } from './limits.js';
import type { BreakpointEntry, BreakpointsDocument, ProbeEntry } from './model.js';
import type { MonitoringConfig } from './options.js';
import { breakpointVerdict, coolingEnds, GlobalBudget, type Limited } from './rate-limits.js';
import { captureContext, type CaptureContext } from './request-context.js';
import { breakpointId, callSiteFrom, SiteMapper, stackHere, type CallSite } from './site.js';
import { snapshotFrames } from './snapshot-stack.js';
import { probeLogRecord, SNAPSHOT_EVENT, snapshotId, snapshotRecord, type SnapshotSource } from './snapshot-record.js';
import { Walker, type WalkResult } from './walker.js';

/** A breakpoint's state; anything but `ARMED` makes `captureSnapshot` return after one property read. */
export const ARMED = 0;
const DISARMED = 1;
const COOLING = 2;
const EXHAUSTED = 3;
const EXPIRED = 4;
const GLOBAL = 5;
const STATE_NAMES = ['armed', 'disarmed', 'cooling', 'exhausted', 'expired'];
/** `client.stats()` names of the skip counters, by state. */
const SKIP_COUNTERS = ['', 'snapshotsSkippedDisarmed', 'snapshotsSkippedRateLimited', 'snapshotsSkippedMaxCaptures', 'snapshotsSkippedExpired', 'snapshotsSkippedGlobalLimit'];

/** One breakpoint, as the registry keeps it. */
export interface Breakpoint extends Limited {
  readonly id: string;
  readonly label: string;
  /** The original site (through source maps, once they are read). */
  site: CallSite;
  /** `ARMED` or why not. Read on every `captureSnapshot` call. */
  state: number;
  enabled: boolean;
  timer: NodeJS.Timeout | undefined;
  /** In the file (read from it, or written to it): only then does its absence from the file mean it was removed. */
  persisted: boolean;
}

/** What the monitor needs from the client. */
export interface MonitorHost {
  emitLog(record: LogRecordData): void;
  counters: Record<string, number>;
  appRoot: string;
  maxFrames: number;
  /** The redactor's tools; undefined when redaction is off. */
  tools: RedactTools | undefined;
}

/** The line-probe side, started only when a probe is configured (see probe-manager.ts). */
export interface ProbeController {
  apply(probes: ProbeEntry[]): void;
  entries(): ProbeEntry[];
  /** Whether the worker has the V8 debugger enabled now, and how often it enabled it. */
  debuggerState(): { enables: number; enabled: boolean };
  stop(): void;
}

/**
 * Code monitoring's state in one process: the breakpoints registered by `captureSnapshot` (by
 * label, so a site is resolved once), their limits, the breakpoints file and endpoint that
 * control them, and the captures. The hot path (`capture-snapshot.ts`) reads `sites` and
 * `state` only; everything here runs on the first call at a site or on an armed capture.
 */
export class CodeMonitor {
  /** Breakpoints by label: what `captureSnapshot` looks up. */
  readonly sites = new Map<string, Breakpoint>();
  private readonly byId = new Map<string, Breakpoint>();
  /** Entries of the file for breakpoints this process has not reached yet. */
  private readonly known = new Map<string, BreakpointEntry>();
  /** True while the global budget of this second is spent. Read on the hot path. */
  full = false;
  /** Skipped captures by reason (indexes are the states, plus `GLOBAL`). */
  readonly skips = new Float64Array(6);
  private readonly budget: GlobalBudget;
  private readonly mapper: SiteMapper;
  private readonly file: FileControl;
  private readonly endpoint: EndpointPoller | undefined;
  private readonly tick: NodeJS.Timeout;
  private fullTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<void>>();
  private dirty = false;
  probes: ProbeController | undefined;
  private probeEntries: ProbeEntry[] = [];

  constructor(
    readonly config: MonitoringConfig,
    private readonly host: MonitorHost,
    /** The clock of the limits (epoch ms); tests pass a manual one. */
    private readonly now: () => number = Date.now,
    /** Starts the line-probe side when a probe appears; undefined when probes are off. */
    private readonly startProbes?: (monitor: CodeMonitor) => ProbeController | undefined,
  ) {
    const c = host.counters;
    for (const name of ['snapshotsCaptured', 'snapshotsFailed', 'breakpointsFileErrors', 'breakpointsEndpointPolls', 'breakpointsEndpointFailures', ...SKIP_COUNTERS.slice(1)]) c[name] ??= 0;
    this.budget = new GlobalBudget(config.limits.globalPerSecond);
    this.mapper = new SiteMapper(host.appRoot);
    this.file = new FileControl(config.breakpointsFile, host.appRoot, {
      onDocument: (doc) => this.applyDocument(doc),
      onInvalid: () => c.breakpointsFileErrors!++,
    });
    this.file.readInitial();
    this.tick = setInterval(() => this.maintain(), CONTROL_LIMITS.pollMs);
    this.tick.unref();
    if (config.breakpointsUrl) {
      this.endpoint = new EndpointPoller(config.breakpointsUrl, host.appRoot, (doc) => this.applyDocument(doc, true), c as never);
      this.endpoint.start();
    }
  }

  /** The client's counters (probes add theirs). */
  get hostCounters(): Record<string, number> {
    return this.host.counters;
  }

  /** The clock of the limits. */
  clock(): number {
    return this.now();
  }

  /** The redactor's tools (undefined with redaction off). */
  get tools(): RedactTools | undefined {
    return this.host.tools;
  }

  /** Emits a log probe's (redacted) message. */
  emitProbeLog(probeId: string, file: string, line: number, message: string, pauseMs: number, context?: CaptureContext): void {
    this.host.emitLog(probeLogRecord(nowMs(), probeId, file, line, message, pauseMs, context));
  }

  /** Skip counters for `client.stats()`. */
  stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 1; i < SKIP_COUNTERS.length; i++) out[SKIP_COUNTERS[i]!] = this.skips[i]!;
    return out;
  }

  /** The breakpoints as the file shows them. */
  list(): BreakpointEntry[] {
    const out: BreakpointEntry[] = [];
    for (const bp of this.byId.values()) out.push(this.entryOf(bp));
    for (const [id, entry] of this.known) if (!this.byId.has(id)) out.push({ ...entry, captures: Math.max(0, entry.captures), expiresAt: entry.expiresAt ?? null });
    return out;
  }

  /**
   * A capture at a breakpoint that was armed when `captureSnapshot` looked (or the first call at a
   * site, `bp` undefined). `skip` is `captureSnapshot` itself, left out of stacks. Never throws.
   */
  capture(label: string, bp: Breakpoint | undefined, variables: unknown, skip: (...args: never[]) => unknown): void {
    try {
      if (bp === undefined) {
        bp = this.register(label, skip);
        if (bp === undefined) return;
        if (bp.state !== ARMED) {
          this.skips[bp.state]!++;
          return;
        }
      }
      const now = this.now();
      if (!this.admit(bp, now)) return;
      let vars = variables;
      let failed = false;
      if (typeof vars === 'function') {
        try {
          vars = (vars as () => unknown)();
        } catch {
          failed = true;
          vars = undefined;
        }
      }
      const walked = new Walker(this.host.tools, this.config.walk).walkVariables(vars);
      if (failed) {
        walked.omittedTotal++;
        walked.omissions.unshift({ path: '', reason: 'error' });
      }
      const source: SnapshotSource = { kind: 'api', id: bp.id, label, file: bp.site.relativeFile, line: bp.site.line, function: bp.site.function };
      this.emit(source, walked, stackHere(skip));
    } catch (e) {
      this.host.counters.snapshotsFailed!++;
      debug(`captureSnapshot failed: ${String(e)}`);
    }
  }

  /**
   * Applies the limits to one capture about to happen; false (counted) when a limit says no.
   * Shared with line probes (one global budget for both).
   */
  admit(bp: Breakpoint | undefined, now: number): boolean {
    if (bp) {
      const verdict = breakpointVerdict(bp, now, this.config.limits.perBreakpointPerSecond);
      if (verdict !== 'ok') {
        this.settle(bp, now);
        this.skips[bp.state === ARMED ? COOLING : bp.state]!++;
        return false;
      }
    }
    if (!this.budget.take(now)) {
      this.skips[GLOBAL]!++;
      this.setFull(now);
      return false;
    }
    if (bp) {
      bp.captures++;
      bp.lastCapture = now;
      this.settle(bp, now);
      this.dirty = true;
    }
    return true;
  }

  /**
   * Builds, links and emits one snapshot record; its stack is resolved first (asynchronously if a
   * file must be read). `taken`: a line probe's snapshot ID and the request context read at its
   * pause (the span event was added then); without it, both come from here.
   */
  emit(source: SnapshotSource, walked: WalkResult, stack: string | undefined, taken?: { id: string; context: CaptureContext | undefined }): string {
    const id = taken ? taken.id : snapshotId();
    const record = snapshotRecord(id, nowMs(), source, walked, taken ? (taken.context ?? { attributes: {}, traceId: undefined, spanId: undefined }) : captureContext());
    if (!taken) activeSpan()?.addEvent(SNAPSHOT_EVENT, { 'tracekit.snapshot.id': id, [source.kind === 'api' ? 'tracekit.breakpoint.id' : 'tracekit.probe.id']: source.id });
    this.host.counters.snapshotsCaptured!++;
    if (stack === undefined) {
      this.host.emitLog(record);
      return id;
    }
    const frames = snapshotFrames(stack, { appRoot: this.host.appRoot, maxFrames: this.host.maxFrames }, this.mapper.caches);
    if (typeof frames === 'string') {
      record.attributes['tracekit.snapshot.stack'] = frames;
      this.host.emitLog(record);
    } else {
      const p = frames.then(
        (text) => {
          record.attributes['tracekit.snapshot.stack'] = text;
          this.host.emitLog(record);
        },
        () => this.host.emitLog(record),
      );
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
    return id;
  }

  /** Resolves when every capture waiting for its stack went to the pipeline. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.finalWrite;
  }

  /** The last write of the file, started by `stop()` when something had not been written yet. */
  private finalWrite: Promise<void> | undefined;

  /** The first call at a site: resolves it once, registers the breakpoint, and schedules the file write. */
  private register(label: string, skip: (...args: never[]) => unknown): Breakpoint | undefined {
    if (typeof label !== 'string' || label === '') {
      debug('captureSnapshot: the label must be a non-empty string');
      return undefined;
    }
    if (this.sites.size >= CONTROL_LIMITS.maxBreakpoints) return undefined;
    const generated = callSiteFrom(stackHere(skip), this.host.appRoot) ?? { file: '<unknown>', relativeFile: '<unknown>', line: 0, column: 0, function: '' };
    const id = breakpointId(label, generated);
    const now = this.now();
    const entry = this.known.get(id);
    const bp: Breakpoint = {
      id,
      label,
      site: generated,
      state: ARMED,
      enabled: entry?.enabled ?? true,
      captures: Math.max(0, entry?.captures ?? 0),
      maxCaptures: entry && entry.maxCaptures >= 0 ? entry.maxCaptures : this.config.limits.maxCapturesPerBreakpoint,
      lastCapture: 0,
      expiresAt: entry?.expiresAt === undefined ? now + this.config.limits.expiryMs : entry.expiresAt === null ? Infinity : Date.parse(entry.expiresAt),
      timer: undefined,
      persisted: entry !== undefined,
    };
    this.sites.set(label, bp);
    this.byId.set(id, bp);
    this.settle(bp, now);
    this.dirty = true;
    this.file.scheduleWrite(() => this.document());
    // The TypeScript line, once the generated file's map is read (off the request path).
    void this.mapper.original(generated).then(
      (site) => {
        if (site !== generated) {
          bp.site = site;
          this.file.scheduleWrite(() => this.document());
        }
      },
      () => undefined,
    );
    return bp;
  }

  /** Sets `bp.state` from its switch and limits at `now`, with a timer to re-arm a cooling breakpoint. */
  private settle(bp: Breakpoint, now: number): void {
    const before = bp.state;
    if (!bp.enabled) bp.state = DISARMED;
    else {
      const verdict = breakpointVerdict(bp, now, this.config.limits.perBreakpointPerSecond);
      bp.state = verdict === 'ok' ? ARMED : verdict === 'cooling' ? COOLING : verdict === 'exhausted' ? EXHAUSTED : EXPIRED;
    }
    if (bp.state === COOLING && !bp.timer) {
      bp.timer = setTimeout(() => {
        bp.timer = undefined;
        this.settle(bp, this.now());
      }, Math.max(1, coolingEnds(bp, this.config.limits.perBreakpointPerSecond) - now));
      bp.timer.unref();
    }
    if ((before === EXHAUSTED || before === EXPIRED || bp.state === EXHAUSTED || bp.state === EXPIRED) && before !== bp.state) this.dirty = true;
  }

  private setFull(now: number): void {
    this.full = true;
    if (this.fullTimer) return;
    this.fullTimer = setTimeout(() => {
      this.fullTimer = undefined;
      this.refresh();
    }, Math.max(1, this.budget.windowEnds - now));
    this.fullTimer.unref();
  }

  /** Re-evaluates every breakpoint and the global budget on the clock (the timers call it; tests call it after moving the clock). */
  refresh(): void {
    const now = this.now();
    if (this.full && !this.budget.spent(now)) this.full = false;
    for (const bp of this.byId.values()) if (bp.state !== DISARMED) this.settle(bp, now);
  }

  /** Every second: the file, the limits, and a write when captures or states changed. */
  private maintain(): void {
    this.refresh();
    void this.file.poll();
    if (this.dirty) {
      this.dirty = false;
      this.file.scheduleWrite(() => this.document());
    }
  }

  /** Applies a breakpoints document from the file or the endpoint. */
  applyDocument(doc: BreakpointsDocument, fromEndpoint = false): void {
    const now = this.now();
    const listed = new Set<string>();
    for (const entry of doc.breakpoints) {
      listed.add(entry.id);
      this.known.set(entry.id, entry);
      const bp = this.byId.get(entry.id);
      if (!bp) continue;
      bp.enabled = entry.enabled;
      if (entry.maxCaptures >= 0) bp.maxCaptures = entry.maxCaptures;
      if (entry.expiresAt !== undefined) bp.expiresAt = entry.expiresAt === null ? Infinity : Date.parse(entry.expiresAt);
      // A lower count is a reset (`tracekit breakpoints enable` sets it to 0); an entry without one changes nothing.
      if (entry.captures >= 0 && entry.captures < bp.captures) bp.captures = entry.captures;
      this.settle(bp, now);
    }
    if (!fromEndpoint) {
      // Removed from the file (`tracekit breakpoints clear`): disarmed, and listed again as such.
      for (const bp of this.byId.values()) {
        if (!listed.has(bp.id) && bp.enabled && bp.persisted) {
          bp.enabled = false;
          this.settle(bp, now);
          this.dirty = true;
        }
      }
    }
    this.applyProbes(doc.probes);
  }

  private applyProbes(probes: ProbeEntry[]): void {
    this.probeEntries = probes;
    if (!this.probes && probes.some((p) => p.enabled) && this.startProbes) this.probes = this.startProbes(this);
    this.probes?.apply(probes);
  }

  /** Marks the file for a write (probe statuses changed). */
  touch(): void {
    this.dirty = true;
  }

  private entryOf(bp: Breakpoint): BreakpointEntry {
    const entry: BreakpointEntry = {
      id: bp.id,
      label: bp.label,
      file: bp.site.relativeFile,
      line: bp.site.line,
      function: bp.site.function,
      enabled: bp.enabled,
      captures: bp.captures,
      maxCaptures: bp.maxCaptures,
      expiresAt: bp.expiresAt === Infinity ? null : new Date(bp.expiresAt).toISOString(),
    };
    if (bp.state === DISARMED || bp.state === EXHAUSTED || bp.state === EXPIRED) entry.status = STATE_NAMES[bp.state];
    return entry;
  }

  /** The document written to the file: every breakpoint known, and the probes with their statuses. */
  document(): BreakpointsDocument {
    for (const bp of this.byId.values()) bp.persisted = true;
    return { breakpoints: this.list(), probes: this.probes ? this.probes.entries() : this.probeEntries };
  }

  /** Writes the file now (tests, shutdown). */
  writeFile(): Promise<void> {
    return this.file.writeNow(() => this.document());
  }

  /** Polls the file now (tests). */
  pollFile(): Promise<void> {
    return this.file.poll();
  }

  /** Stops timers, the endpoint and the probes. */
  stop(): void {
    // New breakpoints, counts or statuses not written yet: one last write (awaited by `idle()`, so by `shutdown()`).
    if (this.dirty || this.file.writePending) this.finalWrite = this.file.writeNow(() => this.document());
    clearInterval(this.tick);
    clearTimeout(this.fullTimer);
    this.file.stop();
    this.endpoint?.stop();
    for (const bp of this.byId.values()) clearTimeout(bp.timer);
    this.probes?.stop();
  }
}
