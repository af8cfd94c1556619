/**
 * Helpers of the code-monitoring tests: a client with in-memory exporters, a manual clock and a
 * breakpoints file in a temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getClient, init, shutdown, type ReadableSpan, type TracekitOptions } from '../../src/adapter-api.js';
import type { LogRecordData } from '../../src/export/log-types.js';
import { InMemoryLogExporter, InMemorySpanExporter } from '../../src/testing/index.js';
import type { CodeMonitor } from '../../src/monitoring/monitor.js';

/** A clock the test moves by hand (epoch ms). */
export class ManualClock {
  t = Date.now();
  readonly now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Monitored {
  clock: ManualClock;
  dir: string;
  file: string;
  monitor: CodeMonitor;
  snapshots(): Promise<LogRecordData[]>;
  spans(): Promise<ReadableSpan[]>;
  stats(): Record<string, number>;
}

/** A fresh client with code monitoring on, its breakpoints file in a new temporary directory. */
export async function monitored(options: TracekitOptions = {}, monitoring: Record<string, unknown> = {}, clock = new ManualClock()): Promise<Monitored> {
  if (getClient()) await shutdown();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-monitor-'));
  const file = path.join(dir, 'breakpoints.json');
  const exporter = new InMemorySpanExporter();
  const logs = new InMemoryLogExporter();
  const client = init(
    { handleShutdown: false, batchDelayMs: 5, serviceName: 'monitor-test', codeMonitoring: { breakpointsFile: file, ...monitoring }, ...options },
    { exporter, logExporter: logs, env: {}, now: clock.now },
  );
  return {
    clock,
    dir,
    file,
    monitor: client.monitor!,
    async snapshots() {
      await client.flush();
      return logs.records.filter((r) => r.eventName === 'tracekit.snapshot');
    },
    async spans() {
      await client.flush();
      return [...exporter.spans];
    },
    stats: () => client.stats(),
  };
}

/** The variables of a snapshot record. */
export const body = (r: LogRecordData) => JSON.parse(String(r.body)) as Record<string, unknown>;
