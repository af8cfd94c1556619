import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/adapter-api.js';
import type { LogRecordData } from '../../src/export/log-types.js';
import { createRedactor } from '../../src/redaction/redactor.js';
import { TracekitSpan } from '../../src/tracing/span.js';
import type { RedactionMode } from '../../src/types.js';

const KEY = 'a-redaction-key-of-32-characters';
const redactor = (mode: RedactionMode = 'mask', extra: object = {}, maxBodyBytes = 4096) =>
  createRedactor(resolveConfig({ redaction: { mode, hashKey: KEY, ...extra } }, {}, '/nonexistent').redaction, maxBodyBytes);

const span = (attributes: Attributes, name = 'GET /x') =>
  new TracekitSpan({ onEnd: () => undefined }, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', undefined, 1, undefined, name, SpanKind.SERVER, attributes, undefined, undefined);

const redacted = (attributes: Attributes, mode: RedactionMode = 'mask', extra: object = {}) => {
  const s = span(attributes);
  redactor(mode, extra)(s);
  return s.attributes;
};

describe('each mode, exactly', () => {
  const attributes = {
    'url.query': 'q=shoes&token=abc123&page=2&access_token=0123456789abcdefXYZ',
    'http.request.header.authorization': ['Bearer abcdefghijklmnopqrstuvwxyz'],
    'app.note': 'key AKIAIOSFODNN7EXAMPLE here',
  };

  it('mask', () => {
    expect(redacted(attributes, 'mask')).toEqual({
      'url.query': 'q=shoes&token=***&page=2&access_token=0123***fXYZ',
      'http.request.header.authorization': ['Bear***wxyz'],
      'app.note': 'key AKIA***MPLE here',
    });
  });

  it('remove', () => {
    expect(redacted(attributes, 'remove')).toEqual({
      'url.query': 'q=shoes&token=[REDACTED]&page=2&access_token=[REDACTED]',
      'http.request.header.authorization': ['[REDACTED]'],
      'app.note': 'key [REDACTED] here',
    });
  });

  it('hash: a keyed HMAC, so equal secrets give equal hashes', () => {
    // openssl dgst -sha256 -hmac a-redaction-key-of-32-characters, first 8 hex digits.
    expect(redacted(attributes, 'hash')).toEqual({
      'url.query': 'q=shoes&token=[HASH:ca435ecf]&page=2&access_token=[HASH:a49a8024]',
      'http.request.header.authorization': ['[HASH:0b53d423]'],
      'app.note': 'key [HASH:555732e7] here',
    });
    expect(redacted({ 'url.query': 'token=abc123' }, 'hash')['url.query']).toBe('token=[HASH:ca435ecf]');
  });
});

describe('where secrets are found', () => {
  it('query strings: secret names, percent-encoded values, patterns; order and neighbours kept', () => {
    expect(redacted({ 'url.query': 'API-KEY=k1&sig=zz&next=https%3A%2F%2Fann%3Ahunter2%40h.test%2F&x=%2Fok' }, 'remove')).toEqual({
      'url.query': 'API-KEY=[REDACTED]&sig=[REDACTED]&next=https%3A%2F%2Fann%3A[REDACTED]%40h.test%2F&x=%2Fok',
    });
  });

  it('outbound URLs: password, secret parameters, patterns; fragment kept', () => {
    expect(redacted({ 'url.full': 'https://admin:hunter2@api.test/v1/pay?api_key=KEY123&q=ok#top' }, 'remove')).toEqual({
      'url.full': 'https://admin:[REDACTED]@api.test/v1/pay?api_key=[REDACTED]&q=ok#top',
    });
    expect(redacted({ 'url.full': 'http://127.0.0.1:8080/a/b' })).toEqual({ 'url.full': 'http://127.0.0.1:8080/a/b' });
  });

  it('headers captured by allow-list: by name (cookie, set-cookie, x-api-key) and by pattern', () => {
    expect(
      redacted(
        {
          'http.request.header.cookie': ['sid=s3cr3t; theme=dark'],
          'http.request.header.x-api-key': ['k-123'],
          'http.response.header.set-cookie': ['sid=abc; HttpOnly', 'theme=dark'],
          'http.request.header.x-forwarded-for': ['10.0.0.1'],
          'http.request.header.x-debug': ['token sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
        },
        'remove',
      ),
    ).toEqual({
      'http.request.header.cookie': ['[REDACTED]'],
      'http.request.header.x-api-key': ['[REDACTED]'],
      'http.response.header.set-cookie': ['[REDACTED]', '[REDACTED]'],
      'http.request.header.x-forwarded-for': ['10.0.0.1'],
      'http.request.header.x-debug': ['token [REDACTED]'],
    });
  });

  it('any attribute whose key is secret, numbers included; booleans stay', () => {
    expect(redacted({ 'app.password': 'hunter2', 'payment.cvv': 123, 'user.passwordless_enabled': true, 'app.token_count': 5, 'db.statement': 'SELECT 1' }, 'remove')).toEqual({
      'app.password': '[REDACTED]',
      'payment.cvv': '[REDACTED]',
      'user.passwordless_enabled': true,
      'app.token_count': 5,
      'db.statement': 'SELECT 1',
    });
  });

  it('metadata set on purpose is exempt from key names but not from value patterns', () => {
    expect(
      redacted({ 'session.id': 'sess-42', 'user.id': 'u-7', 'tracekit.metadata.sessionToken': 'kept-on-purpose', 'tracekit.metadata.note': 'AKIAIOSFODNN7EXAMPLE' }, 'remove'),
    ).toEqual({ 'session.id': 'sess-42', 'user.id': 'u-7', 'tracekit.metadata.sessionToken': 'kept-on-purpose', 'tracekit.metadata.note': '[REDACTED]' });
  });

  it('JSON strings (argument previews, snapshots) are redacted by key, even when cut off', () => {
    expect(redacted({ 'tracekit.args': '[{"user":"ann","password":"hunter2","card":{"number":"4111111111111111"}}]' }, 'remove')).toEqual({
      'tracekit.args': '[{"user":"ann","password":"[REDACTED]","card":{"number":"[REDACTED]"}}]',
    });
    expect(redacted({ 'tracekit.return': '{"ok":true,"refresh_token":"abcdefghijklmnopqrst","note":"cut here…' }, 'remove')).toEqual({
      'tracekit.return': '{"ok":true,"refresh_token":"[REDACTED]","note":"cut here…',
    });
    expect(redacted({ 'tracekit.args': '{"api_key": {"nested": "x"}, "n": 1}' }, 'remove')).toEqual({ 'tracekit.args': '{"api_key":"[REDACTED]","n":1}' });
  });

  it('exception events: message and stack trace by pattern; the caller’s attributes object is not changed', () => {
    const s = span({});
    const own = { 'exception.type': 'Error', 'exception.message': 'login failed for postgres://app:hunter2@db/x', 'exception.stacktrace': 'Error: login failed for postgres://app:hunter2@db/x\n    at f (a.js:1:1)' };
    s.addEvent('exception', own);
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'login failed for postgres://app:hunter2@db/x' });
    redactor('remove')(s);
    expect(s.events![0]!.attributes).toEqual({
      'exception.type': 'Error',
      'exception.message': 'login failed for postgres://app:[REDACTED]@db/x',
      'exception.stacktrace': 'Error: login failed for postgres://app:[REDACTED]@db/x\n    at f (a.js:1:1)',
    });
    expect(s.status.message).toBe('login failed for postgres://app:[REDACTED]@db/x');
    expect(own['exception.message']).toBe('login failed for postgres://app:hunter2@db/x');
  });

  it('span names and link attributes', () => {
    const s = span({}, 'charge sk_live_4eC39HqLyjWDarjtT1zdp7dc');
    s.addLink({ context: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }, attributes: { token: 'abc' } });
    redactor('remove')(s);
    expect(s.name).toBe('charge [REDACTED]');
    expect(s.links![0]!.attributes).toEqual({ token: '[REDACTED]' });
  });

  it('extra keys from options', () => {
    expect(redacted({ 'app.employee_number': 'E-123', 'http.request.header.x-tenant-secret-id': ['t'] }, 'remove', { keys: ['employee_number', 'X-Tenant-Secret-Id'] })).toEqual({
      'app.employee_number': '[REDACTED]',
      'http.request.header.x-tenant-secret-id': ['[REDACTED]'],
    });
  });

  it('redaction: false changes nothing', () => {
    const r = createRedactor(resolveConfig({ redaction: false }, {}, '/nonexistent').redaction);
    const s = span({ 'url.query': 'token=abc' });
    r(s);
    expect(s.attributes['url.query']).toBe('token=abc');
  });
});

