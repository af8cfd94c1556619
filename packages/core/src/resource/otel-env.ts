import type { Attributes } from '@opentelemetry/api';

/**
 * `OTEL_RESOURCE_ATTRIBUTES`: `key1=value1,key2=value2`, keys and values percent-encoded
 * (W3C Baggage octets). Each entry is decoded; an entry without `=`, with an empty key, or
 * that does not decode is ignored (the others still count). Values are strings.
 */
export function parseOtelResourceAttributes(raw: string | undefined): Attributes {
  const attrs: Attributes = {};
  if (!raw) return attrs;
  // A bounded list: the variable is the operator's, but a runaway value must not cost much.
  for (const entry of raw.split(',').slice(0, 256)) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(entry.slice(0, eq).trim());
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      continue;
    }
    if (key === '' || key.length > 255) continue;
    attrs[key] = value;
  }
  return attrs;
}
