import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_TRACESTATE_MEMBERS,
  W3CTraceState,
  isValidTracestateKey,
  isValidTracestateValue,
  parseTracestate,
  parseTracestateHeader,
} from '../../src/http/tracestate.js';
import { parseTraceparent } from '../../src/http/propagation.js';
import { rawRequest, setupTestTracing, type TestTracing } from '../../src/testing/index.js';
import { createAdapter, endWithNodeResponse, nodeRequestInfo, shutdown } from '../../src/adapter-api.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const TP = `00-${T}-${S}-01`;
const ser = (h: string | string[]) => parseTracestate(h)?.serialize();
const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v${i}`).join(',');

describe('tracestate keys', () => {
  it('accepts a lower-case letter or digit, then a-z 0-9 _ - * / @', () => {
    for (const k of ['a', 'foo', 'foo_bar', 'foo-bar', 'foo*bar', 'foo/bar', 'a0123456789', 'z_-*/', '0foo', '1t@vendor']) expect(isValidTracestateKey(k), k).toBe(true);
    expect(ser('foo_1-*/=1')).toBe('foo_1-*/=1');
  });

  it('rejects keys starting with another character, with upper case or with other characters', () => {
    for (const k of ['_foo', '-foo', '*foo', '/foo', 'Foo', 'fOo', 'foo.bar', 'foo bar', 'foo!', 'föo', '']) expect(isValidTracestateKey(k), k).toBe(false);
  });

  it('vendor keys: tenant@system and any other use of @ after the first character; never a leading @', () => {
    for (const k of ['tenant@system', '0tenant@sys', 'a@b', 'ten_ant-*/@s1_-*/', 'foo@', 'foo@@bar', 'foo@bar@baz', 'tenant@1sys']) expect(isValidTracestateKey(k), k).toBe(true);
    for (const k of ['@system', '@', '@foo@bar', 'Tenant@sys', 'tenant@Sys', 'ten ant@sys', 'tenant@sy.s']) expect(isValidTracestateKey(k), k).toBe(false);
    expect(ser('foo@=1,bar=2')).toBe('foo@=1,bar=2');
    expect(ser('@foo=1,bar=2')).toBeUndefined();
  });

  it('allows a 256-character key and rejects 257, with or without @', () => {
    expect(ser(`${'k'.repeat(256)}=v`)).toBe(`${'k'.repeat(256)}=v`);
    expect(ser(`${'k'.repeat(257)}=v`)).toBeUndefined();
    const vendor = `${'t'.repeat(241)}@${'s'.repeat(14)}`;
    expect(ser(`${vendor}=v`)).toBe(`${vendor}=v`);
    expect(ser(`${'t'.repeat(242)}@v=1`)).toBe(`${'t'.repeat(242)}@v=1`);
    expect(ser(`t@${'v'.repeat(15)}=1`)).toBe(`t@${'v'.repeat(15)}=1`);
    expect(ser(`${'t'.repeat(242)}@${'s'.repeat(14)}=v`)).toBeUndefined();
  });
});

describe('tracestate values', () => {
  it('accepts printable ASCII 0x20-0x7E except "," and "=", spaces inside', () => {
    let all = '';
    for (let c = 0x21; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) all += String.fromCharCode(c);
    expect(isValidTracestateValue(all)).toBe(true);
    expect(isValidTracestateValue('a b')).toBe(true);
    expect(ser('k=a b')).toBe('k=a b');
  });

  it('rejects "=", control characters, non-ASCII and an empty value', () => {
    for (const v of ['a=b', 'a\tb', 'a\x00b', 'a\x7fb', 'é', '']) expect(isValidTracestateValue(v), JSON.stringify(v)).toBe(false);
    expect(ser('k=a=b')).toBeUndefined();
    expect(ser('k=')).toBeUndefined();
  });

  it('rejects a value ending in a space (after OWS trimming a tab-separated space still counts)', () => {
    expect(isValidTracestateValue('ab ')).toBe(false);
    // Trailing whitespace before a comma is OWS, so it is trimmed and the member is fine.
    expect(ser('k=ab ,x=1')).toBe('k=ab,x=1');
  });

  it('allows a 256-character value and rejects 257', () => {
    expect(ser(`k=${'v'.repeat(256)}`)).toBe(`k=${'v'.repeat(256)}`);
    expect(ser(`k=${'v'.repeat(257)}`)).toBeUndefined();
  });
});

describe('tracestate lists', () => {
  it('keeps 32 members and drops a list of 33 entirely', () => {
    expect(parseTracestate(members(32))?.size).toBe(MAX_TRACESTATE_MEMBERS);
    expect(ser(members(33))).toBeUndefined();
    expect(parseTracestateHeader(members(33))).toEqual({ ok: false, problem: 'too-many-members' });
  });

  it('keeps the first (leftmost, most recent) entry of a duplicated key and the rest of the list', () => {
    expect(ser('a=1,b=2,a=3')).toBe('a=1,b=2');
    expect(ser('a=1,a=1')).toBe('a=1');
    // Duplicates still count towards the 32 members the header may carry.
    expect(ser(`${members(32)},k0=again`)).toBeUndefined();
  });

  it('tolerates empty members; they do not count towards the 32', () => {
    expect(ser('a=1,,b=2,')).toBe('a=1,b=2');
    expect(ser(',, ,\t,')).toBeUndefined();
    expect(parseTracestate(`${members(32)},,,`)?.size).toBe(32);
  });

  it('trims optional whitespace (spaces and tabs) around members', () => {
    expect(ser(' a=1 \t, \tb=2\t ')).toBe('a=1,b=2');
  });

  it('combines several header lines with ","', () => {
    expect(ser(['a=1', 'b=2,c=3'])).toBe('a=1,b=2,c=3');
    // Node and fetch join repeated headers with ", ".
    expect(ser('a=1, b=2')).toBe('a=1,b=2');
    // The 32-member limit and duplicate rule apply to the combined list.
    expect(ser([members(16), members(17).replace(/k/g, 'j')])).toBeUndefined();
    expect(ser(['a=1', 'a=2'])).toBe('a=1');
  });

  it('drops members without "=" and the whole header with them', () => {
    expect(ser('a=1,garbage')).toBeUndefined();
    expect(ser('=1')).toBeUndefined();
  });

  it('cuts a propagated list to 512 characters: long members first, then from the right', () => {
    const long = `big=${'x'.repeat(200)}`;
    const small = Array.from({ length: 20 }, (_, i) => `s${i}=${'y'.repeat(20)}`);
    const state = parseTracestate([long, ...small].join(','))!;
    expect(state.get('big')).toBeUndefined();
    expect(state.serialize().length).toBeLessThanOrEqual(512);
    expect(state.get('s0')).toBe('y'.repeat(20));
    const many = Array.from({ length: 30 }, (_, i) => `m${i}=${'z'.repeat(30)}`).join(',');
    const cut = parseTracestate(many)!;
    expect(cut.serialize().length).toBeLessThanOrEqual(512);
    expect(cut.entries()[0]).toEqual(['m0', 'z'.repeat(30)]);
    expect(cut.get('m29')).toBeUndefined();
  });

  it('never throws, whatever it is given', () => {
    for (const h of [undefined, '', ',', '=', '@=@', 'x'.repeat(40_000), '\u0000', 42 as unknown as string]) expect(() => parseTracestate(h)).not.toThrow();
  });
});

describe('W3CTraceState', () => {
  it('set puts the key leftmost, replaces an existing entry and keeps at most 32', () => {
    const s = parseTracestate('a=1,b=2')!;
    expect(s.set('c', '3').serialize()).toBe('c=3,a=1,b=2');
    expect(s.set('b', '9').serialize()).toBe('b=9,a=1');
    expect(s.set('Bad', '1')).toBe(s);
    expect(s.set('ok', 'bad=')).toBe(s);
    const full = parseTracestate(members(32))!;
    const more = full.set('new', 'x');
    expect(more.size).toBe(32);
    expect(more.entries()[0]).toEqual(['new', 'x']);
    expect(more.get('k31')).toBeUndefined();
  });

  it('unset and get', () => {
    const s = parseTracestate('a=1,b=2')!;
    expect(s.unset('a').serialize()).toBe('b=2');
    expect(s.unset('zz')).toBe(s);
    expect(s.get('b')).toBe('2');
    expect(W3CTraceState.EMPTY.serialize()).toBe('');
  });
});

// The tracestate cases of the official W3C harness (test/test.py of w3c/trace-context, level 1,
// strict level 2), including the four TraceKit failed before (illegal key characters / vendor
// format, a 257-character key, more than 32 members, illegal value characters): an invalid
// tracestate must not be propagated, a valid one must be.
describe('W3C harness cases (tracestate must be dropped)', () => {
  it('test_tracestate_key_illegal_characters', () => {
    for (const h of ['foo =1', 'FOO=1', 'foo.bar=1']) {
      expect(parseTraceparent(TP, h)?.traceState, h).toBeUndefined();
      expect(parseTraceparent(TP, `${h},ok=1`)?.traceState, h).toBeUndefined();
    }
  });

  it('test_tracestate_key_illegal_vendor_format: a key starting with @ drops the header; @ inside a key is kept', () => {
    expect(parseTraceparent(TP, '@foo=1,bar=2')?.traceState).toBeUndefined();
    for (const k of ['foo@', 'foo@@bar', 'foo@bar@baz']) {
      const state = parseTraceparent(TP, `${k}=1,bar=2`)?.traceState;
      expect(state?.get(k), k).toBe('1');
      expect(state?.get('bar'), k).toBe('2');
    }
  });

  it('test_tracestate_key_length_limit: a 257-character key drops the header', () => {
    expect(parseTraceparent(TP, ['foo=1', `${'z'.repeat(257)}=1`].join(','))?.traceState).toBeUndefined();
    expect(parseTraceparent(TP, `${'z'.repeat(256)}=1,foo=1`)?.traceState?.get('foo')).toBe('1');
    for (const key of [`${'t'.repeat(241)}@${'v'.repeat(14)}`, `${'t'.repeat(242)}@v`, `t@${'v'.repeat(15)}`]) {
      expect(parseTraceparent(TP, `foo=1,${key}=1`)?.traceState?.get(key)).toBe('1');
    }
  });

  it('test_tracestate_duplicated_keys: the state is kept, with one foo entry', () => {
    expect(parseTraceparent(TP, 'foo=1,foo=1')?.traceState?.serialize()).toBe('foo=1');
    expect(parseTraceparent(TP, 'foo=1,foo=2')?.traceState?.serialize()).toBe('foo=1');
  });

  it('test_tracestate_member_count_limit: more than 32 list members', () => {
    expect(parseTraceparent(TP, members(33))?.traceState).toBeUndefined();
    expect(parseTraceparent(TP, [members(15), members(18).replace(/k/g, 'j')].join(','))?.traceState).toBeUndefined();
    expect(parseTraceparent(TP, members(32))?.traceState?.serialize().split(',')).toHaveLength(32);
  });

  it('test_tracestate_value_illegal_characters', () => {
    for (const h of ['foo=bar=baz', 'foo=,bar=3', 'foo=\u00e9', 'foo=a\tb', 'foo=\u0001']) {
      expect(parseTraceparent(TP, h)?.traceState, JSON.stringify(h)).toBeUndefined();
    }
  });
});

describe('tracestate over real HTTP', () => {
  let t: TestTracing;
  let downstream: http.Server;
  let app: http.Server;
  let base: string;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    t = await setupTestTracing();
    downstream = http.createServer((req, res) => {
      seen.push(req.headers.tracestate as string | undefined);
      res.end('ok');
    });
    await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r));
    const down = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
    const runtime = createAdapter<http.IncomingMessage, http.ServerResponse>('node-test');
    app = http.createServer((req, res) => {
      const scope = runtime.start(req, nodeRequestInfo(req));
      if (!scope) return void res.end();
      endWithNodeResponse(runtime, scope, res);
      scope.run(async () => {
        const r = await fetch(`${down}/next`);
        res.end(await r.text());
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    downstream.close();
    app.close();
    await shutdown();
  });

  const call = async (headers: Array<[string, string]>) => {
    const res = await rawRequest(base, '/in', headers);
    expect(res.status).toBe(200);
  };

  it('forwards the validated state from several header lines, drops an invalid one', async () => {
    seen.length = 0;
    t.reset();
    await call([['traceparent', TP], ['tracestate', 'a=1 '], ['tracestate', ' b=2']]);
    await call([['traceparent', TP], ['tracestate', `a=1,${'k'.repeat(257)}=2`]]);
    expect(seen).toEqual(['a=1,b=2', undefined]);
    const spans = await t.spans();
    const server = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(server.map((s) => s.traceState?.serialize())).toEqual(['a=1,b=2', undefined]);
    expect(spans.filter((s) => s.kind === SpanKind.CLIENT).map((s) => s.traceState?.serialize())).toEqual(['a=1,b=2', undefined]);
  });
});
