import type { Attributes } from '@opentelemetry/api';
import type { ResolvedConfig } from './config.js';
import type { TracekitSpan } from './span.js';

/** Key names whose values are always secret (compared lower-case, with `-` read as `_`). */
export const SECRET_KEYS: readonly string[] = [
  'authorization', 'proxy_authorization', 'cookie', 'set_cookie', 'x_api_key', 'api_key', 'apikey', 'token', 'access_token',
  'refresh_token', 'id_token', 'password', 'passwd', 'pwd', 'secret', 'client_secret', 'session', 'sessionid', 'jwt', 'bearer',
  'csrf', 'signature', 'sig', 'private_key', 'ssn', 'credit_card', 'card_number', 'cvv', 'cvc',
];

const normalise = (key: string) => key.toLowerCase().replace(/-/g, '_');

/** Replaces a secret value according to the mode. */
export type Masker = (value: string) => string;

export function maskValue(value: string): string {
  return value.length >= 16 ? `${value.slice(0, 4)}***${value.slice(-4)}` : '***';
}

/** Removes secrets from a finished span, in place. */
export type SpanRedactor = (span: TracekitSpan) => void;

/**
 * Builds the redactor applied to every span before any exporter sees it. Foundation rules:
 * secret header attributes (`http.request.header.authorization`, ...) and secret query
 * parameters in `url.query` are masked by key name.
 */
export function createRedactor(config: ResolvedConfig['redaction']): SpanRedactor {
  if (!config.enabled) return () => undefined;
  const secret = new Set([...SECRET_KEYS, ...config.keys.map(normalise)]);
  const mask: Masker = config.mode === 'remove' ? () => '[REDACTED]' : maskValue;
  const isSecret = (key: string) => secret.has(normalise(key));

  const redactQuery = (query: string): string =>
    query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        let key = pair.slice(0, eq);
        try {
          key = decodeURIComponent(key);
        } catch {
          // keep the raw key
        }
        return isSecret(key) ? `${pair.slice(0, eq)}=${encodeURIComponent(mask(pair.slice(eq + 1)))}` : pair;
      })
      .join('&');

  const redactAttributes = (attributes: Attributes) => {
    for (const key in attributes) {
      const value = attributes[key];
      if (key === 'url.query' && typeof value === 'string') attributes[key] = redactQuery(value);
      else if (key.startsWith('http.request.header.') || key.startsWith('http.response.header.')) {
        const name = key.slice(key.indexOf('.header.') + 8);
        if (isSecret(name) && value !== undefined) {
          attributes[key] = Array.isArray(value) ? value.map((v) => mask(String(v))) : mask(String(value));
        }
      }
    }
  };

  return (span) => redactAttributes(span.attributes);
}
