/**
 * The value patterns TraceKit always looks for in captured strings, compiled once into one
 * regular expression so a string is scanned in a single pass. Every alternative is linear:
 * quantifiers are bounded or over disjoint character sets, never nested.
 */

/** Names of the built-in patterns (the named groups below), for documentation and tests. */
export const BUILTIN_PATTERN_NAMES = ['pem', 'urlcreds', 'bearer', 'jwt', 'llmkey', 'stripe', 'github', 'aws', 'card'] as const;

const SOURCES: Record<(typeof BUILTIN_PATTERN_NAMES)[number], string> = {
  // PEM private keys, up to the END line or, when the text was cut, to the end of the string.
  pem: String.raw`(?<pem>-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40} PRIVATE KEY-----|$))`,
  // scheme://user:password@host: only the password is secret. Anchored on "://" to stay cheap.
  urlcreds: String.raw`(?<urlcreds>:\/\/[^\s:@\/?#]{0,256}:)(?<urlpass>[^\s@\/?#]{1,256})@`,
  // "Bearer <token>": the token (8+ characters, so the prose "bearer token" is left alone).
  bearer: String.raw`(?<bearer>\b[Bb]earer\s+|\bBEARER\s+)(?<btoken>[A-Za-z0-9\-._~+\/]{8,}=*)`,
  // JSON Web Tokens: base64url header and payload (both JSON objects, so "eyJ"), signature.
  jwt: String.raw`(?<jwt>\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)`,
  // OpenAI (sk-, sk-proj-) and Anthropic (sk-ant-) API keys.
  llmkey: String.raw`(?<llmkey>\bsk-[A-Za-z0-9_-]{20,})`,
  // Stripe secret and restricted keys, webhook signing secrets.
  stripe: String.raw`(?<stripe>\b(?:[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}))`,
  // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained (github_pat_).
  github: String.raw`(?<github>\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}))`,
  // AWS access key IDs (long-term AKIA, temporary ASIA, and the rarer prefixes).
  aws: String.raw`(?<aws>\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b)`,
  // Card numbers starting with 2-6: 13-19 digits in one run, or printed in groups with one kind
  // of separator (4-4-4-4, 4-4-4-4-3, or Amex 4-6-5); only a Luhn-valid match is redacted
  // (checked in code). Digits with a stray dash (a request ID like "job-21-1795215686452") are not a card.
  card: String.raw`(?<card>(?<![\d])(?:[2-6]\d{12,18}|[2-6]\d{3}(?<csep>[ -])\d{4}\k<csep>\d{4}\k<csep>\d{4}(?:\k<csep>\d{3})?|3\d{3}(?<asep>[ -])\d{6}\k<asep>\d{5})(?![\d]))`,
};

/** The combined pattern (global), compiled once per process. */
export const BUILTIN_PATTERN = new RegExp(BUILTIN_PATTERN_NAMES.map((n) => SOURCES[n]).join('|'), 'g');

/**
 * True for a card number: the issuer prefix and length of a major network (Visa, Mastercard,
 * American Express, Discover, JCB, Diners Club, UnionPay) and a valid Luhn checksum. Separators
 * are ignored. The prefix check keeps most long numeric IDs that happen to pass Luhn (one in ten
 * does) from being taken for cards.
 */
export function looksLikeCard(text: string): boolean {
  const d = text.replace(/[ -]/g, '');
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  let network: boolean;
  if (d.startsWith('4')) network = n === 13 || n === 16 || n === 19;
  else if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) network = n === 16;
  else if (p2 === 34 || p2 === 37) network = n === 15;
  else if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || p2 === 62) network = n >= 16 && n <= 19;
  else if (p4 >= 3528 && p4 <= 3589) network = n >= 16 && n <= 19;
  else if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) network = n >= 14 && n <= 19;
  else network = false;
  return network && luhnValid(d);
}

/** The Luhn checksum over the digits of `text` (separators ignored). */
export function luhnValid(text: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/**
 * Strings shorter than this can only hold the `user:password@` pattern (every other built-in
 * pattern needs at least 13 characters), so they are scanned only when they contain "://".
 */
export const MIN_SCAN_LENGTH = 13;

/** True when a string is worth scanning for the built-in patterns. */
export function worthScanning(text: string): boolean {
  return text.length >= MIN_SCAN_LENGTH || (text.length >= 7 && text.includes('://'));
}
