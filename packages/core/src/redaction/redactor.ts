import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { LogRecordData } from '../export/log-types.js';
import { isMetadataAttribute } from '../context/metadata.js';
import { BODY_ATTRIBUTES } from './body-capture.js';
import { createKeyMatcher } from './keys.js';
import { createMasker } from './modes.js';
import { createValueScanner } from './scanner.js';
import { looksLikeJson, redactBodyText, redactJsonText, redactQuery, redactUrl, type RedactTools } from './structured.js';
import type { TracekitSpan } from '../tracing/span.js';
import type { RedactionMode } from '../types.js';

/** The redaction part of the resolved configuration. */
export interface RedactionConfig {
  enabled: boolean;
  mode: RedactionMode;
  /** Extra secret key names. */
  keys: string[];
  /** The user's value patterns, compiled and vetted at `init()` (global flag set). */
  patterns: RegExp[];
  /** The HMAC key of `hash` mode (`redaction.hashKey`, `TRACEKIT_REDACTION_KEY`); random per client when unset. */
  hashKey: string | undefined;
}

/**
 * Removes secrets from spans and log records, in place, just before export. Calling it is the
 * same as `redactor.span(span)`.
 */
export interface Redactor {
  (span: TracekitSpan): void;
  /** Redacts a finished span: name, status message, attributes, event and link attributes. */
  span(span: TracekitSpan): void;
  /** Redacts a log record: attributes (event properties) and body. */
  log(record: LogRecordData): void;
  /** Redacts attributes; returns the same object when nothing changed, else a redacted copy. */
  attributes(attributes: Attributes): Attributes;
  /** Redacts value patterns in one string. */
  text(value: string): string;
  /** The key matcher, masker and value scanner, for structure-aware callers (snapshots); absent when redaction is off. */
  tools?: RedactTools;
}

// How each attribute key is treated; decided once per key and cached.
const PLAIN = 0; // value patterns; JSON-aware when the value looks like JSON
const SECRET = 1; // the key is secret: the whole value goes
const URL_KEY = 2; // a URL: password, secret query parameters, patterns
const QUERY = 3; // a query string
const BODY = 4; // a captured body: JSON- or form-aware, then cut to maxBytes
const SAFE = 5; // set by TraceKit from code or enums, never from input
const METADATA = 6; // set on purpose with setMetadata: patterns only, no key-name matching

const SAFE_KEYS = new Set([
  'http.request.method', 'url.scheme', 'network.protocol.version', 'http.route', 'tracekit.framework', 'code.function.name',
  'http.response.status_code', 'server.port', 'client.address', 'tracekit.error.fingerprint', 'tracekit.sampling.reason',
  // A snapshot's frames (function names, files, lines) as TraceKit wrote them from the stack: no source text, no values.
  'tracekit.snapshot.stack',
]);
const REQUEST_ID_KEY = 'tracekit.request_id';
const URL_KEYS = new Set(['url.full', 'url.original', 'http.url']);
const BODY_KEYS = new Set<string>(Object.values(BODY_ATTRIBUTES));
const CLASS_CACHE_LIMIT = 4096;

function callable(parts: { span: Redactor['span']; log: Redactor['log']; attributes: Redactor['attributes']; text: Redactor['text']; tools?: RedactTools }): Redactor {
  const fn = ((span: TracekitSpan) => parts.span(span)) as Redactor;
  return Object.assign(fn, parts);
}

/** A redactor that changes nothing (`redaction: false`). */
const NOOP: Redactor = callable({ span: () => undefined, log: () => undefined, attributes: (a) => a, text: (t) => t });

/**
 * Builds the redactor the export pipeline applies to every span and log record before any
 * exporter sees it (see docs/redaction.md). Patterns were compiled at `init()`; this only
 * assembles them. `maxBodyBytes` is where captured bodies are cut, after redaction.
 */
