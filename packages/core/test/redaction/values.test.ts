import { describe, expect, it } from 'vitest';
import { createKeyMatcher, normaliseKey } from '../../src/redaction/keys.js';
import { createHasher, maskValue, createMasker } from '../../src/redaction/modes.js';
import { createValueScanner } from '../../src/redaction/scanner.js';
import { looksLikeCard, luhnValid } from '../../src/redaction/builtin-patterns.js';

const scan = createValueScanner(maskValue, []);
const remove = createValueScanner(createMasker('remove', undefined), []);

describe('key names', () => {
  const secret = createKeyMatcher(['x-internal-auth']);

  it.each([
    'authorization', 'Authorization', 'PROXY-AUTHORIZATION', 'cookie', 'Set-Cookie', 'x-api-key', 'X_API_KEY', 'api_key', 'api-key', 'apikey',
    'apiKey', 'token', 'access_token', 'accessToken', 'refresh-token', 'id_token', 'password', 'Passwd', 'pwd', 'secret', 'client_secret',
    'clientSecret', 'session', 'sessionid', 'sessionId', 'session_id', 'jwt', 'bearer', 'csrf', 'signature', 'sig', 'private_key', 'privateKey',
    'ssn', 'credit_card', 'creditCard', 'card_number', 'cardNumber', 'cvv', 'CVC',
    // suffixes
    'x-auth-token', 'db_password', 'stripeApiKey', 'X-Amz-Signature', 'X-Amz-Security-Token', 'csrf_token', 'user.password',
    // extended by options
    'X-Internal-Auth', 'x_internal_auth',
  ])('%s is secret', (key) => {
    expect(secret(key.slice(key.lastIndexOf('.') + 1))).toBe(true);
  });

  it.each(['tokens_used', 'session_count', 'token_type', 'signature_version', 'page', 'user_id', 'keyword', 'sigma', 'cwd', 'q', 'passwordless_enabled', 'authorization_url'])(
    '%s is not secret',
    (key) => {
      expect(secret(key)).toBe(false);
    },
  );

  it('normalises case, camelCase, - . and spaces to one form', () => {
    expect(normaliseKey('X-Api-Key')).toBe('x_api_key');
    expect(normaliseKey('xApiKey')).toBe('x_api_key');
    expect(normaliseKey('client secret')).toBe('client_secret');
  });
});

describe('modes', () => {
  it('mask keeps 4 characters at each end of values of 16 or more, and masks shorter ones fully', () => {
    expect(maskValue('sk-1234567890abcdef5678')).toBe('sk-1***5678');
    expect(maskValue('0123456789abcdef')).toBe('0123***cdef');
    expect(maskValue('0123456789abcde')).toBe('***');
    expect(maskValue('hunter2')).toBe('***');
  });

  it('remove writes [REDACTED]', () => {
    expect(createMasker('remove', undefined)('anything')).toBe('[REDACTED]');
  });

  it('hash writes the first 8 hex digits of HMAC-SHA256 with the key: equal secrets correlate, keys differ', () => {
    const a = createHasher('a-redaction-key-of-32-characters');
    // HMAC-SHA256(key, "hunter2"), computed independently with openssl dgst -sha256 -hmac.
    expect(a('hunter2')).toBe('[HASH:d2951c66]');
    expect(a('hunter2')).toBe(a('hunter2'));
    expect(a('hunter3')).not.toBe(a('hunter2'));
    expect(createHasher('another-redaction-key-32-chars!!')('hunter2')).not.toBe(a('hunter2'));
    expect(a('hunter2')).toMatch(/^\[HASH:[0-9a-f]{8}\]$/);
  });
});

