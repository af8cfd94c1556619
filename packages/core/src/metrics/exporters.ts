import fs from 'node:fs';
import path from 'node:path';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { debug, warnOnce } from '../diag.js';
import { HttpTransport } from '../export/http-transport.js';
import { otlpTransformer } from '../export/otlp-transformer.js';
import type { ExportMeta } from '../export/types.js';
import type { OtlpCompression, OtlpProtocol } from '../types.js';
import { VERSION } from '../version.js';
import { metricsRequestJson } from './metrics-json.js';
import { encodeMetrics, type MetricsSnapshot } from './otlp-metrics.js';

const gzipAsync = promisify(gzip);

/**
 * Where metric snapshots go. Metrics are cumulative, so an export that fails is superseded by
 * the next one: there is no retry queue or spool, only a warning.
 */
export interface MetricsExporter {
  export(snapshot: MetricsSnapshot): Promise<void>;
  /** For the process's last moments (the `exit` event): write now, or do nothing if that cannot be done synchronously. */
  exportSync(snapshot: MetricsSnapshot): void;
  shutdown(): Promise<void>;
}

/**
 * Appends one OTLP/JSON `ExportMetricsServiceRequest` per line to `.tracekit/metrics.jsonl`
 * (beside the traces file), rotating to `metrics.1.jsonl` … like the span store.
 */
export class FileMetricsExporter implements MetricsExporter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly meta: ExportMeta,
    private readonly limits: { maxBytes: number; maxFiles: number },
  ) {}

  export(snapshot: MetricsSnapshot): Promise<void> {
    const line = `${metricsRequestJson(snapshot, this.meta)}\n`;
    this.chain = this.chain.then(async () => {
      try {
        await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
        await this.rotateIfNeeded(line.length, async (f) => (await fs.promises.stat(f).catch(() => undefined))?.size ?? 0, (a, b) => fs.promises.rename(a, b).catch(() => undefined));
        await fs.promises.appendFile(this.file, line);
      } catch (err) {
        warnOnce('TK_METRICS_FILE', `could not write ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return this.chain;
  }

  exportSync(snapshot: MetricsSnapshot): void {
    try {
      const line = `${metricsRequestJson(snapshot, this.meta)}\n`;
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, line);
    } catch (err) {
      debug(`metrics: could not write ${this.file} at exit: ${String(err)}`);
    }
  }

  private async rotateIfNeeded(adding: number, size: (f: string) => Promise<number>, rename: (a: string, b: string) => Promise<unknown>): Promise<void> {
    if ((await size(this.file)) + adding <= this.limits.maxBytes) return;
    const { dir, name } = path.parse(this.file);
    const numbered = (i: number) => path.join(dir, `${name}.${i}.jsonl`);
    if (this.limits.maxFiles <= 0) {
      await fs.promises.rm(this.file, { force: true });
      return;
    }
    for (let i = this.limits.maxFiles - 1; i >= 1; i--) await rename(numbered(i), numbered(i + 1));
    await rename(this.file, numbered(1));
  }

  async shutdown(): Promise<void> {
    await this.chain;
  }
}

/** Options of {@link OtlpMetricsExporter}. */
export interface OtlpMetricsOptions {
  url: string;
  protocol: OtlpProtocol;
  compression: OtlpCompression;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** POSTs each snapshot to the OTLP metrics endpoint (`…/v1/metrics`), protobuf or JSON, through core's HTTP transport. */
export class OtlpMetricsExporter implements MetricsExporter {
  private readonly transport = new HttpTransport();
  private readonly url: URL;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly meta: ExportMeta,
    private readonly o: OtlpMetricsOptions,
  ) {
    this.url = new URL(o.url);
    // Protobuf goes through the official serializer: loaded now, at init(), not in an export's timer.
    if (o.protocol === 'http/protobuf') otlpTransformer();
  }

  export(snapshot: MetricsSnapshot): Promise<void> {
    const p = this.send(snapshot);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  private async send(snapshot: MetricsSnapshot): Promise<void> {
    try {
      const encoded = encodeMetrics(snapshot, this.meta, this.o.protocol);
      const gz = this.o.compression === 'gzip';
      const body = gz ? await gzipAsync(encoded) : encoded;
      const headers: Record<string, string> = {
        'user-agent': `tracekit-node/${VERSION}`,
        ...this.o.headers,
        'content-type': this.o.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      };
      if (gz) headers['content-encoding'] = 'gzip';
      const answer = await this.transport.post(this.url, body, headers, this.o.timeoutMs).result;
      if (answer.status < 200 || answer.status >= 300) {
        warnOnce('TK_METRICS_OTLP', `${this.url.href} answered ${answer.status}; metrics are cumulative, the next export carries them`);
      }
    } catch (err) {
      warnOnce('TK_METRICS_OTLP', `${this.url.href} failed (${err instanceof Error ? err.message : String(err)}); metrics are cumulative, the next export carries them`);
    }
  }

  exportSync(): void {
    // Nothing asynchronous runs at `exit`: the last interval's metrics are lost, as with any push exporter.
  }

  /** Ends what is in flight now (an unanswered request is abandoned) and closes the sockets. */
  async shutdown(): Promise<void> {
    this.transport.destroy();
    await Promise.all([...this.inFlight]);
  }
}