export function createRedactor(config: RedactionConfig, maxBodyBytes = 4096): Redactor {
  if (!config.enabled) return NOOP;
  const isSecretKey = createKeyMatcher(config.keys);
  const mask = createMasker(config.mode, config.hashKey);
  const scan = createValueScanner(mask, config.patterns);
  const tools: RedactTools = { isSecretKey, mask, scan };
  const classes = new Map<string, number>();

  const classify = (key: string): number => {
    let c = classes.get(key);
    if (c !== undefined) return c;
    if (SAFE_KEYS.has(key)) c = SAFE;
    else if (isMetadataAttribute(key)) c = METADATA;
    else if (key === 'url.query') c = QUERY;
    else if (URL_KEYS.has(key)) c = URL_KEY;
    else if (BODY_KEYS.has(key)) c = BODY;
    else if (isSecretKey(key.slice(key.lastIndexOf('.') + 1))) c = SECRET;
    else c = PLAIN;
    if (classes.size < CLASS_CACHE_LIMIT) classes.set(key, c);
    return c;
  };

  const redactString = (cls: number, value: string): string => {
    switch (cls) {
      case SECRET:
        return mask(value);
      case QUERY:
        return redactQuery(value, tools);
      case URL_KEY:
        return redactUrl(value, tools);
      case BODY:
        return redactBodyText(value, tools);
      case PLAIN:
        return looksLikeJson(value) ? redactJsonText(value, tools) : scan(value);
      default:
        return scan(value);
    }
  };

  const redactValue = (cls: number, value: AttributeValue): AttributeValue => {
    if (typeof value === 'string') return redactString(cls, value);
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        const r = typeof v === 'string' ? redactString(cls, v) : cls === SECRET && typeof v === 'number' ? mask(String(v)) : v;
        if (r !== v) (out ??= value.slice())[i] = r;
      }
      return (out ?? value) as AttributeValue;
    }
    return cls === SECRET && typeof value === 'number' ? mask(String(value)) : value;
  };

  /** Redacts `attributes`; in place when `inPlace`, else copy-on-write. Returns the result. */
  const redactAttributes = (attributes: Attributes, inPlace: boolean, ownRequestId?: string): Attributes => {
    let out = attributes;
    let cut: string[] | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      if (ownRequestId !== undefined && value === ownRequestId && key === REQUEST_ID_KEY) continue;
      const cls = classify(key);
      if (cls === SAFE) continue;
      let r = redactValue(cls, value);
      if (cls === BODY && typeof r === 'string' && Buffer.byteLength(r) > maxBodyBytes) {
        r = Buffer.from(r).subarray(0, maxBodyBytes).toString('utf8');
        (cut ??= []).push(`${key}.truncated`);
      }
      if (r !== value) {
        if (out === attributes && !inPlace) out = { ...attributes };
        out[key] = r;
      }
    }
    if (cut) {
      if (out === attributes && !inPlace) out = { ...attributes };
      for (const k of cut) out[k] = true;
    }
    return out;
  };

  return callable({
    span(span: TracekitSpan) {
      if (typeof span.name === 'string') span.name = scan(span.name);
      if (span.status?.message) span.status = { code: span.status.code, message: scan(span.status.message) };
      if (span.attributes) {
        // A request ID TraceKit generated is its own value: not scanned.
        const request = span.request;
        const own = request?.ownRequestId === true && span.attributes[REQUEST_ID_KEY] === request.requestId ? request.requestId : undefined;
        redactAttributes(span.attributes, true, own);
      }
      if (span.events) {
        for (const event of span.events) {
          // Event attributes may be the caller's own object: never change it, replace it.
          if (event.attributes) event.attributes = redactAttributes(event.attributes, false);
        }
      }
      if (span.links) {
        span.links = span.links.map((link) => {
          if (!link.attributes) return link;
          const attributes = redactAttributes(link.attributes, false);
          return attributes === link.attributes ? link : { ...link, attributes };
        });
      }
    },
    log(record: LogRecordData) {
      record.attributes = redactAttributes(record.attributes, false);
      if (record.body !== undefined && record.body !== null && record.bodyRedacted !== true) record.body = redactValue(PLAIN, record.body);
    },
    attributes: (attributes: Attributes) => redactAttributes(attributes, false),
    text: scan,
    tools,
  });
}