describe('built-in value patterns', () => {
  it.each([
    ['OpenAI key', 'key sk-proj-Abcdefghijklmnopqrstuvwx1234 used', 'key sk-p***1234 used'],
    ['Anthropic key', 'x-key: sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-BBBB', 'x-key: sk-a***BBBB'],
    ['Bearer token', 'Authorization: Bearer abcdefgh12345678zz', 'Authorization: Bearer abcd***78zz'],
    ['bearer in lower case', 'sent bearer Zm9vYmFyYmF6cXV4', 'sent bearer Zm9v***cXV4'],
    ['JWT', 'jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end', 'jwt=eyJh***sR8U end'],
    ['AWS access key ID', 'AKIAIOSFODNN7EXAMPLE in config', 'AKIA***MPLE in config'],
    ['AWS temporary key ID', '(ASIAY34FZKBOKMUTVV7A)', '(ASIA***VV7A)'],
    ['GitHub token', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a here', 'token ghp_***8B4a here'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV', 'gith***STUV'],
    ['Stripe secret key', 'stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe sk_l***p7dc'],
    ['Stripe restricted key', 'rk_test_51Hxxxxxxxxxxxxxxxxxxxx', 'rk_t***xxxx'],
    ['Stripe webhook secret', 'whsec_abcdefghijklmnopqrstuvwxyz012345', 'whse***2345'],
    ['card number', 'card 4111111111111111 ok', 'card 4111***1111 ok'],
    ['card number with spaces', 'card 4111 1111 1111 1111 ok', 'card 4111***1111 ok'],
    ['card number with dashes', 'card 5500-0000-0000-0004 ok', 'card 5500***0004 ok'],
    ['Amex (15 digits: short, fully masked)', 'amex 378282246310005', 'amex ***'],
    ['Amex printed 4-6-5', 'amex 3782 822463 10005 ok', 'amex 3782***0005 ok'],
    ['a 19-digit card printed 4-4-4-4-3', 'card 6011-0009-9013-9424-124 ok', 'card 6011***-124 ok'],
    ['user:password in a URL', 'connect postgres://admin:hunter2@db.internal:5432/shop failed', 'connect postgres://admin:***@db.internal:5432/shop failed'],
    ['user:password with a long password', 'https://bot:0123456789abcdefXYZ@example.test/x', 'https://bot:0123***fXYZ@example.test/x'],
  ])('%s', (_name, input, output) => {
    expect(scan(input)).toBe(output);
  });

  it('PEM private keys, whole blocks and blocks cut off at the end', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef\n-----END RSA PRIVATE KEY-----';
    expect(remove(`key:\n${pem}\nafter`)).toBe('key:\n[REDACTED]\nafter');
    expect(remove('x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe('x [REDACTED]');
    expect(remove('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----')).toBe('[REDACTED]');
    expect(remove('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----')).toContain('BEGIN PUBLIC KEY');
  });

  it.each([
    ['a Luhn-invalid number', 'order 4111111111111112 shipped'],
    ['digits with a stray dash (a Luhn-valid request ID)', 'concurrent-21-1795215686452'],
    ['mixed separators', 'card 4111-1111 1111-1111'],
    ['a Luhn-valid 13-digit number with a Mastercard prefix (Mastercard has 16)', 'id 5551234567896'],
    ['a Luhn-valid 16-digit ID outside every card range', 'order 2024010112345670'],
    ['an epoch in milliseconds', 'ts=1717171717171&x=1'],
    ['a phone number', 'call +1 555 123 4567'],
    ['a UUID', 'request 3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['a trace ID', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['prose about bearer tokens', 'send a bearer token in the header'],
    ['a URL without a password', 'https://user@example.test/path?x=1'],
    ['a short sk- word', 'ask-me-anything sk-short'],
    ['a user agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
  ])('leaves %s alone', (_name, input) => {
    expect(scan(input)).toBe(input);
  });

  it('card check: network prefix and length, then Luhn', () => {
    expect(looksLikeCard('4111111111111111')).toBe(true);
    expect(looksLikeCard('5500 0000 0000 0004')).toBe(true);
    expect(looksLikeCard('2221000000000009')).toBe(true);
    expect(looksLikeCard('378282246310005')).toBe(true);
    expect(looksLikeCard('6011000990139424')).toBe(true);
    expect(looksLikeCard('3530111333300000')).toBe(true);
    expect(looksLikeCard('30569309025904')).toBe(true);
    expect(looksLikeCard('5551234567896')).toBe(false);
    expect(looksLikeCard('2024010112345670')).toBe(false);
  });

  it('Luhn check', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('411111111111')).toBe(false); // 12 digits: too short for a card
  });

  it('several secrets in one string are all redacted, with their neighbours kept', () => {
    expect(remove('a=AKIAIOSFODNN7EXAMPLE b=4111111111111111 c=visible')).toBe('a=[REDACTED] b=[REDACTED] c=visible');
  });

  it('user patterns run after the built-in ones; a `secret` group redacts only itself', () => {
    const s = createValueScanner(createMasker('remove', undefined), [/acct-\d{6}/g, /pin=(?<secret>\d{4})/g]);
    expect(s('acct-123456 pin=1234 AKIAIOSFODNN7EXAMPLE')).toBe('[REDACTED] pin=[REDACTED] [REDACTED]');
    expect(s('pin')).toBe('pin');
  });
});
