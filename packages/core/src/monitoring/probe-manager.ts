import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/config.js';
import { debug, warnOnce } from '../diag.js';
import { callerModuleDir } from '../errors/own-frames.js';
import { fileInside, parseLocation } from './breakpoints-file.js';
import { ExpressionError, parseExpression, parseTemplate } from './expression.js';
import type { ProbeEntry } from './model.js';
import type { CodeMonitor, ProbeController } from './monitor.js';
import type { WorkerOutbound, WorkerProbe } from './probe-protocol.js';
import { installProbeHook, removeProbeHook, setProbePrograms, takeProbeContext, takeProbeResult } from './probe-context.js';
import { redactTree } from './redact-tree.js';
import type { Omission, SnapshotValue, WalkResult } from './walker.js';

/** Why line probes cannot run in this process, or undefined when they can. */
export function probeRefusal(): string | undefined {
  if (!(process.features as { inspector?: boolean }).inspector) return 'this Node.js was built without the inspector';
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (flags.some((f) => /^--(inspect|inspect-brk|inspect-wait|debug)(=|$|-port)/.test(f))) {
    return 'the process was started with --inspect (a debugger may be attached); line probes never share the inspector';
  }
  try {
    const inspector = createRequire(path.join(process.cwd(), 'noop.js'))('node:inspector') as { url(): string | undefined };
    if (inspector.url() !== undefined) return `an inspector port is open (${String(inspector.url())}); line probes never share the inspector`;
  } catch {
    return 'node:inspector cannot be loaded';
  }
  if (!workerFile()) return 'the probe worker (probe-worker.js beside @tracekit/core) is missing: a bundler that does not copy it cannot run line probes';
  return undefined;
}


let cachedWorkerFile: string | null | undefined;

/** `probe-worker.js` (or `.cjs`) beside the running build; from source, the package's built copy. */
export function workerFile(): string | undefined {
  if (cachedWorkerFile !== undefined) return cachedWorkerFile ?? undefined;
  const dir = callerModuleDir();
  const candidates = dir ? [path.join(dir, 'probe-worker.js'), path.join(dir, 'probe-worker.cjs'), path.join(dir, '..', '..', 'dist', 'probe-worker.js')] : [];
  cachedWorkerFile = candidates.find((f) => fs.existsSync(f)) ?? null;
  return cachedWorkerFile ?? undefined;
}

/** Times the worker enabled the V8 debugger in this process (tests assert it stays 0 when idle). */
export const debuggerState = { enables: 0, enabled: false };

/** A probe entry's problem before it reaches the worker (bad location, bad expression), or undefined. */
export function probeProblem(entry: ProbeEntry, root: string): string | undefined {
  const loc = parseLocation(entry.location);
  if (!loc) return 'location must be "file:line"';
  if (!fileInside(root, loc.file)) return `${loc.file} is outside the project`;
  try {
    if (entry.condition) parseExpression(entry.condition);
    for (const c of entry.capture ?? []) parseExpression(c);
    if (entry.log) parseTemplate(entry.log);
  } catch (e) {
    return e instanceof ExpressionError ? `invalid expression: ${e.message}` : String(e);
  }
  return undefined;
}

/**
 * The main thread's side of line probes: turns the probes of the breakpoints file into the
 * worker's list (starting the worker on the first armed probe), keeps their statuses, expires
 * them, and turns hits into redacted snapshot (or log) records. It never touches the inspector.
 */
export class ProbeManager implements ProbeController {
  private worker: Worker | undefined;
  private list: ProbeEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  /** Recent pause durations (ms), for the benchmark. */
  readonly pauses: number[] = [];
  private readonly refusal: string | undefined;

  constructor(
    private readonly monitor: CodeMonitor,
    private readonly config: ResolvedConfig,
  ) {
    const c = monitor.hostCounters;
    for (const k of ['probeHits', 'probeHitsDropped', 'probesDisarmed']) c[k] ??= 0;
    this.refusal = probeRefusal();
    if (this.refusal) warnOnce('TK_PROBES_REFUSED', `line probes are off: ${this.refusal}`);
    this.timer = setInterval(() => this.expire(), 1000);
    this.timer.unref();
  }

  entries(): ProbeEntry[] {
    return this.list;
  }

  debuggerState(): { enables: number; enabled: boolean } {
    return { ...debuggerState };
  }

