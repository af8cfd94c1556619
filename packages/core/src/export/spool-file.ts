import { createHash } from 'node:crypto';

/** The two OTLP signals TraceKit exports. */
export type Signal = 'traces' | 'logs';

/** One undelivered export request as it is kept on disk. */
export interface SpoolPayload {
  signal: Signal;
  /** `application/x-protobuf` or `application/json`. */
  contentType: string;
  /** `gzip` when the body is already compressed (it is sent as is, with `Content-Encoding: gzip`). */
  encoding: 'gzip' | 'identity';
  /** Spans or log records in the request. */
  items: number;
  body: Uint8Array;
}

/** A spool file's name, parsed: `<created ms>-<pid>-<seq>-<signal>-<items>.tkspool`. */
export interface SpoolName {
  name: string;
  created: number;
  signal: Signal;
  items: number;
}

const MAGIC = 'TKSPOOL1\n';
const NAME = /^(\d{13})-(\d+)-(\d+)-(traces|logs)-(\d+)\.tkspool$/;

/**
 * The file name sorts by creation time first, so a directory listing is oldest-first, and it
 * carries what the index needs (signal, item count) without opening the file.
 */
export function spoolFileName(created: number, pid: number, seq: number, signal: Signal, items: number): string {
  return `${String(created).padStart(13, '0')}-${pid}-${String(seq).padStart(6, '0')}-${signal}-${items}.tkspool`;
}

export function parseSpoolFileName(name: string): SpoolName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return { name, created: Number(m[1]), signal: m[4] as Signal, items: Number(m[5]) };
}

const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/**
 * The file's bytes: a magic line, a JSON header line (with the body's length and SHA-256) and
 * the body. The checksum lets replay tell a damaged or foreign file from a good one.
 */
export function encodeSpoolFile(p: SpoolPayload): Buffer {
  const header = JSON.stringify({ v: 1, signal: p.signal, contentType: p.contentType, encoding: p.encoding, items: p.items, bytes: p.body.byteLength, sha256: sha256(p.body) });
  return Buffer.concat([Buffer.from(`${MAGIC}${header}\n`), p.body]);
}

/** Reads a spool file back; a string says why it is not a valid one. */
export function decodeSpoolFile(data: Buffer, expectedSignal: Signal): SpoolPayload | string {
  if (data.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return 'not a TraceKit spool file';
  const end = data.indexOf(0x0a, MAGIC.length);
  if (end < 0) return 'no header';
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(data.subarray(MAGIC.length, end).toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'unreadable header';
  }
  const body = data.subarray(end + 1);
  if (header.v !== 1) return `unknown version ${String(header.v)}`;
  if (header.signal !== expectedSignal) return 'signal does not match the file name';
  if (header.contentType !== 'application/x-protobuf' && header.contentType !== 'application/json') return 'unknown content type';
  if (header.encoding !== 'gzip' && header.encoding !== 'identity') return 'unknown encoding';
  if (typeof header.items !== 'number' || !Number.isInteger(header.items) || header.items < 0) return 'bad item count';
  if (header.bytes !== body.byteLength) return `truncated (${body.byteLength} of ${String(header.bytes)} bytes)`;
  if (header.sha256 !== sha256(body)) return 'checksum mismatch';
  return { signal: expectedSignal, contentType: header.contentType, encoding: header.encoding, items: header.items, body };
}