describe('captured bodies', () => {
  it('JSON bodies are redacted by key at any depth, then cut to maxBytes with a flag', () => {
    const body = JSON.stringify({ user: 'ann', password: 'hunter2', payment: { card_number: '4111111111111111', amount: 12 }, items: [{ sku: 'a', apiKey: 'k' }] });
    const s = span({ 'tracekit.request.body': body });
    redactor('remove')(s);
    expect(s.attributes['tracekit.request.body']).toBe('{"user":"ann","password":"[REDACTED]","payment":{"card_number":"[REDACTED]","amount":12},"items":[{"sku":"a","apiKey":"[REDACTED]"}]}');
    const long = span({ 'tracekit.response.body': JSON.stringify({ token: 'x'.repeat(40), filler: 'y'.repeat(200) }) });
    createRedactor(resolveConfig({ redaction: { mode: 'remove' } }, {}, '/nonexistent').redaction, 40)(long);
    expect(long.attributes['tracekit.response.body']).toBe('{"token":"[REDACTED]","filler":"yyyyyyyy');
    expect(long.attributes['tracekit.response.body.truncated']).toBe(true);
  });

  it('a secret straddling maxBytes is redacted whole before the cut', () => {
    const s = span({ 'tracekit.request.body': `note=${'n'.repeat(20)}&key=sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&z=1` });
    createRedactor(resolveConfig({ redaction: { mode: 'remove' } }, {}, '/nonexistent').redaction, 40)(s);
    expect(s.attributes['tracekit.request.body']).toBe(`note=${'n'.repeat(20)}&key=[REDACTED]`);
  });

  it('form bodies by parameter name, text bodies by pattern', () => {
    expect(redacted({ 'tracekit.request.body': 'user=ann&password=hunter2&remember=1' }, 'remove')).toEqual({ 'tracekit.request.body': 'user=ann&password=[REDACTED]&remember=1' });
    expect(redacted({ 'tracekit.response.body': 'hello AKIAIOSFODNN7EXAMPLE world' }, 'remove')).toEqual({ 'tracekit.response.body': 'hello [REDACTED] world' });
  });
});

