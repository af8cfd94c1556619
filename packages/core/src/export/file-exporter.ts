import fs from 'node:fs';
import path from 'node:path';
import { traceLineBytesEncoder, type LineEncoder } from './otlp-json-bytes.js';
import type { ExportMeta, ReadableSpan, SpanExporter } from './types.js';

/** Options of {@link JsonlFile}. */
export interface JsonlFileOptions {
  /** Rotate when the file would grow past this many bytes. */
  maxBytes: number;
  /** Rotated files kept (`traces.1.jsonl` newest ... `traces.N.jsonl` oldest); 0 truncates instead. */
  maxFiles: number;
}

/**
 * An append-only JSONL file, rotated by size, written asynchronously one batch (one line) at a
 * time. Writes are queued so lines never interleave.
 */
export class JsonlFile {
  private size = -1;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly options: JsonlFileOptions,
  ) {}

  /** Appends one line (which must end with a newline), rotating first if needed. */
  append(line: string | Buffer): Promise<void> {
    const next = this.chain.then(() => this.write(line));
    // The chain itself never rejects, so one failed write does not block the ones after it.
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Waits for every queued write. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async write(line: string | Buffer): Promise<void> {
    // One conversion: the byte count and the write both use the buffer.
    const data = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
    const bytes = data.length;
    if (this.size < 0) {
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
      this.size = await fs.promises.stat(this.file).then((s) => s.size, () => 0);
    }
    if (this.size > 0 && this.size + bytes > this.options.maxBytes) await this.rotate();
    await fs.promises.appendFile(this.file, data);
    this.size += bytes;
  }

  /** For the process's `exit` event only, where nothing asynchronous can run any more. */
  appendSync(line: string | Buffer): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, line);
    if (this.size >= 0) this.size += typeof line === 'string' ? Buffer.byteLength(line) : line.length;
  }

  private async rotate(): Promise<void> {
    const { dir, name, ext } = path.parse(this.file);
    const nth = (n: number) => path.join(dir, `${name}.${n}${ext}`);
    if (this.options.maxFiles === 0) {
      await fs.promises.truncate(this.file, 0).catch(() => undefined);
    } else {
      await fs.promises.rm(nth(this.options.maxFiles), { force: true });
      for (let n = this.options.maxFiles - 1; n >= 1; n--) {
        await fs.promises.rename(nth(n), nth(n + 1)).catch(() => undefined);
      }
      await fs.promises.rename(this.file, nth(1)).catch(() => undefined);
    }
    this.size = 0;
  }
}

/**
 * The embedded default store: each batch becomes one line holding an OTLP/JSON
 * `ExportTraceServiceRequest`, the format of the OpenTelemetry Collector's file exporter.
 */
export class FileSpanExporter implements SpanExporter {
  private readonly out: JsonlFile;
  private readonly encode: LineEncoder;
  /** Lines sealed while a write was in flight (BatchExporter.sealStaged), oldest first. */
  private readonly sealed: Buffer[] = [];

  constructor(file: string, options: JsonlFileOptions, meta: ExportMeta) {
    this.out = new JsonlFile(file, options);
    this.encode = traceLineBytesEncoder(meta);
  }

  get file(): string {
    return this.out.file;
  }

  export(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    const line = this.encode(spans);
    const written = this.out.append(line);
    // Once written (or failed), the line's memory serves the next batch.
    written.then(
      () => this.encode.recycle(line),
      () => this.encode.recycle(line),
    );
    return written;
  }

  /** Encodes spans into the line the next {@link flushStaged} writes. */
  stage(spans: ReadableSpan[]): void {
    this.encode.stage(spans);
  }

  /** Closes the line being staged; the next {@link flushStaged} writes it before anything staged later. */
  sealStaged(): boolean {
    const line = this.encode.finish();
    if (line === undefined) return false;
    this.sealed.push(line);
    return true;
  }

  /** Writes the oldest sealed line, or else the staged one (one batch). */
  flushStaged(): Promise<void> {
    const line = this.sealed.shift() ?? this.encode.finish();
    if (line === undefined) return Promise.resolve();
    const written = this.out.append(line);
    written.then(
      () => this.encode.recycle(line),
      () => this.encode.recycle(line),
    );
    return written;
  }

  /** The same, synchronously (the process's `exit` event, a flush past its deadline). */
  flushStagedSync(): void {
    const line = this.sealed.shift() ?? this.encode.finish();
    if (line === undefined) return;
    this.out.appendSync(line);
    this.encode.recycle(line);
  }

  exportSync(spans: ReadableSpan[]): void {
    if (spans.length === 0) return;
    const line = this.encode(spans);
    this.out.appendSync(line);
    this.encode.recycle(line);
  }

  shutdown(): Promise<void> {
    return this.out.idle();
  }
}
