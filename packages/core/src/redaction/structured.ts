import type { KeyMatcher } from './keys.js';
import type { Masker } from './modes.js';
import type { ValueScanner } from './scanner.js';

/** What the structure-aware redactions need: the key matcher, the masker and the value scanner. */
export interface RedactTools {
  isSecretKey: KeyMatcher;
  mask: Masker;
  scan: ValueScanner;
}

function decode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Percent-encodes a redacted value again, keeping TraceKit's markers (`[REDACTED]`, `[HASH:…]`) readable. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%5B(REDACTED|HASH%3A[0-9a-f]{8})%5D/g, (_m, inner: string) => `[${inner.replace('%3A', ':')}]`);
}

/**
 * Redacts a query string (`a=1&token=x`): values of secret parameter names are replaced whole;
 * percent-encoded values are decoded and scanned for value patterns; the result is scanned
 * once more as it stands. Separators and the order of parameters are kept.
 */
export function redactQuery(query: string, tools: RedactTools): string {
  const pairs = query.split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const rawValue = pair.slice(eq + 1);
    if (rawValue === '') continue;
    const rawKey = pair.slice(0, eq);
    const value = decode(rawValue);
    if (tools.isSecretKey(decode(rawKey))) {
      pairs[i] = `${rawKey}=${tools.mask(value)}`;
      changed = true;
    } else if (value !== rawValue) {
      const scanned = tools.scan(value);
      if (scanned !== value) {
        pairs[i] = `${rawKey}=${encode(scanned)}`;
        changed = true;
      }
    }
  }
  return tools.scan(changed ? pairs.join('&') : query);
}

/**
 * Redacts a URL (`url.full` of an outbound call): the password of `user:password@`, secret query
 * parameters, and value patterns anywhere in it.
 */
export function redactUrl(url: string, tools: RedactTools): string {
  const q = url.indexOf('?');
  if (q < 0) return tools.scan(url);
  const hash = url.indexOf('#', q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const fragment = hash < 0 ? '' : tools.scan(url.slice(hash));
  return `${tools.scan(url.slice(0, q))}?${redactQuery(query, tools)}${fragment}`;
}

/** True for strings that may be a JSON object or array (so key names inside can be checked). */
export function looksLikeJson(text: string): boolean {
  const first = text.charCodeAt(0);
  return text.length >= 2 && (first === 123 /* { */ || first === 91 /* [ */);
}

const MAX_DEPTH = 64;

/** What replaces a whole object or array held under a secret key. */
function maskStructure(value: unknown, tools: RedactTools): string {
  return tools.mask(JSON.stringify(value) ?? '');
}

function walk(value: unknown, tools: RedactTools, depth: number): unknown {
  if (typeof value === 'string') return tools.scan(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, tools, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (tools.isSecretKey(key) && v !== null && v !== undefined && typeof v !== 'boolean') {
      out[key] = typeof v === 'object' ? maskStructure(v, tools) : tools.mask(String(v));
    } else out[key] = walk(v, tools, depth + 1);
  }
  return out;
}

// "key": value — value a string (possibly cut off at the end of the text), a number or a literal.
// Both string bodies are runs over disjoint alternatives, so the scan stays linear.
const JSON_PAIR = /"((?:[^"\\\n]|\\.){1,200})"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|-?\d[\d.eE+-]*|true|false|null)/g;

/**
 * Redacts JSON text by key name and value pattern. Valid JSON is parsed, redacted and
 * serialised again (compactly); text that does not parse (a body cut at `maxBytes`, a
 * truncated preview) gets a tolerant pass over its `"key": value` pairs and the value scanner.
 */
export function redactJsonText(text: string, tools: RedactTools): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && parsed !== null && typeof parsed === 'object') {
    try {
      return JSON.stringify(walk(parsed, tools, 0));
    } catch {
      // fall through to the tolerant pass
    }
  }
  const pairs = text.replace(JSON_PAIR, (match, key: string, colon: string, value: string) => {
    if (!tools.isSecretKey(key) || value === 'true' || value === 'false' || value === 'null') return match;
    const quoted = value.startsWith('"');
    const inner = quoted ? value.slice(1, value.endsWith('"') && value.length > 1 ? -1 : undefined) : value;
    return `"${key}"${colon}${JSON.stringify(tools.mask(inner))}`;
  });
  return tools.scan(pairs);
}

/** True for `a=1&b=2` style text (an `application/x-www-form-urlencoded` body). */
export function looksLikeForm(text: string): boolean {
  // No whitespace anywhere, and a first `name=`: linear, whatever the input.
  return /^[^\s=&{}[\]]+=\S*$/.test(text);
}

/** Redacts a captured body: JSON-aware, form-aware, else by value pattern. */
export function redactBodyText(text: string, tools: RedactTools): string {
  const trimmed = text.trimStart();
  if (looksLikeJson(trimmed)) return redactJsonText(trimmed, tools);
  if (looksLikeForm(text)) return redactQuery(text, tools);
  return tools.scan(text);
}
