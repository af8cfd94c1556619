import { configError, type ValueSource } from './config-errors.js';

// The value parsers every option resolver shares (config.ts and the resolvers of each concept:
// redaction, sampling, ...). Their own file, so that config.ts can import the resolvers and the
// resolvers these parsers without importing each other.

export type Env = Record<string, string | undefined>;

/** The first option or environment variable that is set, with its label. */
export function pick(options: object, key: string, env: Env, ...vars: string[]): ValueSource | undefined {
  const v = (options as Record<string, unknown>)[key];
  if (v !== undefined) return { label: `options.${key}`, value: v };
  for (const name of vars) {
    const e = env[name];
    if (e !== undefined && e.trim() !== '') return { label: name, value: e.trim() };
  }
  return undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function toBoolean(s: ValueSource | undefined, dflt: boolean): boolean {
  if (!s) return dflt;
  if (typeof s.value === 'boolean') return s.value;
  if (typeof s.value === 'string') {
    const v = s.value.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  throw configError('TK_CONFIG_BOOLEAN', s);
}

export function toNumberInRange(s: ValueSource | undefined, dflt: number, min: number, max: number): number {
  if (!s) return dflt;
  const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && s.value !== '' ? Number(s.value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw configError('TK_CONFIG_NUMBER_RANGE', s, min, max);
  return n;
}

export function toInteger(s: ValueSource | undefined, dflt: number, min: number): number {
  if (!s) return dflt;
  const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && s.value !== '' ? Number(s.value) : NaN;
  if (!Number.isInteger(n) || n < min) throw configError('TK_CONFIG_INTEGER', s, min);
  return n;
}

export function toEnum<T extends string>(s: ValueSource | undefined, dflt: T, accepted: readonly T[]): T {
  if (!s) return dflt;
  const v = typeof s.value === 'string' ? s.value.toLowerCase() : s.value;
  if (typeof v === 'string' && (accepted as readonly string[]).includes(v)) return v as T;
  throw configError('TK_CONFIG_ENUM', s, accepted);
}

export function toText(s: ValueSource | undefined): string | undefined {
  if (!s) return undefined;
  if (typeof s.value !== 'string' || s.value.trim() === '') throw configError('TK_CONFIG_STRING', s);
  return s.value.trim();
}

export function toUrl(s: ValueSource | undefined): string | undefined {
  const text = toText(s);
  if (text === undefined || !s) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError('TK_CONFIG_URL', s);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError('TK_CONFIG_URL', s);
  return text.replace(/\/+$/, '');
}

/** Parses `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, values URL-encoded) or validates a headers object. */
export function toHeaders(s: ValueSource | undefined): Record<string, string> {
  if (!s) return {};
  const out: Record<string, string> = {};
  if (typeof s.value === 'string') {
    for (const part of s.value.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw configError('TK_CONFIG_HEADERS', s);
      const key = part.slice(0, eq).trim();
      let value: string;
      try {
        value = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        throw configError('TK_CONFIG_HEADERS', s);
      }
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw configError('TK_CONFIG_HEADERS', s);
      out[key.toLowerCase()] = value;
    }
    return out;
  }
  if (typeof s.value !== 'object' || s.value === null || Array.isArray(s.value)) throw configError('TK_CONFIG_OBJECT', s, 'an object of header names to string values');
  for (const [k, v] of Object.entries(s.value)) {
    if (typeof v !== 'string') throw configError('TK_CONFIG_OBJECT', s, 'an object of header names to string values');
    out[k.toLowerCase()] = v;
  }
  return out;
}
