import { describe, expect, it } from 'vitest';
import { parseHost } from '../../src/http/http-attributes.js';

// The regular expression parseHost used for every host before its fast path (issue 11).
function reference(host: string | undefined): { address?: string; port?: number } {
  if (!host) return {};
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m || !m[1]) return {};
  const out: { address?: string; port?: number } = { address: m[1] };
  if (m[2] !== undefined) out.port = Number(m[2]);
  return out;
}

describe('parseHost fast path', () => {
  it('reads every host exactly as the regular expression does', () => {
    const hosts = [undefined, '', 'example.com', 'example.com:8080', '127.0.0.1:3000', 'h:0080', 'h:', ':80', 'a:b', 'a:b:c', 'h:123456', 'h:65535',
      '[::1]:3000', '[::1]', ' h:1 ', '\u00a0h', 'h\u00a0', 'h:1x', 'x y:12', 'h:-1', 'h:+1', '::', 'é:80', 'h:٣'];
    for (const h of hosts) expect(parseHost(h), String(h)).toEqual(reference(h));
  });

  it('answers a repeated host from its last-host cache with the right parts, and shares a frozen result', () => {
    const seq = ['a:1', 'a:1', 'b:2', 'a:1', '[::1]:3', '[::1]:3', undefined, 'a:1', 'a:1'];
    for (const h of seq) expect(parseHost(h), String(h)).toEqual(reference(h));
    const first = parseHost('shop.example:8443');
    expect(parseHost('shop.example:8443')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
