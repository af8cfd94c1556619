import { createHmac, randomBytes } from 'node:crypto';
import type { RedactionMode } from '../types.js';

/** Replaces one secret value. */
export type Masker = (secret: string) => string;

/** Values at least this long keep 4 characters at each end in `mask` mode; shorter ones are fully masked. */
export const MASK_MIN_LENGTH = 16;

/** `mask`: `sk-1***5678` for long values, `***` for short ones. */
export function maskValue(value: string): string {
  return value.length >= MASK_MIN_LENGTH ? `${value.slice(0, 4)}***${value.slice(-4)}` : '***';
}

/** `remove`: the value is gone. */
export const REMOVED = '[REDACTED]';

/** Hashes kept in memory, so a secret repeated on every request is hashed once. */
const HASH_CACHE_LIMIT = 1024;

/**
 * `hash`: `[HASH:xxxxxxxx]`, the first 8 hex digits of HMAC-SHA256(key, value). Equal secrets
 * give equal hashes (so they can be correlated), but without the key nobody can test guesses
 * against a hash (a dictionary attack needs the key).
 */
export function createHasher(key: string | Buffer): Masker {
  const cache = new Map<string, string>();
  return (value) => {
    let out = cache.get(value);
    if (out === undefined) {
      out = `[HASH:${createHmac('sha256', key).update(value).digest('hex').slice(0, 8)}]`;
      if (cache.size >= HASH_CACHE_LIMIT) cache.clear();
      cache.set(value, out);
    }
    return out;
  };
}

/**
 * The masker for a mode. For `hash`, the key is `redaction.hashKey`, else the
 * `TRACEKIT_REDACTION_KEY` environment variable, else 32 random bytes drawn when the client
 * starts (hashes then correlate within one process only).
 */
export function createMasker(mode: RedactionMode, hashKey: string | undefined): Masker {
  if (mode === 'remove') return () => REMOVED;
  if (mode === 'hash') return createHasher(hashKey ?? randomBytes(32));
  return maskValue;
}
