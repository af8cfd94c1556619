import type { ResolvedConfig } from '../config/config.js';
import type { LogRecordData } from '../export/log-types.js';
import type { RedactTools } from '../redaction/structured.js';
import { activeMonitor, setActiveMonitor } from './capture-snapshot.js';
import { CodeMonitor } from './monitor.js';
import { startProbeManager } from './probe-manager.js';

/**
 * Starts code monitoring for a client (when `codeMonitoring` is on): the monitor that
 * `captureSnapshot` reports to, the breakpoints file, the endpoint, and (only once a probe is
 * configured) the line-probe worker.
 */
export function startCodeMonitoring(
  config: ResolvedConfig,
  client: { emitLog(record: LogRecordData): void; mutableStats: Record<string, number> },
  tools: RedactTools | undefined,
  now?: () => number,
): CodeMonitor {
  const monitor = new CodeMonitor(
    config.monitoring,
    { emitLog: (r) => client.emitLog(r), counters: client.mutableStats, appRoot: config.appRoot, maxFrames: config.maxFrames, tools },
    now,
    config.monitoring.probes ? (m) => startProbeManager(m, config) : undefined,
  );
  setActiveMonitor(monitor);
  return monitor;
}

/** Stops a client's monitor (at shutdown). */
export function stopCodeMonitoring(monitor: CodeMonitor | undefined): void {
  if (!monitor) return;
  monitor.stop();
  if (activeMonitor() === monitor) setActiveMonitor(undefined);
}
