import { JsonlFile, type JsonlFileOptions } from './file-exporter.js';
import type { LogExporter, LogRecordData } from './log-types.js';
import { toOtlpLogsRequest } from './otlp-json-logs.js';
import type { ExportMeta } from './types.js';

/** Writes log records to `.tracekit/logs.jsonl`, one OTLP/JSON `ExportLogsServiceRequest` per line. */
export class FileLogExporter implements LogExporter {
  private readonly out: JsonlFile;

  constructor(
    file: string,
    options: JsonlFileOptions,
    private readonly meta: ExportMeta,
  ) {
    this.out = new JsonlFile(file, options);
  }

  get file(): string {
    return this.out.file;
  }

  export(records: LogRecordData[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.out.append(JSON.stringify(toOtlpLogsRequest(records, this.meta)) + '\n');
  }

  exportSync(records: LogRecordData[]): void {
    if (records.length === 0) return;
    this.out.appendSync(JSON.stringify(toOtlpLogsRequest(records, this.meta)) + '\n');
  }

  shutdown(): Promise<void> {
    return this.out.idle();
  }
}
