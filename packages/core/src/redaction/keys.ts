/**
 * Key-name redaction: which header, query parameter, property and attribute names hold secrets.
 */

/** The names whose values are always secret (compared after {@link normaliseKey}). */
export const SECRET_KEYS: readonly string[] = [
  'authorization', 'proxy_authorization', 'cookie', 'set_cookie', 'x_api_key', 'api_key', 'apikey', 'token', 'access_token',
  'refresh_token', 'id_token', 'password', 'passwd', 'pwd', 'secret', 'client_secret', 'session', 'sessionid', 'jwt', 'bearer',
  'csrf', 'signature', 'sig', 'private_key', 'ssn', 'credit_card', 'card_number', 'cvv', 'cvc',
];

/**
 * The comparable form of a key: camelCase split into words, lower-cased, `-`, `.` and spaces
 * read as `_` (`X-Api-Key`, `x_api_key` and `xApiKey` all give `x_api_key`).
 */
export function normaliseKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-.\s]+/g, '_');
}

/** Decides whether a name (a header, a query parameter, a property, an attribute's last segment) is secret. */
export type KeyMatcher = (name: string) => boolean;

/** How many distinct names the matcher remembers; apps use a small, fixed set of keys. */
const CACHE_LIMIT = 2048;

/**
 * A matcher over {@link SECRET_KEYS} plus `extra`. A name is secret when its normalised form
 * is listed, is listed once its underscores are dropped (`session_id` as `sessionid`), or ends
 * with `_` and a listed name (`x_auth_token`, `db_password`, `stripe_api_key`); so `tokens_used`
 * and `session_count` are not secret. Results are cached per raw name.
 */
export function createKeyMatcher(extra: readonly string[] = []): KeyMatcher {
  const names = new Set<string>();
  for (const k of [...SECRET_KEYS, ...extra]) {
    const n = normaliseKey(k);
    names.add(n);
    names.add(n.replace(/_/g, ''));
  }
  const cache = new Map<string, boolean>();
  const compute = (name: string): boolean => {
    const n = normaliseKey(name);
    if (names.has(n) || names.has(n.replace(/_/g, ''))) return true;
    for (let i = n.indexOf('_'); i >= 0; i = n.indexOf('_', i + 1)) {
      if (names.has(n.slice(i + 1))) return true;
    }
    return false;
  };
  return (name) => {
    let hit = cache.get(name);
    if (hit === undefined) {
      hit = compute(name);
      if (cache.size < CACHE_LIMIT) cache.set(name, hit);
    }
    return hit;
  };
}
