import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';

/** Why a request body was refused; `status` is the HTTP answer. */
export class BodyError extends Error {
  override name = 'BodyError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Body limits of the receiver. */
export interface BodyLimits {
  /** Bytes on the wire (compressed or not). */
  maxBytes: number;
  /** Bytes after decompression: a gzip bomb stops inflating here and is refused. */
  maxInflatedBytes: number;
}

/**
 * The request body, bounded: a body larger than `maxBytes` is refused with 413 as soon as it
 * crosses the limit (by `Content-Length` before reading a byte, else while reading), and a
 * `Content-Encoding: gzip` (or `deflate`) body is inflated asynchronously with zlib's
 * `maxOutputLength`, so a decompression bomb stops at `maxInflatedBytes` and is refused with 413.
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw new BodyError(413, `body larger than ${limits.maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limits.maxBytes) {
      req.resume();
      throw new BodyError(413, `body larger than ${limits.maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding !== 'gzip' && encoding !== 'deflate') throw new BodyError(415, `unsupported Content-Encoding "${encoding}" (gzip, deflate or none)`);
  const inflate = encoding === 'gzip' ? zlib.gunzip : zlib.inflate;
  return new Promise<Buffer>((resolve, reject) => {
    inflate(raw, { maxOutputLength: limits.maxInflatedBytes }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(new BodyError(413, `decompressed body larger than ${limits.maxInflatedBytes} bytes`));
      else reject(new BodyError(400, `body is not valid ${encoding}: ${err.message}`));
    });
  });
}