  apply(probes: ProbeEntry[]): void {
    const before = new Map(this.list.map((p) => [p.id, p]));
    const now = Date.now();
    this.list = probes.map((p) => {
      const old = before.get(p.id);
      const same = old && old.location === p.location && old.condition === p.condition && old.log === p.log && JSON.stringify(old.capture) === JSON.stringify(p.capture);
      const entry: ProbeEntry = { ...p };
      // TraceKit's fields carry over while the probe is the same one.
      if (same && old.enabled === p.enabled) {
        if (old.status) entry.status = old.status;
        if (old.error) entry.error = old.error;
        else delete entry.error;
        entry.hits = old.hits ?? 0;
      } else if (p.enabled) {
        entry.status = 'pending';
        delete entry.error;
        // Re-armed: the file's count wins (the viewer and the CLI reset it to 0 to start a fresh run),
        // else a probe disarmed at its hit limit would be disarmed again at its first hit.
        entry.hits = same ? (p.hits ?? old.hits ?? 0) : 0;
      }
      entry.maxHits ??= this.config.monitoring.limits.maxCapturesPerBreakpoint;
      if (entry.expiresAt === undefined || (p.enabled && !old?.enabled && entry.expiresAt !== null && Date.parse(entry.expiresAt) <= now)) {
        entry.expiresAt = new Date(now + this.config.monitoring.limits.expiryMs).toISOString();
      }
      if (p.enabled) {
        const problem = this.refusal ?? probeProblem(entry, this.config.appRoot);
        if (problem) {
          entry.status = 'error';
          entry.error = problem;
        }
      }
      return entry;
    });
    this.monitor.touch();
    this.sync();
  }

