import type { LogExporter, LogRecordData } from './log-types.js';

/** Keeps exported log records in memory: the test seam of the logs pipeline. */
export class InMemoryLogExporter implements LogExporter {
  readonly records: LogRecordData[] = [];

  export(records: LogRecordData[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }

  exportSync(records: LogRecordData[]): void {
    this.records.push(...records);
  }

  reset(): void {
    this.records.length = 0;
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
