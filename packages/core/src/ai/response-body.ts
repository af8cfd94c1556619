import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { parseJson } from './json-util.js';
import type { ResponseReader } from './reader.js';
import { SseParser } from './sse-parser.js';

/** A JSON body is kept whole up to this size; beyond it only its first and last bytes are kept. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** What is kept of each end of an oversized body (the usage object sits at the end). */
const EDGE_BYTES = 64 * 1024;

/** What the observer reports besides the reader's facts. */
export interface BodyEvents {
  /** The first streamed event arrived. */
  firstChunk(): void;
  /** The body was larger than `MAX_JSON_BYTES` or could not be decoded: only part of it was read. */
  truncated(): void;
}

type Decoder = zlib.Gunzip | zlib.BrotliDecompress | zlib.Inflate;

function decompressor(encoding: string | undefined): Decoder | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'deflate':
      return zlib.createInflate();
    default:
      return undefined;
  }
}

/**
 * Reads a copy of the bytes a response body delivers, as they pass by: it never holds the
 * user's stream back or changes a byte of it. `text/event-stream` bodies are parsed event by
 * event; JSON bodies are kept (bounded) and parsed once at the end. gzip, br and deflate bodies
 * are inflated here on a copy (the wire bytes are compressed; `fetch` inflates its own copy).
 */
export class ResponseBodyObserver {
  private readonly sse: SseParser | undefined;
  private readonly text: StringDecoder | undefined;
  private readonly inflate: Decoder | undefined;
  private parts: Buffer[] = [];
  private size = 0;
  private head: Buffer | undefined;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private over = false;
  private failed = false;
  private firstEvent = true;

  constructor(
    private readonly reader: ResponseReader,
    private readonly events: BodyEvents,
    contentType: string | undefined,
    contentEncoding: string | undefined,
  ) {
    if (contentType?.includes('text/event-stream')) {
      this.text = new StringDecoder('utf8');
      this.sse = new SseParser((name, data) => {
        if (this.firstEvent) {
          this.firstEvent = false;
          this.events.firstChunk();
        }
        this.reader.event(name, data);
      });
    }
    this.inflate = decompressor(contentEncoding);
    if (this.inflate) {
      this.inflate.on('data', (b: Buffer) => this.plain(b));
      this.inflate.on('error', () => {
        this.failed = true;
      });
    }
  }

  /** One chunk of the wire body. */
  chunk(chunk: Uint8Array): void {
    if (this.failed) return;
    if (this.inflate) {
      // undici hands each chunk on to fetch's stream as is (it never reuses it), so no copy is needed.
      this.inflate.write(chunk);
      return;
    }
    this.plain(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  private plain(b: Buffer): void {
    if (this.sse) {
      this.sse.push(this.text!.write(b));
      return;
    }
    if (!this.over && this.size + b.length <= MAX_JSON_BYTES) {
      this.parts.push(b);
      this.size += b.length;
      return;
    }
    if (!this.over) {
      this.over = true;
      this.head = Buffer.concat(this.parts).subarray(0, EDGE_BYTES);
      this.parts = [];
    }
    this.tail.push(b);
    this.tailSize += b.length;
    while (this.tail.length > 1 && this.tailSize - this.tail[0]!.length >= EDGE_BYTES) this.tailSize -= this.tail.shift()!.length;
  }

  /** The body ended (completely or not): parse what arrived, then call `done` (once, possibly later, after inflating). */
  finish(done: () => void): void {
    const complete = () => {
      try {
        this.parse();
      } catch {
        // a hostile body costs the span its facts, nothing else
      }
      done();
    };
    if (!this.inflate || this.failed) {
      complete();
      return;
    }
    let called = false;
    const once = () => {
      if (called) return;
      called = true;
      complete();
    };
    this.inflate.once('end', once);
    this.inflate.once('error', once);
    this.inflate.end();
    // zlib ends or fails (a cut body is "unexpected end of file"); the timer only guards the span against a stuck inflater.
    setTimeout(once, 10_000).unref();
  }

  private parse(): void {
    if (this.failed) this.events.truncated();
    if (this.sse) {
      this.sse.push(this.text!.end());
      if (this.sse.dropped > 0) this.events.truncated();
      return;
    }
    if (!this.over) {
      if (this.size === 0) return;
      const whole = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
      const body = parseJson(whole.toString('utf8'));
      this.parts = [];
      if (body !== undefined) this.reader.json(body);
      return;
    }
    this.events.truncated();
    // An oversized body: the identifiers from its start and the usage object from its end.
    const headText = this.head?.toString('utf8') ?? '';
    const tailText = Buffer.concat(this.tail).toString('utf8');
    const fields: Record<string, unknown> = {};
    for (const key of ['id', 'model', 'object', 'modelVersion', 'responseId']) {
      const m = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(headText);
      if (m) fields[key] = m[1];
    }
    for (const key of ['usage', 'usageMetadata']) {
      const at = tailText.lastIndexOf(`"${key}"`);
      if (at === -1) continue;
      const open = tailText.indexOf('{', at);
      if (open === -1) continue;
      let depth = 0;
      for (let i = open; i < tailText.length; i++) {
        const c = tailText.charCodeAt(i);
        if (c === 123) depth++;
        else if (c === 125 && --depth === 0) {
          fields[key] = parseJson(tailText.slice(open, i + 1));
          break;
        }
      }
    }
    this.reader.json(fields);
  }
}