describe('log records (events, snapshots)', () => {
  it('attributes by key and pattern, string bodies JSON-aware; the record’s own attributes object is replaced, not changed', () => {
    const attributes = { 'event.name': 'checkout', 'tracekit.event.properties.plan': 'pro', 'tracekit.event.properties.api_key': 'k-1', card: '4111 1111 1111 1111', 'user.id': 'u-1' };
    const record: LogRecordData = { time: 0, eventName: 'tracekit.event', severityNumber: 9, severityText: 'INFO', body: '{"secret":"s","ok":1}', attributes };
    redactor('remove').log(record);
    expect(record.attributes).toEqual({ 'event.name': 'checkout', 'tracekit.event.properties.plan': 'pro', 'tracekit.event.properties.api_key': '[REDACTED]', card: '[REDACTED]', 'user.id': 'u-1' });
    expect(record.body).toBe('{"secret":"[REDACTED]","ok":1}');
    expect(attributes['tracekit.event.properties.api_key']).toBe('k-1');
  });

  it('a body its producer already redacted field by field (a snapshot) is not scanned again; its attributes still are', () => {
    const record: LogRecordData = { time: 0, eventName: 'tracekit.snapshot', severityNumber: 9, severityText: 'INFO', body: '{"password":"***","note":"kept as the walker left it"}', bodyRedacted: true, attributes: { api_key: 'k-2' } };
    redactor('remove').log(record);
    expect(record.body).toBe('{"password":"***","note":"kept as the walker left it"}');
    expect(record.attributes).toEqual({ api_key: '[REDACTED]' });
  });
});
