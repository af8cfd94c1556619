import { BUILTIN_PATTERN, looksLikeCard, worthScanning } from './builtin-patterns.js';
import type { Masker } from './modes.js';

/** Replaces every secret value pattern in a string; returns the same string when nothing matched. */
export type ValueScanner = (text: string) => string;

type Groups = Record<string, string | undefined>;

/**
 * Builds the value scanner: the built-in patterns (one pass) and then each user pattern. A user
 * pattern with a named group `secret` redacts only that group (`api-key=(?<secret>\w+)` keeps
 * `api-key=`); otherwise the whole match is redacted.
 */
export function createValueScanner(mask: Masker, userPatterns: readonly RegExp[]): ValueScanner {
  const builtin = (match: string, ...args: unknown[]): string => {
    const g = args[args.length - 1] as Groups;
    if (g.urlcreds !== undefined) return `${g.urlcreds}${mask(g.urlpass as string)}@`;
    if (g.bearer !== undefined) return `${g.bearer}${mask(g.btoken as string)}`;
    if (g.card !== undefined) return looksLikeCard(match) ? mask(match) : match;
    return mask(match);
  };
  const user = (match: string, ...args: unknown[]): string => {
    const last = args[args.length - 1];
    const secret = last !== null && typeof last === 'object' ? (last as Groups).secret : undefined;
    return secret ? match.replace(secret, mask(secret)) : mask(match);
  };
  const full = (text: string): string => {
    let out = worthScanning(text) ? text.replace(BUILTIN_PATTERN, builtin) : text;
    for (const re of userPatterns) out = out.replace(re, user);
    return out;
  };
  // Most captured strings repeat from request to request (span names, the user agent, hosts):
  // remember recent ones that held no secret, so they are looked up instead of scanned again.
  // Only clean strings are kept, so no secret stays in memory here.
  // Two generations: when the young set is full it becomes the old one, and a string found in
  // the old set moves back. Values that never repeat (IDs, timestamps) then age out without
  // flushing the ones that do repeat, which clearing one full set did every 1024 strings.
  let clean = new Set<string>();
  let old = new Set<string>();
  const users = userPatterns.length > 0;
  const remember = (text: string) => {
    if (clean.size >= CLEAN_LIMIT) {
      old = clean;
      clean = new Set();
    }
    clean.add(text);
  };
  return (text) => {
    // Short strings without "://" cannot hold a built-in pattern: no lookup, no scan.
    if (!users && !worthScanning(text)) return text;
    if (text.length > CLEAN_MAX_LENGTH) return full(text);
    if (clean.has(text)) return text;
    if (old.has(text)) {
      remember(text);
      return text;
    }
    const out = full(text);
    if (out === text) remember(text);
    return out;
  };
}

/** Clean strings remembered, and the longest one worth remembering. */
const CLEAN_LIMIT = 1024;
const CLEAN_MAX_LENGTH = 256;