  /** Sends the armed probes to the worker (starting it for the first one). */
  private sync(): void {
    if (this.refusal) return;
    const armed: WorkerProbe[] = [];
    for (const p of this.list) {
      if (!p.enabled || p.status === 'error' || p.status === 'expired' || p.status === 'disarmed') continue;
      const loc = parseLocation(p.location)!;
      const probe: WorkerProbe = { id: p.id, file: fileInside(this.config.appRoot, loc.file)!, line: loc.line, maxHits: p.maxHits ?? this.config.monitoring.limits.maxCapturesPerBreakpoint, hitsBefore: p.hits ?? 0 };
      if (p.condition) probe.condition = p.condition;
      if (p.capture) probe.capture = p.capture;
      if (p.log) probe.log = p.log;
      armed.push(probe);
    }
    // The app's thread's copy, for the worker's fast hits (PROBE_EVAL): compiled before the worker hears of a probe.
    setProbePrograms(armed);
    if (armed.length === 0 && !this.worker) return;
    this.ensureWorker()?.postMessage({ type: 'set', probes: armed });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const walk = this.config.monitoring.walk;
      this.worker = new Worker(workerFile()!, {
        workerData: { walk, pauseBudgetMs: this.config.monitoring.maxPauseMs, perSecond: this.config.monitoring.limits.perBreakpointPerSecond, closed: this.closed },
        stdout: false,
        stderr: false,
      });
      installProbeHook(walk);
      // A connected inspector session makes Node print "Waiting for the debugger to disconnect" at exit: end it first.
      process.once('exit', this.onExit);
      this.worker.on('message', (m: WorkerOutbound) => this.onMessage(m));
      this.worker.on('error', (e) => this.failAll(`the probe worker failed: ${e.message}`));
      // After the listeners: adding a 'message' listener refs the worker's port again, and a
      // referenced worker kept the app from ever exiting on its own.
      this.worker.unref();
      return this.worker;
    } catch (e) {
      this.failAll(`the probe worker could not start: ${String(e)}`);
      return undefined;
    }
  }

  private failAll(reason: string): void {
    warnOnce('TK_PROBES_WORKER', reason);
    for (const p of this.list) {
      if (p.enabled) {
        p.status = 'error';
        p.error = reason;
      }
    }
    debuggerState.enabled = false;
    this.worker = undefined;
    this.monitor.touch();
  }

  private find(id: string): ProbeEntry | undefined {
    return this.list.find((p) => p.id === id);
  }

  private onMessage(m: WorkerOutbound): void {
    try {
      switch (m.type) {
        case 'debugger':
          debuggerState.enabled = m.enabled;
          if (m.enabled) debuggerState.enables++;
          return;
        case 'status': {
          const p = this.find(m.id);
          if (!p || !p.enabled) return;
          p.status = m.status;
          if (m.error) p.error = m.error;
          else delete p.error;
          this.monitor.touch();
          return;
        }
        case 'disarmed': {
          const p = this.find(m.id);
          this.monitor.hostCounters.probesDisarmed!++;
          if (!p) return;
          p.enabled = false;
          p.status = 'disarmed';
          p.error = m.reason;
          this.monitor.touch();
          // The worker drops it, and disables the debugger if it was the last one.
          this.sync();
          return;
        }
        case 'pause':
          if (this.pauses.push(m.pauseMs) > 1000) this.pauses.shift();
          return;
        case 'fatal':
          debug(`probe worker: ${m.error}`);
          return;
        case 'hit':
          return this.onHit(m);
      }
    } catch (e) {
      debug(`probe message failed: ${String(e)}`);
    }
  }

  private onHit(m: Extract<WorkerOutbound, { type: 'hit' }>): void {
    if (this.pauses.push(m.pauseMs) > 1000) this.pauses.shift();
    const result = m.taken ? takeProbeResult(m.snapshotId) : undefined;
    // A fast hit answered after the deadline that kept nothing had a false condition: not a hit.
    if (m.late && !result) {
      takeProbeContext(m.snapshotId);
      return;
    }
    const counters = this.monitor.hostCounters;
    counters.probeHits!++;
    const p = this.find(m.id);
    if (!p) return;
    p.hits = (p.hits ?? 0) + 1;
    this.monitor.touch();
    if (!this.monitor.admit(undefined, this.monitor.clock())) {
      counters.probeHitsDropped!++;
      takeProbeContext(m.snapshotId);
      return;
    }
    const loc = parseLocation(p.location)!;
    const stack = m.frames.map((f) => `    at ${f.function || '<anonymous>'} (${f.file}:${f.line}:${f.column})`).join('\n');
    const tools = this.monitor.tools;
    const context = takeProbeContext(m.snapshotId);
    const message = result && 'message' in result ? result.message : m.message;
    if (message !== undefined) {
      this.monitor.emitProbeLog(m.id, loc.file, loc.line, tools ? tools.scan(message) : message, m.pauseMs, context);
      return;
    }
    if (m.taken) {
      // Walked and redacted on the app's thread at the pause (see PROBE_EVAL).
      const walked = result && 'values' in result ? result.values : { value: { $omitted: 'error' }, omissions: [{ path: '', reason: 'error' as const }], omittedTotal: 1 };
      this.monitor.emit({ kind: 'probe', id: m.id, file: loc.file, line: loc.line, pauseMs: m.pauseMs }, walked, stack, { id: m.snapshotId, context });
      return;
    }
    const omissions: Omission[] = [...m.omissions];
    let total = m.omittedTotal;
    const value = redactTree(
      m.values ?? {},
      tools,
      (o) => {
        total++;
        if (omissions.length < 50) omissions.push(o);
      },
      '',
      true,
    ) as { [key: string]: SnapshotValue };
    const walked: WalkResult = { value, omissions, omittedTotal: total };
    this.monitor.emit({ kind: 'probe', id: m.id, file: loc.file, line: loc.line, pauseMs: m.pauseMs }, walked, stack, { id: m.snapshotId, context });
  }

  /** Expires probes past their `expiresAt`. */
  private expire(): void {
    const now = Date.now();
    let changed = false;
    for (const p of this.list) {
      if (p.enabled && p.expiresAt && Date.parse(p.expiresAt) <= now) {
        p.enabled = false;
        p.status = 'expired';
        changed = true;
      }
    }
    if (changed) {
      this.monitor.touch();
      this.sync();
    }
  }

  /** The worker sets it to 1 once its session is closed (see onExit). */
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));

  /**
   * At exit, while a probe is set, the worker closes its session and the app's thread waits for
   * that (at most 200 ms, only then): otherwise Node prints "Waiting for the debugger to
   * disconnect..." and waits itself.
   */
  private readonly onExit = (): void => {
    this.closeSession();
  };

  /**
   * Closes the worker's inspector session synchronously (the app's thread waits at most 200 ms,
   * only while a worker runs): at the 'exit' event and in `stop()`, which `shutdown()` and the
   * signal path run before the process ends, so no ending leaves a session connected. The
   * 'debugger' message may not have arrived yet, so this does not trust `debuggerState`.
   */
  private closeSession(): void {
    if (!this.worker || Atomics.load(this.closed, 0) === 1) return;
    try {
      this.worker.postMessage({ type: 'exit' });
      Atomics.wait(this.closed, 0, 0, 200);
    } catch {
      // The worker is gone: so is its session.
    }
  }

  stop(): void {
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
    removeProbeHook();
    if (this.worker) {
      this.closeSession();
      const w = this.worker;
      this.worker = undefined;
      debuggerState.enabled = false;
      void w.terminate().catch(() => undefined);
    }
  }
}

/** Starts the probe side for a monitor (see `startCodeMonitoring`). */
export function startProbeManager(monitor: CodeMonitor, config: ResolvedConfig): ProbeController {
  return new ProbeManager(monitor, config);
}
